"""dss CLI: the uploader and the downloader against an in-memory files API and S3 (the contract of
functions/files/README.md: part sizes, part URLs in batches, checksummed PUTs of the signed length,
resume, completion, an Idempotency-Key saved before the start), and the client's listings followed page
by page."""

from __future__ import annotations

import json
import os
import threading
import time
import zlib
from pathlib import Path

import pytest
import requests

from dss_cli.api import ApiClient
from dss_cli.checksums import from_b64, to_b64
from dss_cli.downloads import download_file
from dss_cli.errors import ApiError, CliError, FileChanged, Interrupted, NetworkError
from dss_cli.uploads import Uploader, part_urls
from dss_cli.uploads import uploader as uploader_module
from dss_cli.uploads.part_urls import PartUrls
from dss_cli.uploads.state import state_file, state_key

MiB = 1 << 20
API = "http://api.test"


def s3_answer(status: int, code: str = "", message: str = "") -> requests.Response:
    made = requests.Response()
    made.status_code = status
    made._content = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode() if code else b""
    made.encoding = "utf-8"
    return made


class FakeFilesApi:
    """The files API's contract, in memory; `held` is what S3 holds per upload: part number -> bytes."""

    def __init__(self, part_size: int = MiB, url_lifetime: float = 900, url_base: str = "s3://"):
        self.api, self.part_size, self.url_lifetime, self.url_base = API, part_size, url_lifetime, url_base
        self.uploads: dict[str, dict] = {}
        self.held: dict[str, dict[int, bytes]] = {}
        self.files: dict[str, dict] = {}
        self.completed: dict[str, str] = {}  # upload id -> file id
        self.url_batches: list[list[int]] = []
        self.lock = threading.Lock()
        self.counter = 0
        self.keys: dict[str, tuple[dict, str]] = {}  # Idempotency-Key -> (body, upload id)
        self.lose_start_answers = 0  # starts whose answer is lost on the way back

    def start_upload(self, case_number, body, idempotency_key=None):
        if idempotency_key in self.keys:
            first_body, upload_id = self.keys[idempotency_key]
            if first_body != body:
                raise ApiError(409, "idempotency_key_reused", "This Idempotency-Key was already used for a different request")
            return dict(self.uploads[upload_id])
        self.counter += 1
        size = body["size"]
        upload = {"uploadId": f"up-{self.counter}", "caseNumber": case_number, "fileName": body["fileName"], "size": size,
                  "checksum": body["checksum"], "partSize": self.part_size, "partCount": max(1, -(-size // self.part_size))}  # fmt: skip
        self.uploads[upload["uploadId"]] = upload
        self.held[upload["uploadId"]] = {}
        if idempotency_key:
            self.keys[idempotency_key] = (body, upload["uploadId"])
        if self.lose_start_answers:
            self.lose_start_answers -= 1
            raise NetworkError("no answer from http://api.test/cases/0000000001/uploads in time (ReadTimeout)")
        return dict(upload)

    def part_urls(self, case_number, upload_id, parts):
        assert 1 <= len(parts) <= 100
        with self.lock:
            self.url_batches.append([p["partNumber"] for p in parts])
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + self.url_lifetime))
        upload, until = self.uploads.get(upload_id), time.time() + self.url_lifetime
        return [{"partNumber": p["partNumber"], "url": f"{self.url_base}{upload_id}/{p['partNumber']}?expires={until}",
                 "method": "PUT", "headers": {"x-amz-checksum-crc32": p["checksum"]}, "expiresAt": expires,
                 **({"contentLength": self.part_length(upload, p["partNumber"])} if upload else {})} for p in parts]  # fmt: skip

    @staticmethod
    def part_length(upload, number):
        size, part_size = upload["size"], upload["partSize"]
        return part_size if number < upload["partCount"] else size - (upload["partCount"] - 1) * part_size

    def get_upload(self, case_number, upload_id):
        if upload_id not in self.uploads:
            raise ApiError(404, "not_found", "no such upload")
        parts = [{"partNumber": n, "size": len(d), "checksum": to_b64(zlib.crc32(d))} for n, d in sorted(self.held[upload_id].items())]
        return {**self.uploads[upload_id], "parts": parts}

    def abort_upload(self, case_number, upload_id):
        self.uploads.pop(upload_id, None)

    def complete_upload(self, case_number, upload_id):
        if upload_id in self.completed:  # a retried completion answers with the same file
            return {k: v for k, v in self.files[self.completed[upload_id]].items() if k != "data"}
        if upload_id not in self.uploads:
            raise ApiError(404, "not_found", "no such upload")
        upload, held = self.uploads[upload_id], self.held[upload_id]
        missing = [n for n in range(1, upload["partCount"] + 1) if n not in held]
        if missing:
            raise ApiError(409, "parts_missing", f"parts {missing} are missing")
        data = b"".join(held[n] for n in sorted(held))
        if to_b64(zlib.crc32(data)) != upload["checksum"]["value"]:
            del self.uploads[upload_id]
            raise ApiError(422, "checksum_mismatch", "the file's checksum does not match")
        del self.uploads[upload_id]
        file_id = self.completed[upload_id] = f"f-{upload_id}"
        self.files[file_id] = {"fileId": file_id, "caseNumber": case_number, "fileName": upload["fileName"], "size": len(data),
                               "checksum": upload["checksum"], "data": data}  # fmt: skip
        return {k: v for k, v in self.files[file_id].items() if k != "data"}

    def download_url(self, case_number, file_id):
        stored = self.files[file_id]
        return {"url": f"s3get://{file_id}", "fileName": stored["fileName"], "size": stored["size"], "checksum": stored["checksum"]}


class FakeS3:
    """PUTs of presigned part URLs; `faults` maps a part number to the answers it gets before success."""

    def __init__(self, api: FakeFilesApi, faults: dict[int, list] | None = None, delay: float = 0.0):
        self.api, self.faults, self.delay = api, faults or {}, delay
        self.puts: list[int] = []
        self.in_flight = self.max_in_flight = 0
        self.lock = threading.Lock()
        self.on_put = None

    def put(self, url, data, headers, timeout):
        upload_id, rest = url[len("s3://") :].split("/", 1)
        number, expires = int(rest.split("?")[0]), float(rest.split("expires=")[1])
        with self.lock:
            self.puts.append(number)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            fault = self.faults[number].pop(0) if self.faults.get(number) else None
        try:
            time.sleep(self.delay)
            if self.on_put:
                self.on_put(number)
            if isinstance(fault, Exception):
                raise fault
            if fault == "corrupt":  # the bytes were damaged on the way: S3 checks the signed checksum
                data = b"\x00" + data[1:]
            if time.time() > expires:
                return s3_answer(403, "AccessDenied", "Request has expired")
            if from_b64(headers["x-amz-checksum-crc32"]) != zlib.crc32(data):
                return s3_answer(400, "BadDigest", "The CRC32 you specified did not match the calculated checksum.")
            if isinstance(fault, int):
                return s3_answer(fault, "InternalError" if fault >= 500 else "AccessDenied", "fault")
            with self.lock:
                self.api.held[upload_id][number] = bytes(data)
            return s3_answer(200)
        finally:
            with self.lock:
                self.in_flight -= 1

    def get(self, url, stream, timeout):
        return FakeDownload(self.api.files[url[len("s3get://") :]]["data"], self.faults.get(0))


class FakeDownload:
    def __init__(self, data: bytes, fault):
        self.status_code, self.data, self.fault = 200, data, fault

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def iter_content(self, size):
        data = self.data
        if self.fault == "corrupt":
            data = data[:-1] + bytes([data[-1] ^ 1])
        if self.fault == "short":
            data = data[:-1]
        for i in range(0, len(data), size):
            yield data[i : i + size]


def make_file(tmp_path: Path, size: int, name: str = "big.log") -> tuple[Path, bytes]:
    data = os.urandom(size)
    path = tmp_path / name
    path.write_bytes(data)
    return path, data


def uploader(api, s3, tmp_path, parallel=4, **kwargs) -> Uploader:
    return Uploader(api, parallel=parallel, state_dir=tmp_path / "state", session=s3, **kwargs)


def stored(api: FakeFilesApi, result) -> bytes:
    return api.files[result.case_file["fileId"]]["data"]


@pytest.mark.parametrize("size", [0, 1, MiB, 5 * MiB + 7])
def test_a_file_arrives_whole_with_its_checksum(tmp_path, size):
    api = FakeFilesApi()
    s3 = FakeS3(api)
    path, data = make_file(tmp_path, size)
    result = uploader(api, s3, tmp_path).upload("0000000001", path)
    assert stored(api, result) == data
    assert result.case_file["checksum"] == {"algorithm": "CRC32", "value": to_b64(zlib.crc32(data))}
    assert result.part_count == max(1, -(-size // MiB)) == result.parts_sent and not result.resumed
    assert sorted(s3.puts) == list(range(1, result.part_count + 1))
    assert not list((tmp_path / "state").iterdir())  # the state is gone once completed


def test_parts_go_in_parallel_but_never_more_than_asked(tmp_path):
    api = FakeFilesApi()
    s3 = FakeS3(api, delay=0.02)
    path, data = make_file(tmp_path, 12 * MiB)
    result = uploader(api, s3, tmp_path, parallel=3).upload("1", path)
    assert stored(api, result) == data
    assert s3.max_in_flight == 3


def test_part_urls_come_in_batches_of_at_most_100(tmp_path, monkeypatch):
    monkeypatch.setattr(part_urls, "URL_BATCH", 4)
    api = FakeFilesApi()
    path, data = make_file(tmp_path, 10 * MiB + 1)
    result = Uploader(api, parallel=1, state_dir=tmp_path / "s", session=FakeS3(api)).upload("1", path)
    assert stored(api, result) == data
    assert api.url_batches == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11]]


def test_a_part_corrupted_on_the_way_is_read_again_and_resent(tmp_path):
    api = FakeFilesApi()
    s3 = FakeS3(api, faults={2: ["corrupt", "corrupt"]})
    path, data = make_file(tmp_path, 3 * MiB)
    result = uploader(api, s3, tmp_path).upload("1", path)
    assert stored(api, result) == data
    assert s3.puts.count(2) == 3


def test_a_refusal_that_is_not_transient_is_reported_at_once(tmp_path):
    api = FakeFilesApi()
    s3 = FakeS3(api, faults={1: [404]})
    path, _ = make_file(tmp_path, MiB)
    with pytest.raises(CliError, match="S3 refused part 1 of big.log: HTTP 404"):
        uploader(api, s3, tmp_path, parallel=1).upload("1", path)


def test_expired_urls_are_fetched_again(tmp_path):
    api = FakeFilesApi(url_lifetime=-1)  # every URL has expired by the time it is used
    s3 = FakeS3(api)
    path, _ = make_file(tmp_path, MiB)
    with pytest.raises(CliError, match="AccessDenied"):
        uploader(api, s3, tmp_path, parallel=1).upload("1", path)
    assert len(api.url_batches) >= 2  # it asked again after the 403

    api = FakeFilesApi()
    s3 = FakeS3(api, faults={1: [403]})  # expired once
    path, data = make_file(tmp_path, MiB, "other.log")
    assert stored(api, uploader(api, s3, tmp_path, parallel=1).upload("1", path)) == data
    assert len(api.url_batches) == 2


def test_urls_close_to_expiry_are_refreshed_before_use():
    now = [1000.0]
    api = FakeFilesApi()
    urls = PartUrls(api, "1", "up", {1: 0, 2: 0, 3: 0}, [1, 2, 3], clock=lambda: now[0])
    first = urls.get(1)
    assert urls.get(2) is urls.cache[2] and len(api.url_batches) == 1  # one batch served both
    now[0] += 900 - 59  # within a minute of the end of the 15 minutes
    assert urls.get(1) is not first and api.url_batches == [[1, 2, 3], [1, 2, 3]]
    urls.finished(2)
    now[0] += 900
    urls.get(1)
    assert api.url_batches[-1] == [1, 3]  # a finished part is not asked for again


def test_an_interrupted_upload_resumes_with_the_missing_parts_only(tmp_path):
    api = FakeFilesApi()
    path, data = make_file(tmp_path, 6 * MiB + 3)
    s3 = FakeS3(api)

    def ctrl_c_after_part_3(number):
        if number == 3:
            raise KeyboardInterrupt  # stands in for the signal: the main thread sees it below

    s3.on_put = ctrl_c_after_part_3
    with pytest.raises(
        Interrupted, match="interrupted: 2 of 7 parts of big.log are stored; run the same command again to resume"
    ) as caught:
        uploader(api, s3, tmp_path, parallel=1).upload("1", path)
    assert caught.value.exit_code == 130
    (saved,) = (tmp_path / "state").iterdir()
    (upload_id,) = api.uploads
    assert sorted(api.held[upload_id]) == [1, 2]

    s3 = FakeS3(api)
    logged = []
    result = uploader(api, s3, tmp_path, log=logged.append).upload("1", path)
    assert result.resumed and result.upload_id == upload_id
    assert sorted(s3.puts) == [3, 4, 5, 6, 7] and result.parts_sent == 5
    assert stored(api, result) == data
    assert "2 of 7 parts already stored, sending 5" in logged[0]
    assert not saved.exists()


def test_ctrl_c_waits_for_the_parts_in_flight_before_the_file_is_closed(tmp_path):
    api = FakeFilesApi()
    path, _ = make_file(tmp_path, 2 * MiB)
    s3, events = FakeS3(api), []

    def part_1_slow_ctrl_c_at_part_2(number):
        if number == 1:
            time.sleep(0.3)  # still reading and sending when Ctrl-C comes
            events.append("part 1 sent")
        else:
            raise KeyboardInterrupt

    s3.on_put = part_1_slow_ctrl_c_at_part_2
    with pytest.raises(Interrupted, match="1 of 2 parts of big.log are stored"):
        uploader(api, s3, tmp_path, parallel=2).upload("1", path)
    events.append("upload returned")
    time.sleep(0.4)
    assert events == ["part 1 sent", "upload returned"]


def test_a_stored_part_that_does_not_match_the_local_file_is_sent_again(tmp_path):
    api = FakeFilesApi()
    path, data = make_file(tmp_path, 3 * MiB)
    stat = path.stat()
    upload = api.start_upload("0000000001", {"fileName": path.name, "size": len(data),
                                             "checksum": {"algorithm": "CRC32", "value": to_b64(zlib.crc32(data))}})  # fmt: skip
    api.held[upload["uploadId"]] = {1: data[:MiB], 2: b"x" * MiB}
    key = state_key(API, "1", path, len(data), stat.st_mtime_ns)
    state_file(tmp_path / "state", key).parent.mkdir(parents=True)
    state_file(tmp_path / "state", key).write_text(json.dumps({"version": 1, "uploadId": upload["uploadId"]}))
    s3 = FakeS3(api)
    result = uploader(api, s3, tmp_path).upload("1", path)
    assert result.resumed and sorted(s3.puts) == [2, 3]
    assert stored(api, result) == data


def test_an_upload_the_api_forgot_starts_over(tmp_path):
    api = FakeFilesApi()
    path, data = make_file(tmp_path, 2 * MiB)
    stat = path.stat()
    key = state_key(API, "1", path, len(data), stat.st_mtime_ns)
    (tmp_path / "state").mkdir()
    state_file(tmp_path / "state", key).write_text('{"version": 1, "uploadId": "up-expired"}')
    logged = []
    result = uploader(api, FakeS3(api), tmp_path, log=logged.append).upload("1", path)
    assert not result.resumed and stored(api, result) == data
    assert "is gone" in logged[0]


def test_a_completion_whose_answer_was_lost_is_not_uploaded_twice(tmp_path, monkeypatch):
    api = FakeFilesApi()
    path, data = make_file(tmp_path, 3 * MiB)
    real_complete = api.complete_upload

    def complete_then_lose_the_answer(case_number, upload_id):
        real_complete(case_number, upload_id)
        raise NetworkError("no answer from http://api.test/complete in time (ReadTimeout)")

    monkeypatch.setattr(api, "complete_upload", complete_then_lose_the_answer)
    with pytest.raises(NetworkError):
        uploader(api, FakeS3(api), tmp_path).upload("1", path)
    (saved,) = (tmp_path / "state").iterdir()
    (file_id,) = api.files
    monkeypatch.setattr(api, "complete_upload", real_complete)

    s3, logged = FakeS3(api), []
    result = uploader(api, s3, tmp_path, log=logged.append).upload("1", path)  # get_upload: 404, the upload is file X
    assert result.resumed and result.case_file["fileId"] == file_id and list(api.files) == [file_id]
    assert s3.puts == [] and result.parts_sent == 0 and result.part_count == 3
    assert stored(api, result) == data
    assert f"was completed already (its answer was lost): it is file {file_id}" in logged[0]
    assert not saved.exists()


def test_an_unanswered_completion_of_a_gone_upload_keeps_the_state(tmp_path, monkeypatch):
    api = FakeFilesApi()
    path, _ = make_file(tmp_path, MiB)
    key = state_key(API, "1", path, MiB, path.stat().st_mtime_ns)
    (tmp_path / "state").mkdir()
    state_file(tmp_path / "state", key).write_text('{"version": 1, "uploadId": "up-unknown"}')
    monkeypatch.setattr(api, "complete_upload", lambda c, u: (_ for _ in ()).throw(ApiError(503, "unavailable", "try later")))
    with pytest.raises(ApiError, match="try later"):
        uploader(api, FakeS3(api), tmp_path).upload("1", path)
    assert state_file(tmp_path / "state", key).exists() and not api.uploads  # no second upload started


def test_a_file_changed_under_the_upload_is_refused(tmp_path, monkeypatch):
    api = FakeFilesApi()
    path, data = make_file(tmp_path, 3 * MiB)
    real_pread = os.pread

    def changed(fd, length, offset):
        chunk = real_pread(fd, length, offset)
        return bytes([chunk[0] ^ 1]) + chunk[1:] if offset == 2 * MiB and length == MiB else chunk

    original = uploader_module.digest_file

    def digest_then_change(*args, **kwargs):
        result = original(*args, **kwargs)
        monkeypatch.setattr(os, "pread", changed)
        return result

    monkeypatch.setattr(uploader_module, "digest_file", digest_then_change)
    with pytest.raises(FileChanged, match="changed during the upload"):
        uploader(api, FakeS3(api), tmp_path).upload("1", path)


def test_a_checksum_refused_at_completion_forgets_the_upload(tmp_path, monkeypatch):
    api = FakeFilesApi()
    path, _ = make_file(tmp_path, 2 * MiB)
    monkeypatch.setattr(api, "complete_upload", lambda c, u: (_ for _ in ()).throw(ApiError(422, "checksum_mismatch", "no")))
    with pytest.raises(ApiError, match="no"):
        uploader(api, FakeS3(api), tmp_path).upload("1", path)
    assert not list((tmp_path / "state").iterdir())  # the next run starts over


def test_parts_missing_at_completion_are_sent_once_more(tmp_path):
    api = FakeFilesApi()
    path, data = make_file(tmp_path, 3 * MiB)
    real_complete = api.complete_upload
    lost = []

    def lose_part_2_once(case_number, upload_id):
        if not lost:
            lost.append(api.held[upload_id].pop(2))
        return real_complete(case_number, upload_id)

    api.complete_upload = lose_part_2_once
    s3 = FakeS3(api)
    result = uploader(api, s3, tmp_path).upload("1", path)
    assert stored(api, result) == data and s3.puts.count(2) == 2


def test_a_part_size_that_is_not_whole_mib_is_refused(tmp_path):
    api = FakeFilesApi(part_size=MiB + MiB // 2)  # against the contract
    path, _ = make_file(tmp_path, 3 * MiB)
    with pytest.raises(CliError, match="the API chose parts of 1572864 bytes: its contract says whole MiB"):
        uploader(api, FakeS3(api), tmp_path).upload("1", path)


def test_the_rate_limit_paces_the_parts(tmp_path, monkeypatch):
    from dss_cli.uploads.parts import Pacer

    clock, slept = [0.0], []
    monkeypatch.setattr("dss_cli.uploads.parts.time.monotonic", lambda: clock[0])
    pacer = Pacer(MiB)
    stop = threading.Event()
    monkeypatch.setattr(threading.Event, "wait", lambda self, timeout=None: slept.append(timeout))
    for _ in range(3):
        pacer.wait(2 * MiB, stop)
    assert slept == [2.0, 4.0]


# --- downloads ---------------------------------------------------------------------------------------


def uploaded(tmp_path) -> tuple[FakeFilesApi, FakeS3, str, bytes]:
    api = FakeFilesApi()
    s3 = FakeS3(api)
    path, data = make_file(tmp_path, 2 * MiB + 11, "trace.log")
    return api, s3, uploader(api, s3, tmp_path).upload("1", path).case_file["fileId"], data


def test_a_download_is_verified_and_named_after_the_file(tmp_path):
    api, s3, file_id, data = uploaded(tmp_path)
    target_dir = tmp_path / "out"
    target_dir.mkdir()
    result = download_file(api, "1", file_id, target_dir, session=s3)
    assert result.path == target_dir / "trace.log" and result.path.read_bytes() == data
    assert [p.name for p in target_dir.iterdir()] == ["trace.log"]
    with pytest.raises(CliError, match="exists; choose another -o PATH or pass --force"):
        download_file(api, "1", file_id, target_dir, session=s3)
    assert download_file(api, "1", file_id, target_dir / "trace.log", overwrite=True, session=s3).size == len(data)


@pytest.mark.parametrize(("fault", "complaint"), [("corrupt", "does not match the recorded"), ("short", "received")])
def test_a_corrupt_download_never_takes_the_target_name(tmp_path, fault, complaint):
    api, s3, file_id, _ = uploaded(tmp_path)
    s3.faults[0] = fault
    target_dir = tmp_path / "out"
    target_dir.mkdir()
    with pytest.raises(CliError, match=complaint):
        download_file(api, "1", file_id, target_dir / "trace.log", session=s3)
    assert list(target_dir.iterdir()) == []


def test_parts_listed_without_a_checksum_are_kept_by_their_size(tmp_path):
    """moto's ListParts has no part checksums; S3 took each part only against its signed checksum."""
    api = FakeFilesApi()
    real_get = api.get_upload
    api.get_upload = lambda c, u: {**real_get(c, u), "parts": [{**p, "checksum": None} for p in real_get(c, u)["parts"]]}
    path, data = make_file(tmp_path, 3 * MiB)
    upload = api.start_upload("0000000001", {"fileName": path.name, "size": len(data),
                                             "checksum": {"algorithm": "CRC32", "value": to_b64(zlib.crc32(data))}})  # fmt: skip
    api.held[upload["uploadId"]] = {1: data[:MiB], 2: data[MiB : MiB + 10]}  # part 2 is short: sent again
    key = state_key(API, "1", path, len(data), path.stat().st_mtime_ns)
    (tmp_path / "state").mkdir()
    state_file(tmp_path / "state", key).write_text(json.dumps({"version": 1, "uploadId": upload["uploadId"]}))
    s3, logged = FakeS3(api), []
    result = uploader(api, s3, tmp_path, log=logged.append).upload("1", path)
    assert sorted(s3.puts) == [2, 3] and stored(api, result) == data
    assert "1 of 3 parts already stored (1 by size: S3 listed no part checksums), sending 2" in logged[0]


# --- the Idempotency-Key of a start, and the signed part length --------------------------------------


def test_a_start_whose_answer_was_lost_gets_the_same_upload_on_the_next_run(tmp_path):
    api = FakeFilesApi()
    api.lose_start_answers = 1
    path, data = make_file(tmp_path, 3 * MiB)
    with pytest.raises(NetworkError):
        uploader(api, FakeS3(api), tmp_path).upload("1", path)
    (saved,) = (tmp_path / "state").iterdir()
    key = json.loads(saved.read_text())["idempotencyKey"]

    result = uploader(api, FakeS3(api), tmp_path).upload("1", path)

    assert stored(api, result) == data
    assert list(api.uploads) == [] and api.counter == 1  # one upload, started once, completed
    assert api.keys[key][1] == result.upload_id
    assert not saved.exists()


def test_a_saved_key_the_api_refuses_for_this_file_is_replaced(tmp_path):
    api = FakeFilesApi()
    path, data = make_file(tmp_path, MiB)
    key = state_key(API, "1", path, len(data), path.stat().st_mtime_ns)
    (tmp_path / "state").mkdir()
    checksum = to_b64(zlib.crc32(data))
    state_file(tmp_path / "state", key).write_text(json.dumps({"version": 1, "idempotencyKey": "k-used", "checksum": checksum}))
    api.keys["k-used"] = ({"fileName": "another file"}, "up-0")

    result = uploader(api, FakeS3(api), tmp_path).upload("1", path)

    (new_key,) = [key for key, (_, upload_id) in api.keys.items() if upload_id == result.upload_id]
    assert stored(api, result) == data and new_key != "k-used"


def test_a_part_url_signed_for_another_length_is_not_used(tmp_path):
    api = FakeFilesApi()
    api.part_length = lambda upload, number: 7
    path, _ = make_file(tmp_path, MiB)
    s3 = FakeS3(api)
    with pytest.raises(CliError, match="signed part 1 for 7 bytes, but it holds 1048576"):
        uploader(api, s3, tmp_path, parallel=1).upload("1", path)
    assert s3.puts == []


# --- the client: listings page by page, a start retried with its key ---------------------------------


def api_answer(status: int, body) -> requests.Response:
    made = requests.Response()
    made.status_code, made._content, made.encoding = status, json.dumps(body).encode(), "utf-8"
    made.headers["Content-Type"] = "application/json"
    return made


@pytest.mark.parametrize("listing", ["files", "uploads"])
def test_the_client_follows_next_token_to_the_last_page(monkeypatch, listing):
    client = ApiClient("http://127.0.0.1:9", "t")
    pages = [
        {"items": [{"id": 1}, {"id": 2}], "nextToken": "t1", "purgeAt": None},
        {"items": [{"id": 3}], "nextToken": None, "purgeAt": "2026-04-01T00:00:00.000Z"},
    ]
    asked = []

    def respond(method, url, **kwargs):
        asked.append((method, url, kwargs["params"]))
        return api_answer(200, pages[len(asked) - 1])

    monkeypatch.setattr(client.session, "request", respond)
    if listing == "files":
        answer = client.list_files("1")
        assert answer["items"] == [{"id": 1}, {"id": 2}, {"id": 3}] and answer["purgeAt"] == "2026-04-01T00:00:00.000Z"
    else:
        assert client.list_uploads("1") == [{"id": 1}, {"id": 2}, {"id": 3}]
    url = f"http://127.0.0.1:9/cases/0000000001/{listing}"
    assert asked == [("GET", url, {"limit": 100}), ("GET", url, {"limit": 100, "nextToken": "t1"})]
