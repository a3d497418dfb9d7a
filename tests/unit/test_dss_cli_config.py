"""dss CLI: where the API URL and token come from, the saved login, and the resume state's key."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from dss_cli.api import ApiClient
from dss_cli.config import config_file, resolve, save_login, write_private_json
from dss_cli.errors import CliError, ConfigError
from dss_cli.uploads.state import STATE_VERSION, load_state, state_key


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No real config dir, no .local/session.json of the checkout, no DSS_* of the developer's shell."""
    monkeypatch.setenv("DSS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("DSS_API", raising=False)
    monkeypatch.delenv("DSS_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)


def write_session(path: Path, api: str = "http://127.0.0.1:3000") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"api": api, "aws": "http://127.0.0.1:5050", "tokens": {"customer": "tok-c", "engineer": "tok-e"}}))
    return path


def test_the_local_stacks_session_file_is_the_default(tmp_path):
    write_session(tmp_path / ".local/session.json")
    credentials = resolve(None, None, None, None)
    assert (credentials.api, credentials.token) == ("http://127.0.0.1:3000", "tok-c")
    assert "customer" in credentials.source


def test_as_picks_the_role_and_session_the_file(tmp_path):
    write_session(tmp_path / ".local/session.json")
    write_session(tmp_path / "other.json", api="http://127.0.0.1:3001/")
    assert resolve(None, None, None, "engineer").token == "tok-e"
    credentials = resolve(None, None, tmp_path / "other.json", None)
    assert (credentials.api, credentials.token) == ("http://127.0.0.1:3001", "tok-c")


def test_login_wins_over_the_default_session_file_but_not_over_an_explicit_one(tmp_path):
    write_session(tmp_path / ".local/session.json")
    save_login("https://api.example.com/v1/", "tok-login")
    assert resolve(None, None, None, None).token == "tok-login"
    assert resolve(None, None, None, None).api == "https://api.example.com/v1"
    assert resolve(None, None, None, "engineer").token == "tok-e"


def test_options_win_over_everything_and_fill_in_each_other(tmp_path):
    save_login("https://api.example.com/v1", "tok-login")
    assert resolve("http://other:1", "tok-x", None, None).token == "tok-x"
    only_api = resolve("http://other:1", None, None, None)
    assert (only_api.api, only_api.token) == ("http://other:1", "tok-login")


def test_no_credentials_anywhere_says_what_to_do():
    with pytest.raises(ConfigError, match="dss login --api URL --token TOKEN"):
        resolve(None, None, None, None)


def test_unknown_role_lists_the_known_ones(tmp_path):
    write_session(tmp_path / ".local/session.json")
    with pytest.raises(ConfigError, match="no token for role 'nobody' .*customer, engineer"):
        resolve(None, None, None, "nobody")


def test_a_missing_or_broken_session_file_is_one_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        resolve(None, None, tmp_path / "nope.json", None)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ConfigError, match="cannot read session file"):
        resolve(None, None, tmp_path / "bad.json", None)


def test_api_url_must_be_http():
    with pytest.raises(ConfigError, match="http:// or https://"):
        resolve("ftp://x", "t", None, None)


def test_the_saved_login_is_private(tmp_path):
    path = save_login("http://127.0.0.1:3000", "secret")
    assert path == config_file() and path.is_relative_to(tmp_path / "config")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text()) == {"api": "http://127.0.0.1:3000", "token": "secret"}
    assert [p.name for p in path.parent.iterdir()] == ["config.json"]  # no partial file left behind


# --- the resume state ------------------------------------------------------------------------------


def test_state_key_names_one_file_on_one_case_of_one_api():
    base = state_key("http://api", "0000000042", Path("/data/a.log"), 100, 5)
    assert base == state_key("http://api/", "42", Path("/data/a.log"), 100, 5)  # same API, same case
    others = [
        state_key("http://other", "0000000042", Path("/data/a.log"), 100, 5),
        state_key("http://api", "0000000043", Path("/data/a.log"), 100, 5),
        state_key("http://api", "0000000042", Path("/data/b.log"), 100, 5),
        state_key("http://api", "0000000042", Path("/data/a.log"), 101, 5),
        state_key("http://api", "0000000042", Path("/data/a.log"), 100, 6),
    ]
    assert base not in others and len(set(others)) == len(others)
    assert len(base) == 40 and all(c in "0123456789abcdef" for c in base)


def test_state_key_uses_the_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert state_key("http://api", "1", Path("a.log"), 1, 1) == state_key("http://api", "1", tmp_path / "a.log", 1, 1)


def test_a_torn_or_foreign_state_file_is_dropped(tmp_path):
    path = tmp_path / "s.json"
    assert load_state(path) is None
    path.write_text("{torn")
    assert load_state(path) is None and not path.exists()
    write_private_json(path, {"version": STATE_VERSION + 1, "uploadId": "u"})
    assert load_state(path) is None and not path.exists()
    write_private_json(path, {"version": STATE_VERSION, "uploadId": "u-1"})
    assert load_state(path)["uploadId"] == "u-1"


# --- no token over plain http to another machine ------------------------------------------------


@pytest.mark.parametrize(
    "api",
    [
        "http://127.0.0.1:3000",
        "http://127.8.9.10:3000/",
        "http://localhost:3000",
        "http://LOCALHOST",
        "http://[::1]:3000",
        "https://api.example.com/v1",
    ],
)
def test_the_loopback_or_https_may_carry_the_token(api):
    ApiClient(api, "tok").close()


@pytest.mark.parametrize(
    "api",
    ["http://api.example.com/v1", "http://10.0.0.5:3000", "http://[::2]:3000", "http://localhost.example.com", "HTTP://api.example.com"],
)
def test_a_token_is_never_sent_over_plain_http_to_another_host(api, monkeypatch):
    sent = []
    monkeypatch.setattr("requests.Session.request", lambda *args, **kwargs: sent.append(args))
    with pytest.raises(CliError, match="^refusing to send your token over plain http:// .*use an https:// API URL"):
        ApiClient(api, "tok").list_cases()
    assert sent == []


def test_the_cli_says_so_in_one_line_and_saves_nothing(monkeypatch):
    from typer.testing import CliRunner

    from dss_cli.main import app

    monkeypatch.setattr("requests.Session.request", lambda *args, **kwargs: pytest.fail("a request was sent"))
    runner = CliRunner()
    listed = runner.invoke(app, ["--api", "http://api.example.com/v1", "--token", "tok", "cases", "list"])
    login = runner.invoke(app, ["login", "--api", "http://api.example.com/v1", "--token", "tok", "--no-verify"])
    for result in (listed, login):
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: refusing to send your token over plain http:// to api.example.com")
        assert result.stderr.count("\n") == 1 and "https://" in result.stderr
    assert not config_file().exists()
