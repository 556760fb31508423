"""`python -m bug_zoo` (`make fuzz-zoo`): see `bug_zoo.runner`."""

from __future__ import annotations

from bug_zoo.runner import main

if __name__ == "__main__":
    raise SystemExit(main())
