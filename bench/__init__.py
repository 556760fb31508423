"""`make bench`: generation, the server, fuzzing and the client, each measured against the tool
it is compared with, side by side in one run, into `BENCHMARKS.md`.

Benchmarks, not tests: they write figures and verdicts and assert no time.
"""
