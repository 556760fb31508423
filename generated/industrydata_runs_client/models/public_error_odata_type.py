from enum import StrEnum


class PublicErrorOdataType(StrEnum):
    HASH_MICROSOFT_GRAPH_PUBLIC_ERROR = "#microsoft.graph.publicError"
    HASH_MICROSOFT_INDUSTRY_DATA_PUBLIC_ERROR = "#microsoft.industryData.publicError"
    MICROSOFT_GRAPH_PUBLIC_ERROR = "microsoft.graph.publicError"
    MICROSOFT_INDUSTRY_DATA_PUBLIC_ERROR = "microsoft.industryData.publicError"

    def __str__(self) -> str:
        return str(self.value)
