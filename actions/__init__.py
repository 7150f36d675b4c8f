"""Custom actions of the Rasa assistant (an adapter over the scamreport core).

rasa-sdk discovers every Action subclass in this package's modules.
"""
