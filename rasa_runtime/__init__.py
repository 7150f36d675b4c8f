"""What the Rasa process (.venv/rasa) imports from this project: the bot's channel and a launcher.

Only the standard library, Rasa and scamreport.channel (itself standard library only) are used
here: the rest of the project lives in the other environment.
"""
