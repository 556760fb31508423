from enum import StrEnum


class RunStatus(StrEnum):
    COMPLETED = "completed"
    COMPLETEDWITHERRORS = "completedWithErrors"
    COMPLETEDWITHWARNINGS = "completedWithWarnings"
    FAILED = "failed"
    RUNNING = "running"
    UNKNOWNFUTUREVALUE = "unknownFutureValue"

    def __str__(self) -> str:
        return str(self.value)
