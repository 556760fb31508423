from enum import StrEnum


class RunStatus(StrEnum):
    COMPLETED = "completed"
    COMPLETED_WITH_ERRORS = "completedWithErrors"
    COMPLETED_WITH_WARNINGS = "completedWithWarnings"
    FAILED = "failed"
    RUNNING = "running"
    UNKNOWN_FUTURE_VALUE = "unknownFutureValue"

    def __str__(self) -> str:
        return str(self.value)
