"""One module per bug; `bug_zoo.catalog.NAMES` lists them."""
