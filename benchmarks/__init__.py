"""`make bench`: the assistant measured from outside, against a bare Rasa, before and after.

Run with `.venv/app/bin/python -m benchmarks` (see __main__.py and docs/performance.md). Nothing
here is imported by the assistant: it starts the assistant's processes (scamreport.cli.stack)
and a bare Rasa 3.6.21 assistant it creates and trains itself, and talks to them over HTTP.
"""
