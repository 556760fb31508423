"""Flags and environment variables of `python -m reference_server`."""

from __future__ import annotations

from pathlib import Path

import pytest

from reference_server.settings import DEFAULT_DEMO_DATA, ServerSettingsError, cores, from_args
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
    complete = {"TOKEN_ISSUER": "i", "TOKEN_AUDIENCE": "a", "JWKS_URL": "https://keys.example/"}
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
