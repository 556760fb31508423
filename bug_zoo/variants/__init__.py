"""One module per bug, defining `VARIANT`; `bug_zoo.catalog` finds them here (`NAMES`)."""
