"""The bug zoo: variants of the reference server with one realistic bug each.

Each variant wraps the real server from outside, as an ASGI middleware, a storage decorator or a
start-up setting, in a module of its own under `bug_zoo.variants`; the reference server holds no
trace of them. A variant is chosen when its server is built (`python -m bug_zoo.serve VARIANT`,
or a server the runner hosts, `bug_zoo.hosted`) and nothing a request sends can turn one on.
`make fuzz-zoo` (`bug_zoo.runner`) fuzzes every variant and fails if one survives.
"""
