from enum import StrEnum


class PublicInnerErrorOdataType(StrEnum):
    MICROSOFT_GRAPH_PUBLICINNERERROR = "microsoft.graph.publicInnerError"
    VALUE_1 = "#microsoft.graph.publicInnerError"

    def __str__(self) -> str:
        return str(self.value)
