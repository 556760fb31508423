from enum import StrEnum


class OdataTypeRun(StrEnum):
    MICROSOFT_GRAPH_INDUSTRY_DATA_RUN = "#microsoft.graph.industryData.run"
    MICROSOFT_GRAPH_RUN = "#microsoft.graph.run"
    MICROSOFT_INDUSTRY_DATA_RUN = "#microsoft.industryData.run"

    def __str__(self) -> str:
        return str(self.value)
