"""Production signing keys: a JWKS file, read again when it changes, or a JWKS URL, fetched in a
thread of its own.

A token check never waits for the network (docs/decisions.md): a URL's keys are fetched once at
start, then again in the background, one fetch at a time, each bounded by a deadline, when a token
names a `kid` the set does not hold (at most once per refresh interval) or when the set is older
than its age. A token whose key is not in the set at the moment it is checked is refused at once,
so a slow key server, or a flood of made-up `kid`s, holds one thread of its own and no request.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import jwt

log = logging.getLogger("reference_server")

# A key set is a few kilobytes; a body past this is not one.
MAX_KEY_SET_BYTES = 1 << 20

Keys = dict[str, jwt.PyJWK]


def parse_key_set(document: bytes | str) -> Keys:
    """The keys of a JWKS document by `kid` (`""` for a key without one)."""
    keyset = jwt.PyJWKSet.from_dict(json.loads(document))
    return {str(key.key_id or ""): key for key in keyset.keys}


class FileKeys:
    """`JWKS_FILE`, read at start (a bad file stops the start) and again whenever its size,
    mtime or inode changes; a file that cannot be read then keeps the keys it held before."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._stamp = self._stat()
        self._keys = parse_key_set(path.read_bytes())

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            status = os.stat(self._path)
        except OSError:
            return None
        return status.st_mtime_ns, status.st_size, status.st_ino

    def keys(self) -> Keys:
        """The keys of the file as it is now."""
        stamp = self._stat()
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp  # a bad version is reported once, not on every token
                try:
                    self._keys = parse_key_set(self._path.read_bytes())
                    log.info("JWKS_FILE changed: %d keys", len(self._keys))
                except (OSError, ValueError, jwt.PyJWTError) as exc:
                    log.warning("JWKS_FILE changed but cannot be read, old keys kept: %s", exc)
            return self._keys


class UrlKeys:
    """`JWKS_URL`'s keys as last fetched; `keys()` never blocks, it may start a fetch."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float,
        refresh: float,
        max_age: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self._timeout = timeout
        self._refresh = refresh  # the least time between two fetches a missing kid starts
        self._max_age = max_age  # the set is fetched again, in the background, once this old
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: Keys = {}
        self._loaded_at: float | None = None
        self._started_at: float | None = None
        self._running: threading.Thread | None = None
        self._generation = 0  # which fetch may still change the keys: the latest one started
        # Imported here: only a server with JWKS_URL fetches, and httpx (with its command line's
        # imports) is a tenth of a second of every other server's start.
        import httpx

        # No redirects followed: the keys come from the URL configured, over the scheme it says.
        self._client = httpx.Client(timeout=timeout, follow_redirects=False)
        fetch = self._start()
        if fetch is not None:
            fetch.join(timeout * 2)  # the first set, before the first request

    def keys(self) -> Keys:
        """The keys held now; fetched again in the background once they are old."""
        with self._lock:
            keys = self._keys
            old = self._loaded_at is None or self._clock() - self._loaded_at >= self._max_age
        if old:
            self._start(wait=self._refresh)
        return keys

    def missing(self) -> None:
        """A token named a `kid` the set does not hold: fetch again (in the background), unless
        a fetch is running or the last one started less than the refresh interval ago."""
        self._start(wait=self._refresh)

    @property
    def fetching(self) -> bool:
        with self._lock:
            return self._running is not None

    def _start(self, wait: float = 0.0) -> threading.Thread | None:
        with self._lock:
            now = self._clock()
            # httpx bounds each read, not the whole: a key server that sends its headers a byte
            # at a time could hold a fetch for ever. One past twice the deadline is abandoned (its
            # result is ignored), so key rotation never waits on it.
            stuck = self._started_at is not None and now - self._started_at > 2 * self._timeout
            if self._running is not None and not stuck:
                return None
            if self._started_at is not None and now - self._started_at < max(wait, 0.0):
                return None
            self._started_at = now
            self._generation += 1
            thread = threading.Thread(
                target=self._fetch, args=(self._generation,), name="JWKS_URL fetch", daemon=True
            )
            self._running = thread
        thread.start()
        return thread

    def _fetch(self, generation: int) -> None:
        import httpx  # loaded already: the constructor made the client

        try:
            keys = parse_key_set(self._download())
        except (httpx.HTTPError, OSError, TimeoutError, ValueError, jwt.PyJWTError) as exc:
            log.warning("JWKS_URL could not be fetched, the keys held are kept: %s", exc)
            keys = None
        with self._lock:
            if generation != self._generation:
                return  # abandoned: a later fetch started after this one overran its deadline
            if keys is not None:
                self._keys = keys
                self._loaded_at = self._clock()
            self._running = None

    def _download(self) -> bytes:
        """The body of `JWKS_URL`, within the deadline as a whole, however slowly it trickles."""
        deadline = time.monotonic() + self._timeout
        body = bytearray()
        with self._client.stream("GET", self._url) as response:
            response.raise_for_status()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_KEY_SET_BYTES:
                    raise ValueError(f"the key set is over {MAX_KEY_SET_BYTES} bytes")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the key set took over {self._timeout:g} seconds")
        return bytes(body)
