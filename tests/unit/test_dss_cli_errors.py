"""dss CLI: API and network errors as one line, exit codes, and argument errors (typer's CliRunner)."""

from __future__ import annotations

import json

import pytest
import requests
from typer.testing import CliRunner
from urllib3.exceptions import MaxRetryError, NewConnectionError, ReadTimeoutError

from dss_cli.api import case_path
from dss_cli.errors import ApiError
from dss_cli.main import app
from dss_cli.transport import describe_network_error
from dss_cli.units import parse_size

runner = CliRunner()


def response(status: int, body: bytes, content_type: str = "application/json") -> requests.Response:
    made = requests.Response()
    made.status_code, made._content, made.encoding = status, body, "utf-8"
    made.headers["Content-Type"] = content_type
    made.reason = "Reason"
    return made


def test_an_api_error_is_one_line_with_code_field_and_status():
    error = ApiError.from_response(
        response(422, json.dumps({"error": "invalid", "message": "subject is required.", "field": "subject"}).encode())
    )
    assert (error.status, error.code, error.field) == (422, "invalid", "subject")
    assert error.one_line() == "subject is required. (invalid, field subject; HTTP 422)"
    closed = ApiError.from_response(response(409, b'{"error": "case_closed", "message": "Case 1 is closed."}'))
    assert closed.one_line() == "Case 1 is closed. (case_closed; HTTP 409)"


def test_an_answer_that_is_not_the_error_format_still_makes_one_line():
    error = ApiError.from_response(response(502, b"<html>\n<body>Bad gateway</body>\n</html>", "text/html"))
    assert error.code == "http_502" and "\n" not in error.one_line() and "HTTP 502" in error.one_line()


def test_network_errors_name_the_url_without_its_query():
    message = describe_network_error(requests.ConnectionError("refused"), "http://127.0.0.1:1/cases?X-Amz-Signature=secret")
    assert message.startswith("cannot reach http://127.0.0.1:1/cases:") and "secret" not in message
    assert "no answer" in describe_network_error(requests.ReadTimeout("slow"), "http://h/x")


def test_a_read_timeout_is_named_so_once_the_retries_ran_out():
    # requests reports urllib3's exhausted retries as a ConnectionError whatever their last failure was.
    timed_out = requests.ConnectionError(MaxRetryError(None, "/x", ReadTimeoutError(None, "/x", "read timed out")))
    assert describe_network_error(timed_out, "http://h/x?sig=1") == "no answer from http://h/x in time (ReadTimeout)"
    refused = requests.ConnectionError(MaxRetryError(None, "/x", NewConnectionError(None, "refused")))
    assert describe_network_error(refused, "http://h/x").startswith("cannot reach http://h/x: is the API running")


def test_case_numbers_are_padded():
    assert case_path("42") == "0000000042" == case_path("0000000042")
    assert case_path("x/y") == "x%2Fy"


@pytest.mark.parametrize(("text", "value"), [("1000", 1000), ("4M", 4 << 20), ("512k", 512 << 10), ("1.5GiB", 3 << 29)])
def test_rates(text, value):
    assert parse_size(text) == value


@pytest.mark.parametrize("text", ["", "fast", "-1M", "0", "3X"])
def test_bad_rates(text):
    with pytest.raises(ValueError):
        parse_size(text)


# --- the command line ------------------------------------------------------------------------------


@pytest.fixture
def nowhere(tmp_path, monkeypatch):
    """No credentials at all."""
    monkeypatch.setenv("DSS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("DSS_API", raising=False)
    monkeypatch.delenv("DSS_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_without_credentials_every_api_command_says_how_to_get_them(nowhere):
    result = runner.invoke(app, ["cases", "list"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no API URL: run `dss login --api URL --email EMAIL`") and result.stderr.count("\n") == 1


def test_an_unreachable_api_is_one_line_and_exit_1(nowhere):
    result = runner.invoke(app, ["--api", "http://127.0.0.1:9", "--token", "t", "cases", "show", "1"])
    assert result.exit_code == 1
    assert (
        result.stderr
        == "Error: cannot reach http://127.0.0.1:9/cases/0000000001: is the API running and the URL right? (ConnectionError)\n"
    )


def test_api_errors_are_printed_as_one_line(nowhere, monkeypatch):
    def answer(self, method, url, **kwargs):
        return response(404, b'{"error": "not_found", "message": "Case 0000000001 was not found.", "field": "caseNumber"}')

    monkeypatch.setattr(requests.Session, "request", answer)
    result = runner.invoke(app, ["cases", "show", "1"], env={"DSS_API": "https://api", "DSS_TOKEN": "t"})
    assert result.exit_code == 1
    assert result.stderr == "Error: Case 0000000001 was not found. (not_found, field caseNumber; HTTP 404)\n"
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["files", "upload", "1", "does-not-exist.bin"], "does-not-exist.bin"),
        (["files", "upload", "1", "f.bin", "--parallel", "0"], "--parallel"),
        (["files", "upload", "1", "f.bin", "--limit-rate", "fast"], "--limit-rate"),
        (["files", "upload", "1"], "PATH"),
        (["files", "download", "1"], "FILE_ID"),
        (["cases", "open", "--subject", "s", "--description", "d"], "--product"),
        (["cases", "open", "--subject", "s", "--description", "d", "--type", "Admin", "--product", "x"], "for Support cases"),
        (["cases", "open", "--subject", "s", "--description", "d", "--priority", "1-Prod Down"], "--priority"),
        (["cases", "close", "1", "--sub-status", "Done", "--comment", "c"], "--sub-status"),
        (["cases", "list", "--limit", "500"], "--limit"),
        (["cases", "list", "--view", "everything"], "--view"),
    ],
)
def test_argument_errors_exit_2_before_any_request(nowhere, monkeypatch, args, complaint):
    (nowhere / "f.bin").write_bytes(b"x")

    def no_request(*a, **k):
        raise AssertionError("no request may be sent")

    monkeypatch.setattr(requests.Session, "request", no_request)
    result = runner.invoke(app, args, env={"DSS_API": "https://api", "DSS_TOKEN": "t"})
    assert result.exit_code == 2, result.output
    assert complaint in result.stderr


def test_help_needs_no_credentials(nowhere):
    for args in ([], ["--help"], ["cases", "--help"], ["files", "upload", "--help"]):
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 2) and "Usage" in result.output, args


def test_version(nowhere):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("dss ")


def test_the_client_is_plain_http_no_aws_sdk_and_nothing_of_the_service():
    import subprocess
    import sys

    probe = (
        "import sys, dss_cli.main, dss_cli.uploads, dss_cli.downloads; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 's3transfer', 'functions')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_ctrl_c_anywhere_in_a_command_is_one_line_and_exit_130(nowhere, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(requests.Session, "request", interrupted)
    result = runner.invoke(app, ["cases", "list"], env={"DSS_API": "https://api", "DSS_TOKEN": "t"})
    assert (result.exit_code, result.stderr) == (130, "Error: interrupted\n")


def test_an_error_with_its_own_exit_code_keeps_it(nowhere, monkeypatch):
    from dss_cli.errors import Interrupted

    def stopped(*args, **kwargs):
        raise Interrupted("interrupted: 2 of 7 parts of big.log are stored; run the same command again to resume")

    monkeypatch.setattr("dss_cli.uploads.uploader.Uploader.upload", stopped)
    (nowhere / "big.log").write_bytes(b"x")
    result = runner.invoke(app, ["files", "upload", "1", "big.log", "--no-progress"], env={"DSS_API": "https://api", "DSS_TOKEN": "t"})
    assert result.exit_code == 130
    assert result.stderr == "Error: interrupted: 2 of 7 parts of big.log are stored; run the same command again to resume\n"
