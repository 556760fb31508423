from enum import StrEnum


class OdataTypeRun(StrEnum):
    VALUE_0 = "#microsoft.graph.industryData.run"
    VALUE_1 = "#microsoft.industryData.run"
    VALUE_2 = "#microsoft.graph.run"

    def __str__(self) -> str:
        return str(self.value)
