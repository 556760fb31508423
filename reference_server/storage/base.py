"""What the HTTP layer needs from storage, with no engine or framework in it.

A store holds inbound flows, their runs, and process links (run A's `process/runs` holds run B).
Every write is one transaction: it is durable when the method returns, and a merge reads and
writes the run inside that transaction, so concurrent updates of one run never lose each other's
changes. Engines (SQLite here; PostgreSQL next to it) implement `RunStore`, and each declares
itself as an `Engine`; nothing above this module knows which one runs.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reference_server.storage.buckets import BucketStore

JSON = Any
# The properties a run stores, in the order the API returns them. `id` and `@odata.type` are not
# stored as properties: the id is the key, and the type annotation is the API's business.
RUN_FIELDS = (
    "displayName",
    "startDateTime",
    "endDateTime",
    "status",
    "blockingError",
    "statistics",
)


class StoreError(Exception):
    """Base of the errors a store raises on purpose; `message` is fit for a caller to read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(StoreError):
    """The flow, the run, or the process link does not exist."""


class LinkedRunMissingError(NotFoundError):
    """The run to link into a process does not exist (the parent and the flow do)."""


class PreconditionFailedError(StoreError):
    """The run's version is not one the caller named; nothing was changed."""


class UnavailableError(StoreError):
    """The database cannot serve the request now (down, restarting, locked, or too busy).

    Raised within the store's bounded wait, never after an open-ended one. Nothing was changed,
    or the change was not confirmed: a caller may retry after `retry_after` seconds.
    """

    def __init__(self, message: str, retry_after: int = 2) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class KeyAnsweredError(StoreError):
    """The `Idempotency-Key` answered a request with the same body before: nothing was done, and
    the request is to be answered as that one was (`answer`)."""

    def __init__(self, answer: KeyedAnswer) -> None:
        super().__init__("This Idempotency-Key was answered before; the same answer is given.")
        self.answer = answer


class KeyReusedError(StoreError):
    """The `Idempotency-Key` was used with another request body; nothing was done."""


class KeyInFlightError(StoreError):
    """A request with the same `Idempotency-Key` is being processed now; nothing was done."""


@dataclass(frozen=True)
class KeyedAnswer:
    """The answer kept with an `Idempotency-Key`: what a replay of its request is answered."""

    status: int
    location: str


@dataclass(frozen=True)
class IdempotencyKey:
    """An `Idempotency-Key` to keep with the write it comes with, in the same transaction.

    `scope` names the caller and the target the key is scoped to (the same key from another caller
    or to another target is another key); `fingerprint` identifies the request body; `answer` is
    what the request answers if the write succeeds; a key kept before `now - retention` is
    forgotten.
    """

    scope: str
    key: str
    fingerprint: str
    answer: KeyedAnswer
    now: float
    retention: float

    @property
    def oldest_kept(self) -> float:
        return self.now - self.retention


@dataclass(frozen=True)
class StoredRun:
    """A run as stored: its key, its properties, and a version that grows with every change."""

    flow_id: str
    id: str
    fields: Mapping[str, JSON]
    version: int


@dataclass(frozen=True)
class Precondition:
    """`If-Match`: change the run only if its version is one of `versions`, or any with `any`."""

    versions: frozenset[str] = frozenset()
    any: bool = False

    def allows(self, version: int) -> bool:
        return self.any or str(version) in self.versions


@dataclass(frozen=True)
class RunRecord:
    """A run of a data set to load, with the ids of the runs its process links."""

    id: str
    fields: Mapping[str, JSON]
    process_runs: Sequence[str] = ()


@dataclass(frozen=True)
class FlowRecord:
    id: str
    runs: Sequence[RunRecord] = field(default_factory=tuple)


def fields_json(fields: Mapping[str, JSON]) -> str:
    """A run's properties as every engine stores them: the same text, whichever engine.

    Key order kept, every number as sent; ASCII escapes keep any string JSON can carry storable
    (no NUL byte reaches PostgreSQL) and byte-for-byte reproducible.
    """
    return json.dumps(dict(fields), ensure_ascii=True, separators=(",", ":"), allow_nan=False)


def merged_fields(
    run: StoredRun, changes: Mapping[str, JSON], precondition: Precondition | None
) -> dict[str, JSON] | None:
    """The run's properties with `changes` merged in, or None when that changes nothing (then the
    version, the ETag, stays). Raises `PreconditionFailedError` when `precondition` refuses."""
    if precondition is not None and not precondition.allows(run.version):
        raise stale(run.id, run.version)
    merged = {**run.fields, **changes}
    return None if merged == run.fields else merged


def link_outside_flow(flow_id: str, run_id: str, linked: str) -> ValueError:
    """A data set links a run that its flow does not hold."""
    return ValueError(
        f"run '{run_id}' of flow '{flow_id}' links run '{linked}', which is not in that flow"
    )


def key_reused() -> KeyReusedError:
    return KeyReusedError(
        "This Idempotency-Key was used with another request body; nothing was done. Send a new "
        "key with a new request."
    )


def key_in_flight() -> KeyInFlightError:
    return KeyInFlightError(
        "A request with this Idempotency-Key is still being processed; nothing was done. Retry "
        "later: once it is answered, the same answer is given."
    )


def flow_missing(flow_id: str) -> NotFoundError:
    return NotFoundError(f"Inbound flow '{flow_id}' was not found.")


def run_missing(flow_id: str, run_id: str) -> NotFoundError:
    return NotFoundError(f"Run '{run_id}' was not found in inbound flow '{flow_id}'.")


def linked_run_missing(flow_id: str, run_id: str) -> LinkedRunMissingError:
    return LinkedRunMissingError(
        f"Run '{run_id}' was not found in inbound flow '{flow_id}'; nothing was linked."
    )


def link_missing(flow_id: str, run_id: str, linked_run_id: str) -> NotFoundError:
    return NotFoundError(
        f"Run '{linked_run_id}' is not linked into the process of run '{run_id}' "
        f"in inbound flow '{flow_id}'."
    )


def stale(run_id: str, version: int) -> PreconditionFailedError:
    return PreconditionFailedError(
        f"Run '{run_id}' has changed since it was read (its ETag is now \"{version}\"); "
        "read it again and reapply the update."
    )


class RunStore(ABC):
    """The storage interface. Methods block; call them from a worker thread in async code.

    A create or a link that comes with an `IdempotencyKey` first looks the key up in its own
    transaction: a key kept within the retention with the same fingerprint raises
    `KeyAnsweredError` (with the answer kept), with another fingerprint `KeyReusedError`, and a key
    that another transaction is writing now `KeyInFlightError`; then nothing is written. Otherwise
    the write is done and the key kept with its answer in the same transaction, so a crash leaves
    both or neither. Only writes that succeed keep a key.
    """

    # The longest that one wait for the database may take (for a lock, a connection, a
    # statement); engines set it from their URL's `?timeout=`.
    timeout: float = 5.0

    @property
    def deadline(self) -> float:
        """Seconds after which an async caller stops waiting for a call (and answers 503).

        A method raises `UnavailableError` within a few `timeout`s; this is the net under that,
        for a database that stops answering altogether (a frozen host).
        """
        return 3 * self.timeout + 1

    @abstractmethod
    def load(self, flows: Sequence[FlowRecord]) -> int:
        """Add the flows, runs and links that do not exist yet; return how many things were added.

        Idempotent, and never overwrites: a run that exists keeps its stored properties.
        """

    @abstractmethod
    def create_linked_run(
        self,
        flow_id: str,
        parent_run_id: str,
        new_run_id: str,
        fields: Mapping[str, JSON],
        *,
        key: IdempotencyKey | None = None,
    ) -> StoredRun:
        """Create run `new_run_id` in the flow and link it into the process of `parent_run_id`.

        Raises `NotFoundError` when the flow or the parent run does not exist; then nothing is
        stored. With `key`, see the class.
        """

    @abstractmethod
    def link_run(
        self,
        flow_id: str,
        run_id: str,
        linked_run_id: str,
        *,
        key: IdempotencyKey | None = None,
    ) -> StoredRun:
        """Link run `linked_run_id` of the flow into the process of `run_id`; return it unchanged.

        Idempotent: a link that exists already is left as it is (no second link). Raises
        `NotFoundError` when the flow or `run_id` does not exist, `LinkedRunMissingError` when
        `linked_run_id` does not; then nothing is stored. A run is never linked into its own
        process (`ValueError`). With `key`, see the class.
        """

    @abstractmethod
    def update_run(
        self,
        flow_id: str,
        run_id: str,
        changes: Mapping[str, JSON],
        *,
        process_of: str | None = None,
        precondition: Precondition | None = None,
    ) -> StoredRun:
        """Merge `changes` into the run's properties (top-level keys replace); bump its version
        when that changes anything.

        With `process_of`, the run must also be linked into the process of that run. Raises
        `NotFoundError` or `PreconditionFailedError`; then nothing is changed.
        """

    @abstractmethod
    def get_run(self, flow_id: str, run_id: str) -> StoredRun | None:
        """The run, or None."""

    @abstractmethod
    def flow_exists(self, flow_id: str) -> bool:
        """Whether the inbound flow exists."""

    @abstractmethod
    def process_runs(self, flow_id: str, run_id: str) -> list[str]:
        """Ids of the runs linked into the process of the run, oldest link first."""

    @abstractmethod
    def snapshot(self) -> list[FlowRecord]:
        """Everything stored, in load order (for checks, backups and moving between engines)."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection; the store is unusable afterwards."""

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def is_linked(self, flow_id: str, run_id: str, linked_run_id: str) -> bool:
        """Whether `linked_run_id` is in the process of `run_id`."""
        return linked_run_id in self.process_runs(flow_id, run_id)


@dataclass(frozen=True)
class Engine:
    """A storage engine as its module declares it (`ENGINE = Engine(...)`): the `DATABASE_URL`
    schemes it serves (the first names it) and how it opens the runs and the rate-limit buckets
    in such a database. `reference_server.storage` finds it in its module: a new engine is one
    module of this package."""

    schemes: tuple[str, ...]
    runs: Callable[[str], RunStore]
    buckets: Callable[[str], BucketStore]

    @property
    def name(self) -> str:
        return self.schemes[0]
