from enum import StrEnum


class PublicErrorDetailOdataType(StrEnum):
    HASH_MICROSOFT_GRAPH_PUBLIC_ERROR_DETAIL = "#microsoft.graph.publicErrorDetail"
    MICROSOFT_GRAPH_PUBLIC_ERROR_DETAIL = "microsoft.graph.publicErrorDetail"

    def __str__(self) -> str:
        return str(self.value)
