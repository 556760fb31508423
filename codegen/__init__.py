"""The typed client under `generated/`: how it is generated (`generator`), the staged
`make generate` around it (`pipeline`), and the drift check of `make check-generated` (`drift`).

The client is generated, never imported here: nothing of the kit imports `generated/`.
"""
