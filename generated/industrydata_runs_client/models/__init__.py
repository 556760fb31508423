"""Contains all the data models used in inputs/outputs"""

from .blocking_error import BlockingError
from .blocking_error_detail import BlockingErrorDetail
from .blocking_inner_error import BlockingInnerError
from .o_data_error import ODataError
from .o_data_error_detail import ODataErrorDetail
from .o_data_inner_error import ODataInnerError
from .o_data_main_error import ODataMainError
from .odata_type_run import OdataTypeRun
from .public_error import PublicError
from .public_error_detail import PublicErrorDetail
from .public_error_detail_odata_type import PublicErrorDetailOdataType
from .public_error_odata_type import PublicErrorOdataType
from .public_inner_error import PublicInnerError
from .public_inner_error_odata_type import PublicInnerErrorOdataType
from .run import Run
from .run_create import RunCreate
from .run_reference import RunReference
from .run_statistics import RunStatistics
from .run_status import RunStatus
from .run_status_input import RunStatusInput
from .run_update import RunUpdate

__all__ = (
    "BlockingError",
    "BlockingErrorDetail",
    "BlockingInnerError",
    "ODataError",
    "ODataErrorDetail",
    "ODataInnerError",
    "ODataMainError",
    "OdataTypeRun",
    "PublicError",
    "PublicErrorDetail",
    "PublicErrorDetailOdataType",
    "PublicErrorOdataType",
    "PublicInnerError",
    "PublicInnerErrorOdataType",
    "Run",
    "RunCreate",
    "RunReference",
    "RunStatistics",
    "RunStatus",
    "RunStatusInput",
    "RunUpdate",
)
