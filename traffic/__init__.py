"""Contract checks on real traffic: `make proxy` (live, in front of a server) and
`make check-traffic` (a recorded HAR file), with the fuzzer's own check functions.

Nothing here sends a request of its own: every exchange is one a client and a server made. The
spec validation of each exchange and the registered `@contract_check` rules run on what was seen;
rules that need a read of a run say they were skipped in passive mode. `redocly drift` runs over
the same traffic and its findings join the report.
"""
