"""`make soak`: concurrent clients against the server for a bounded time, then every write checked.

SOAK_CLIENTS clients (default 16) send a mix of requests for SOAK_SECONDS (default 30), over
loopback only. Each client adds runs and updates its own runs (some with `If-Match`); all of them
increment a counter on one shared run with `If-Match` and retry on 412, and overwrite another
shared run blindly. Every acknowledged write is recorded. Afterwards the server is stopped and
the storage is opened directly (`reference_server.storage`, the same `DATABASE_URL`) to check:
every acknowledged run is there, linked, with the values of its last acknowledged update; the
counter counts every acknowledged increment exactly once; no blind write was lost or doubled.
Any 5xx or dropped connection fails the soak.

By default it starts `python -m reference_server --dev` on a free port, with a temporary state
folder and `DATABASE_URL` from the environment (SQLite in that folder when unset). Set SOAK_URL
(a loopback `.../beta` URL), SOAK_TOKEN and DATABASE_URL to soak a server that runs already.
"""

from soak.load import Soak
from soak.run import main
from soak.tally import FLOW, OwnRun, new_run

__all__ = ["FLOW", "OwnRun", "Soak", "main", "new_run"]
