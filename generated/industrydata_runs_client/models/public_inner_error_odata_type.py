from enum import StrEnum


class PublicInnerErrorOdataType(StrEnum):
    HASH_MICROSOFT_GRAPH_PUBLIC_INNER_ERROR = "#microsoft.graph.publicInnerError"
    MICROSOFT_GRAPH_PUBLIC_INNER_ERROR = "microsoft.graph.publicInnerError"

    def __str__(self) -> str:
        return str(self.value)
