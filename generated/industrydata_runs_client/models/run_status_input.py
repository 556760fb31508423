from enum import StrEnum


class RunStatusInput(StrEnum):
    COMPLETED = "completed"
    COMPLETEDWITHERRORS = "completedWithErrors"
    COMPLETEDWITHWARNINGS = "completedWithWarnings"
    FAILED = "failed"
    RUNNING = "running"

    def __str__(self) -> str:
        return str(self.value)
