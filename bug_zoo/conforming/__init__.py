"""One module per conforming variant; `bug_zoo.catalog.CONFORMING` lists them."""
