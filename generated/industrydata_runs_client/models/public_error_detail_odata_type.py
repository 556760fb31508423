from enum import StrEnum


class PublicErrorDetailOdataType(StrEnum):
    MICROSOFT_GRAPH_PUBLICERRORDETAIL = "microsoft.graph.publicErrorDetail"
    VALUE_1 = "#microsoft.graph.publicErrorDetail"

    def __str__(self) -> str:
        return str(self.value)
