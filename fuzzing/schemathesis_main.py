"""`python -m fuzzing.schemathesis_main`: schemathesis's command line, quiet when stopped before
it began.

Under `FUZZ_FAIL_FAST` the harness stops schemathesis with SIGINT as soon as a probe fails, often
while schemathesis is still importing; Python then prints a KeyboardInterrupt traceback into
`make fuzz`'s output that says nothing about the target. Once its run has begun, schemathesis
handles the interrupt itself and still writes its reports.
"""

from __future__ import annotations

import sys

INTERRUPTED = 130
"""The shell's status for a process ended by SIGINT."""


def main() -> int:
    try:
        from schemathesis.cli import schemathesis  # inside the guard: the case it is for
    except KeyboardInterrupt:
        return INTERRUPTED
    schemathesis()  # click's entry point: exits with the run's status
    return 0


if __name__ == "__main__":
    sys.exit(main())
