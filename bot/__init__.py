"""Front ends that relay a reporter's messages to the Rasa server (Telegram, terminal chat)."""
