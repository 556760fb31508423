from enum import StrEnum


class PublicErrorOdataType(StrEnum):
    MICROSOFT_GRAPH_PUBLICERROR = "microsoft.graph.publicError"
    MICROSOFT_INDUSTRYDATA_PUBLICERROR = "microsoft.industryData.publicError"
    VALUE_1 = "#microsoft.graph.publicError"
    VALUE_3 = "#microsoft.industryData.publicError"

    def __str__(self) -> str:
        return str(self.value)
