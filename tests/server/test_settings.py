"""Flags and environment variables of `python -m reference_server`."""

from __future__ import annotations

from pathlib import Path

import pytest

from reference_server.settings import (
    DEFAULT_DEMO_DATA,
    DEV_ISSUER,
    ServerSettingsError,
    cores,
    from_args,
)
from tooling.paths import ROOT
from tooling.server_env import SERVER_ENV


def test_defaults_are_loopback_port_8000_and_production_mode() -> None:
    settings = from_args([], env={})
    assert (settings.host, settings.port, settings.dev_mode) == ("127.0.0.1", 8000, False)
    assert settings.state_dir == Path("state")
    assert settings.demo_data == DEFAULT_DEMO_DATA
    assert settings.effective_database_url == f"sqlite:///{Path('state').resolve()}/runs.sqlite3"
    assert not settings.validate_responses


def test_environment_sets_what_flags_do() -> None:
    env = {
        "PORT": "9001",
        "RUNS_DEV_MODE": "1",
        "STATE_DIR": "/tmp/elsewhere",
        "DEMO_DATA": "none",
        "VALIDATE_RESPONSES": "true",
        "DATABASE_URL": "sqlite:///x.sqlite3",
    }
    settings = from_args([], env=env)
    assert settings.port == 9001
    assert settings.dev_mode
    assert settings.state_dir == Path("/tmp/elsewhere")
    assert settings.demo_data is None
    assert settings.validate_responses
    assert settings.effective_database_url == "sqlite:///x.sqlite3"


def test_flags_win_over_the_environment() -> None:
    settings = from_args(["--port", "9002", "--data", "mine.json"], env={"PORT": "9001"})
    assert settings.port == 9002
    assert settings.demo_data == Path("mine.json")


def test_production_mode_needs_issuer_audience_and_keys() -> None:
    with pytest.raises(
        ServerSettingsError, match="TOKEN_ISSUER, TOKEN_AUDIENCE, JWKS_FILE or JWKS_URL"
    ):
        from_args([], env={}).check()
    complete = {
        "TOKEN_ISSUER": "i",
        "TOKEN_AUDIENCE": "a",
        "JWKS_URL": "https://keys.example/",
        "PUBLIC_BASE_URL": "https://runs.example",
    }
    from_args([], env=complete).check()
    with pytest.raises(ServerSettingsError, match="not both"):
        from_args([], env={**complete, "JWKS_FILE": "k.json"}).check()
    from_args(["--dev"], env={}).check()  # dev mode needs none of them


def test_every_variable_the_kit_keeps_from_a_child_is_one_the_server_reads() -> None:
    samples = {
        "HOST": "127.0.0.2",
        "PORT": "9009",
        "WORKERS": str(cores() + 1),
        "SERVER_STACK": "granian",
        "RUNS_DEV_MODE": "on",
        "STATE_DIR": "/tmp/elsewhere",
        "DEMO_DATA": "none",
        "DATABASE_URL": "sqlite:///x.sqlite3",
        "TOKEN_ISSUER": "i",
        "TOKEN_AUDIENCE": "a",
        "JWKS_FILE": "k.json",
        "JWKS_URL": "https://keys.example/",
        "VALIDATE_RESPONSES": "yes",
        "OPENAPI_SPEC": "other.yaml",
        "DOCS_HTML": "docs.html",
        "RATE_LIMIT_PER_MINUTE": "5",
        "RATE_LIMIT_BURST": "2",
        # The connection limits.
        "HEAD_TIMEOUT_SECONDS": "3",
        "BODY_READ_TIMEOUT_SECONDS": "4",
        "MAX_HEADER_BYTES": "8192",
        "MAX_HEADERS": "50",
        "MAX_CONNECTIONS": "64",
        "JWKS_TIMEOUT_SECONDS": "2",
        "JWKS_REFRESH_SECONDS": "5",
        "PUBLIC_BASE_URL": "https://runs.example",
        "FORWARDED_ALLOW_IPS": "10.0.0.1",
    }
    # Read once at start by `reference_server.timeline` for the bench, not a setting
    # (tests/server/test_timeline.py).
    read_elsewhere = {"SERVER_TIMELINE"}
    assert set(samples) | read_elsewhere == SERVER_ENV
    default = from_args([], env={})
    for name, text in samples.items():
        assert from_args([], env={name: text}) != default, name


def test_a_variable_set_to_blanks_is_unset_and_one_that_cannot_be_read_is_named() -> None:
    assert from_args([], env={"HOST": " ", "PORT": "", "SERVER_STACK": ""}) == from_args([], env={})
    with pytest.raises(ServerSettingsError, match="PORT must be a whole number, not 'eighty'"):
        from_args([], env={"PORT": "eighty"})


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"HEAD_TIMEOUT_SECONDS": "0"}, "HEAD_TIMEOUT_SECONDS must be between 0.1 and 3600"),
        ({"BODY_READ_TIMEOUT_SECONDS": "soon"}, "BODY_READ_TIMEOUT_SECONDS must be a number"),
        ({"MAX_HEADER_BYTES": "100"}, "MAX_HEADER_BYTES must be between 1024"),
        ({"MAX_HEADERS": "101", "SERVER_STACK": "granian"}, "between 8 and 100 on granian"),
        ({"MAX_CONNECTIONS": "0"}, "MAX_CONNECTIONS must be between 1"),
    ],
)
def test_a_connection_limit_no_server_can_run_with_stops_the_start(
    env: dict[str, str], words: str
) -> None:
    with pytest.raises(ValueError, match=words):
        from_args(["--dev"], env).check()
    from_args(["--dev"], {"MAX_HEADERS": "101"}).check()  # uvicorn counts as many as it is told


@pytest.mark.parametrize(
    "env",
    [
        {"JWKS_FILE": "k.json"},
        {"JWKS_URL": "https://keys.example/"},
        {"TOKEN_ISSUER": "https://login.microsoftonline.com/t/v2.0"},
    ],
)
def test_dev_mode_refuses_production_token_settings(env: dict[str, str]) -> None:
    with pytest.raises(ServerSettingsError, match=f"dev mode .* unset {next(iter(env))}"):
        from_args(["--dev"], env=env).check()
    from_args(["--dev"], env={"TOKEN_ISSUER": DEV_ISSUER}).check()  # the dev issuer is dev mode's


PRODUCTION = {"TOKEN_ISSUER": "i", "TOKEN_AUDIENCE": "a", "PUBLIC_BASE_URL": "https://runs.example"}


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://login.microsoftonline.com/common/discovery/v2.0/keys", True),
        ("http://login.microsoftonline.com/common/discovery/v2.0/keys", False),
        ("http://127.0.0.1:9000/keys", True),
        ("http://[::1]:9000/keys", True),
        ("http://localhost/keys", True),
        ("http://10.0.0.1/keys", False),
        ("ftp://keys.example/keys", False),
        ("https:///keys", False),
    ],
)
def test_jwks_url_is_https_but_to_this_machine(url: str, allowed: bool) -> None:
    settings = from_args([], env={**PRODUCTION, "JWKS_URL": url})
    if allowed:
        settings.check()
    else:
        with pytest.raises(ServerSettingsError, match="JWKS_URL must be an https URL"):
            settings.check()


@pytest.mark.parametrize(
    "url",
    ["runs.example", "https://runs.example/beta", "https://u@runs.example", "https://r.example:x"],
)
def test_public_base_url_is_an_origin(url: str) -> None:
    settings = from_args([], env={**PRODUCTION, "JWKS_FILE": "k", "PUBLIC_BASE_URL": url})
    with pytest.raises(ServerSettingsError, match="PUBLIC_BASE_URL must be"):
        settings.check()


def test_public_base_defaults_to_the_listening_address_in_dev_mode_only() -> None:
    assert from_args(["--dev", "--port", "9001"], env={}).public_base == "http://127.0.0.1:9001"
    wildcard = from_args(["--dev", "--port", "9001"], env={"HOST": "0.0.0.0"})  # noqa: S104
    assert wildcard.public_base == "http://127.0.0.1:9001"
    assert from_args(["--dev", "--host", "::1"], env={}).public_base == "http://[::1]:8000"
    configured = from_args(["--dev"], env={"PUBLIC_BASE_URL": "https://runs.example/"})
    assert configured.public_base == "https://runs.example"
    with pytest.raises(ServerSettingsError, match="PUBLIC_BASE_URL is required"):
        _ = from_args([], env={}).public_base


def test_trusted_proxies_are_addresses_or_networks() -> None:
    settings = from_args(["--dev"], env={"FORWARDED_ALLOW_IPS": "10.0.0.1, 192.168.0.0/16"})
    settings.check()
    assert settings.trusted_proxies == ["10.0.0.1", "192.168.0.0/16"]
    assert from_args(["--dev"], env={}).trusted_proxies == []
    with pytest.raises(ServerSettingsError, match=r"FORWARDED_ALLOW_IPS holds 'proxy\.example'"):
        from_args(["--dev"], env={"FORWARDED_ALLOW_IPS": "proxy.example"}).check()


def test_the_readme_documents_every_setting_of_the_server() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [name for name in sorted(SERVER_ENV) if f"`{name}`" not in readme] == []
