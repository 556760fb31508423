from enum import StrEnum


class RunStatusInput(StrEnum):
    COMPLETED = "completed"
    COMPLETED_WITH_ERRORS = "completedWithErrors"
    COMPLETED_WITH_WARNINGS = "completedWithWarnings"
    FAILED = "failed"
    RUNNING = "running"

    def __str__(self) -> str:
        return str(self.value)
