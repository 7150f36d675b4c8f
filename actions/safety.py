"""The safety rules every action applies to what the reporter typed."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from scamreport.sensitive import mask_secrets


def mask_and_warn(text: str, dispatcher: CollectingDispatcher) -> str:
    """``text`` with PINs, passwords, codes and card numbers masked; warns the reporter once."""
    result = mask_secrets(text)
    if result.kinds:
        dispatcher.utter_message(response="utter_sensitive_warning")
    return result.masked_text
