"""Reading and checking the contract, `openapi.yaml`.

`loading` is the kit's one way to read the spec (line numbers kept, duplicate keys refused) and
`refs` its one way to follow `$ref`s; the server, the fuzzer, the validators and the diff all use
them. The rest is `make validate`: the project's own lint rules (`rules/`), examples against
their schemas (`examples`), the Node linters (`linters`), and the stages in order (`validate`).
"""
