"""dss CLI: the retry policies (dss_cli/transport.py) over real HTTP, against a scripted server on the
loopback: which calls are repeated and on what, Retry-After, the backoff, and part PUTs through the S3
session while a whole file is uploaded."""

from __future__ import annotations

import json
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from urllib3.response import HTTPResponse

from dss_cli.api import ApiClient
from dss_cli.checksums import to_b64
from dss_cli.errors import ApiError, CliError, NetworkError
from dss_cli.transport import API_RETRY, PART_RETRY, RETRY_AFTER_MAX, s3_session
from dss_cli.uploads import Uploader
from tests.unit.test_dss_cli_uploads import FakeFilesApi, make_file, stored

DROP = "drop"  # read the request, then close the connection without an answer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Scripted(ThreadingHTTPServer):
    """Answers each request with the next scripted reply (then 200 {}), and remembers what it got."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.script: list[Reply | str] = []
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        self.on_request = None  # (Seen) -> Reply | str | None: answers before the script

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def reply_to(self, seen: Seen) -> Reply | str:
        with self.lock:
            self.seen.append(seen)
            chosen = self.on_request(seen) if self.on_request else None
            if chosen is None:
                chosen = self.script.pop(0) if self.script else Reply()
            return chosen


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Scripted

    def answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        reply = self.server.reply_to(Seen(self.command, self.path, dict(self.headers), body))
        if reply == DROP:
            self.close_connection = True
            return
        assert isinstance(reply, Reply)
        self.send_response(reply.status)
        for name, value in {"Content-Type": "application/json", **reply.headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[Scripted]:
    scripted = Scripted()
    thread = threading.Thread(target=scripted.serve_forever, daemon=True)
    thread.start()
    yield scripted
    scripted.shutdown()
    scripted.server_close()
    thread.join()


def timed(call):
    began = time.monotonic()
    result = call()
    return result, time.monotonic() - began


# --- the API's calls -------------------------------------------------------------------------------


def test_a_get_is_retried_after_a_dropped_connection_and_a_503_with_the_backoff(server):
    server.script = [DROP, Reply(503, b'{"error": "unavailable", "message": "busy"}'), Reply(200, b'{"caseNumber": "0000000001"}')]
    with ApiClient(server.url, "t") as client:
        case, seconds = timed(lambda: client.get_case("1"))
    assert case == {"caseNumber": "0000000001"}
    assert [(s.method, s.path) for s in server.seen] == [("GET", "/cases/0000000001")] * 3
    assert 1.5 <= seconds < 5  # 0.5 s, then 1 s


def test_retry_after_is_waited_instead_of_the_backoff(server):
    server.script = [Reply(429, b'{"error": "too_many_requests", "message": "slow down"}', {"Retry-After": "2"})]
    with ApiClient(server.url, "t") as client:
        _, seconds = timed(lambda: client.list_cases())
    assert len(server.seen) == 2 and 2 <= seconds < 4


def test_a_retry_after_that_is_no_time_falls_back_to_the_backoff(server):
    server.script = [Reply(503, b"{}", {"Retry-After": "soon"})]
    with ApiClient(server.url, "t") as client:
        _, seconds = timed(lambda: client.list_cases())
    assert len(server.seen) == 2 and 0.5 <= seconds < 2


def test_a_long_retry_after_is_cut_to_30_seconds():
    assert API_RETRY.parse_retry_after("3600") == RETRY_AFTER_MAX == 30
    assert PART_RETRY.parse_retry_after("3600") == 8


def test_when_the_retries_run_out_the_last_answer_is_reported(server):
    server.script = [Reply(503, b'{"error": "unavailable", "message": "busy"}')] * 3
    with ApiClient(server.url, "t") as client, pytest.raises(ApiError, match="busy") as caught:
        client.get_case("1")
    assert caught.value.status == 503 and len(server.seen) == 3


def test_a_post_the_api_would_apply_twice_is_sent_once(server):
    server.script = [DROP, Reply(503, b'{"error": "unavailable", "message": "busy"}')]
    with ApiClient(server.url, "t") as client:
        with pytest.raises(NetworkError, match="/cases/0000000001/updates"):
            client.add_update("1", "x")
        with pytest.raises(ApiError, match="busy"):
            client.close_case("1", {"subStatus": "Resolved", "comment": "c"})
    assert [s.method for s in server.seen] == ["POST", "POST"]


def test_a_start_is_retried_with_the_same_idempotency_key(server):
    server.script = [DROP, Reply(503, b"{}"), Reply(201, b'{"uploadId": "u"}')]
    with ApiClient(server.url, "t") as client:
        assert client.start_upload("1", {"fileName": "x"}) == {"uploadId": "u"}
        keys = [s.headers["Idempotency-Key"] for s in server.seen]
        assert len(keys) == 3 and len(set(keys)) == 1 and keys[0].startswith("dss-cli-")
        assert all(json.loads(s.body) == {"fileName": "x"} for s in server.seen)
        server.script = [Reply(201, b'{"uploadId": "v"}')]
        assert client.start_upload("1", {"fileName": "x"}, idempotency_key="mine") == {"uploadId": "v"}
    assert server.seen[-1].headers["Idempotency-Key"] == "mine"


def test_a_completion_is_retried_as_a_retry_answers_with_the_same_file(server):
    server.script = [DROP, Reply(503, b""), Reply(201, b'{"fileId": "f-1"}')]
    with ApiClient(server.url, "t") as client:
        assert client.complete_upload("1", "up-1") == {"fileId": "f-1"}
    assert [(s.method, s.path) for s in server.seen] == [("POST", "/cases/0000000001/uploads/up-1/complete")] * 3


@pytest.mark.parametrize(("policy", "waits"), [(API_RETRY, [0.5, 1.0]), (PART_RETRY, [1.0, 2.0, 4.0, 8.0])])
def test_the_backoff_doubles_from_its_first_retry_up_to_its_bound(policy, waits):
    retry, seen = policy, []
    for _ in waits:
        retry = retry.increment("PUT", "/part", response=HTTPResponse(status=503))
        seen.append(retry.get_backoff_time())
    assert seen == waits


# --- part PUTs through the S3 session, a whole file at a time ---------------------------------------


class S3Parts:
    """The part PUTs' side of S3 on the scripted server: faults per part number, then the part is held."""

    def __init__(self, server: Scripted, api: FakeFilesApi, faults: dict[int, list[Reply | str]]):
        self.api, self.faults, self.puts = api, faults, []
        server.on_request = self.put

    def put(self, seen: Seen) -> Reply | str:
        upload_id, number = seen.path.split("?")[0].strip("/").split("/")
        self.puts.append(int(number))
        if self.faults.get(int(number)):
            return self.faults[int(number)].pop(0)
        assert seen.headers["x-amz-checksum-crc32"] == to_b64(zlib.crc32(seen.body))
        self.api.held[upload_id][int(number)] = seen.body
        return Reply(200, b"")


def quick_parts(parallel: int = 4):
    """The part policy with its waits a hundred times shorter (its own waits are checked above)."""
    return s3_session(parallel, retry=PART_RETRY.new(backoff_factor=0.01))


def test_parts_are_retried_on_dropped_connections_and_server_errors(server, tmp_path):
    api = FakeFilesApi(url_base=f"{server.url}/")
    s3 = S3Parts(server, api, {1: [DROP, Reply(503, b"<Error><Code>SlowDown</Code></Error>")], 3: [Reply(500, b"")]})
    path, data = make_file(tmp_path, 3 * (1 << 20))
    result = Uploader(api, parallel=2, state_dir=tmp_path / "state", session=quick_parts(2)).upload("1", path)
    assert stored(api, result) == data
    assert sorted(s3.puts) == [1, 1, 1, 2, 3, 3] and result.parts_sent == 3


def test_a_part_that_keeps_failing_stops_after_5_attempts_and_keeps_the_state(server, tmp_path):
    api = FakeFilesApi(url_base=f"{server.url}/")
    s3 = S3Parts(server, api, {2: [Reply(500, b"<Error><Code>InternalError</Code><Message>oops</Message></Error>")] * 10})
    path, _ = make_file(tmp_path, 3 * (1 << 20))
    with pytest.raises(CliError, match="part 2 of big.log failed 5 times; last: HTTP 500 InternalError oops"):
        Uploader(api, parallel=1, state_dir=tmp_path / "state", session=quick_parts(1)).upload("1", path)
    assert s3.puts.count(2) == 5 and 3 not in s3.puts  # the run stops at the first part that fails
    assert len(list((tmp_path / "state").iterdir())) == 1


def test_a_part_put_waits_for_retry_after(server, tmp_path):
    api = FakeFilesApi(url_base=f"{server.url}/")
    s3 = S3Parts(server, api, {1: [Reply(503, b"", {"Retry-After": "1"})]})
    path, data = make_file(tmp_path, 1 << 20)
    result, seconds = timed(lambda: Uploader(api, parallel=1, state_dir=tmp_path / "state", session=quick_parts(1)).upload("1", path))
    assert stored(api, result) == data and s3.puts == [1, 1]
    assert seconds >= 1  # the policy's own wait would be 0.01 s


def test_a_refused_part_is_not_repeated_by_the_session(server, tmp_path):
    api = FakeFilesApi(url_base=f"{server.url}/")
    s3 = S3Parts(server, api, {1: [Reply(404, b"<Error><Code>NoSuchUpload</Code></Error>")]})
    path, _ = make_file(tmp_path, 1 << 20)
    with pytest.raises(CliError, match="S3 refused part 1 of big.log: HTTP 404 NoSuchUpload"):
        Uploader(api, parallel=1, state_dir=tmp_path / "state", session=quick_parts(1)).upload("1", path)
    assert s3.puts == [1]
