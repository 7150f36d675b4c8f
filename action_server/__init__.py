"""The action server (actions/ on rasa-sdk) behind a shared secret, on a private address.

rasa-sdk's own server (`python -m rasa_sdk`) listens on every interface, runs any action for
anyone who reaches it, and answers a failed action with the whole tracker (everything the
reporter typed), which Rasa then logs. `python -m action_server` serves the same actions with
rasa-sdk's executor, but only to callers that send ACTION_SERVER_TOKEN (Rasa does, from the
``token`` of its action endpoint in endpoints.yml), and answers errors without any content.
"""
