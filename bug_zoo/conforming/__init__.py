"""Conforming variants: the reference server answering differently, as the contract allows.

Each wraps the real server from outside, as a bug variant does (a module here defining
`VARIANT`), but what it changes is something a correct Graph-style server may do: `make fuzz`
must pass against every one of them. They keep the harness honest the other way round from the
zoo: a check that fails here is a false alarm. `bug_zoo.catalog` finds them here (`CONFORMING`).
"""
