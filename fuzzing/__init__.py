"""Contract fuzzing of the industryData run API: schemathesis, custom checks and probes.

Talks to a target over HTTP only, so it judges the reference server and any other
implementation the same way. `make fuzz` (`scripts/fuzz.py`) runs it through `fuzzing.runner`.
"""
