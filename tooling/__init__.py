"""What every part of the kit that runs other programs shares: paths, child processes, Node tools,
and swapping a built folder into place.

It imports nothing else of the project, so the server's tests, the fuzzer, the benchmarks and the
soak all use the same helpers without reaching into each other.
"""
