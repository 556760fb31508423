"""A missing or invalid token is let through as if it were the dev user's.

A fallback identity when authentication fails, left in from local testing.
"""

from __future__ import annotations

from bug_zoo.catalog import Variant
from bug_zoo.leniency import served_as_dev_user

VARIANT = Variant(
    name="ignores_auth",
    bug="requests without a valid token are served",
    middleware=served_as_dev_user(401),
    covers=("D6", "status:*:401"),
)
