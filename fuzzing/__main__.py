"""`python -m fuzzing` (`make fuzz`): see `fuzzing.runner`."""

from __future__ import annotations

from fuzzing.runner import main

if __name__ == "__main__":
    raise SystemExit(main())
