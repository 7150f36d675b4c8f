"""Rasa's responses in the reporter's language (endpoints.yml: ``nlg: type: rasa_runtime.nlg.
LocalisedNaturalLanguageGenerator``).

Rasa 3.6 loads a custom NLG class named by its module path and asks it for every response,
those of rules and stories and those the custom actions name (``utter_message(response=...)``).
Each language gets Rasa's own ``TemplatedNaturalLanguageGenerator``, so conditional variations,
buttons and ``{slot}`` filling work exactly as for English: English from the domain,
the others from locales/<lang>/responses.yml (scamreport.locales). The language is the one the
bot sent with the reporter's latest message (scamreport.channel.LANGUAGE_KEY).

An action that wants a response's buttons in its own order (the likeliest scam type first)
passes their payloads as ``button_order``: the translated titles stay with their payloads.

A response missing in a language is answered in English and logged: a reporter must never get
silence. tests/test_locales.py keeps that from happening.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from scamreport.channel import metadata_language
from scamreport.languages import DEFAULT_LANGUAGE
from scamreport.locales import LOCALES_DIR, locale_languages
from scamreport.locales import responses as locale_responses

logger = logging.getLogger(__name__)

BUTTON_ORDER_KEY = "button_order"


def ordered_buttons(buttons: list[dict[str, Any]], order: list[str]) -> list[dict[str, Any]]:
    """buttons sorted by the position of their payload in order (unlisted ones last, stable)."""

    def rank(button: dict[str, Any]) -> int:
        payload = button.get("payload")
        return order.index(payload) if payload in order else len(order)

    return sorted(buttons, key=rank)


class LocalisedNaturalLanguageGenerator(TemplatedNaturalLanguageGenerator):
    """One templated generator per language, chosen by the latest message's language.

    A ``TemplatedNaturalLanguageGenerator`` itself because Rasa's agent builds the generator
    before it has the model's domain and hands the responses over afterwards
    (``agent.load_model``: ``if isinstance(nlg, TemplatedNaturalLanguageGenerator): nlg.responses
    = domain.responses``, also on every model reload): the ``responses`` property takes them as
    the English ones.
    """

    def __init__(  # the arguments Rasa's loader passes
        self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None
    ) -> None:
        self.generators: dict[str, TemplatedNaturalLanguageGenerator] = {}
        # endpoints.yml may name another folder (`locales: path`), as the tests do.
        folder = (endpoint_config.kwargs.get("locales") if endpoint_config else None) or None
        locales_dir = Path(folder) if folder else LOCALES_DIR
        super().__init__(dict(domain.responses) if domain is not None else {})
        for language in locale_languages(locales_dir):
            translated = locale_responses(language, locales_dir)
            if language != DEFAULT_LANGUAGE and translated:
                self.generators[language] = TemplatedNaturalLanguageGenerator(translated)

    @property  # type: ignore[override]
    def responses(self) -> dict[str, list[dict[str, Any]]]:
        return self.generators[DEFAULT_LANGUAGE].responses

    @responses.setter
    def responses(self, english: dict[str, list[dict[str, Any]]] | None) -> None:
        self.generators[DEFAULT_LANGUAGE] = TemplatedNaturalLanguageGenerator(dict(english or {}))

    def language_of(self, tracker: DialogueStateTracker) -> str:
        message = tracker.latest_message
        return metadata_language(message.metadata if message is not None else None)

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        order = kwargs.pop(BUTTON_ORDER_KEY, None)
        language = self.language_of(tracker)
        generator = self.generators.get(language)
        message = None
        if generator is not None:
            message = await generator.generate(utter_action, tracker, output_channel, **kwargs)
        if message is None and language != DEFAULT_LANGUAGE:
            logger.error("response %s has no %s text: answered in English", utter_action, language)
            english = self.generators[DEFAULT_LANGUAGE]
            message = await english.generate(utter_action, tracker, output_channel, **kwargs)
        if message is not None and order and message.get("buttons"):
            message["buttons"] = ordered_buttons(list(message["buttons"]), list(order))
        return message
