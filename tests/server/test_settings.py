"""Flags and environment variables of `python -m reference_server`."""

from __future__ import annotations

from pathlib import Path

import pytest

from reference_server.settings import DEFAULT_DEMO_DATA, ServerSettingsError, from_args


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
