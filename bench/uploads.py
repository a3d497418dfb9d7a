"""Upload throughput: one 1 GiB file to a case through `dss files upload` (presigned multipart parts in
parallel, CRC32 per part and for the whole file, completion verified by the service), and the same file
through boto3's `upload_file` (s3transfer's defaults: 8 MiB parts, 10 threads, no service in between)
to the same local S3 (moto in the local stack, `make run`), in the same run. Each client runs in its own
process; its peak memory is the child's maximum resident set size (os.wait4)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
import requests

from tests.local.stack_process import LocalStack

FILE_SIZE = 1024**3
ROUNDS = 3
DSS, BOTO3 = "dss files upload (presigned parts, CRC32, verified)", "boto3 upload_file (s3transfer defaults)"
LOCAL_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local", "region_name": "us-east-1"}
MIB = 1024**2
FILES_BUCKET = "dss-local-case-files"  # local/provision.py
# Goals: at least s3transfer's throughput, and memory bounded by the parts in flight (dss_cli.DEFAULT_PARALLEL:
# 16 parts of 8 MiB for this size, with the interpreter and libraries around them), not by the file's size.
MIN_RATIO = 1.0
MAX_CLIENT_RSS_MIB = 256
BOTO3_UPLOAD = """
import sys, boto3
boto3.client("s3", endpoint_url=sys.argv[1]).upload_file(sys.argv[2], sys.argv[3], "bench/boto3-upload.bin")
"""


@dataclass(frozen=True)
class Upload:
    client: str
    seconds: float
    peak_rss_mib: float

    @property
    def mib_per_second(self) -> float:
        return FILE_SIZE / MIB / self.seconds


def _timed_child(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB) of a child process, which must succeed. The peak is the kernel's
    high-water mark of the program's own memory (VmHWM, polled until it exits): getrusage's ru_maxrss
    would also count the parent's pages the child held between fork and exec."""
    with tempfile.TemporaryFile() as stderr:  # a pipe read only at exit would block a child that writes more than it holds
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)  # noqa: S603
        peak_kib = 0
        while child.poll() is None:
            peak_kib = max(peak_kib, _high_water_kib(child.pid))
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        if child.returncode != 0:
            stderr.seek(0)
            raise RuntimeError(f"{command[:4]} failed: {stderr.read().decode(errors='replace')[-2000:]}")
    return seconds, peak_kib / 1024


def _high_water_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # it just exited
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)


def _random_file(path: Path) -> None:
    with path.open("wb") as out:
        for _ in range(FILE_SIZE // (64 * MIB)):
            out.write(os.urandom(64 * MIB))


def measure(rounds: int = ROUNDS) -> list[Upload]:
    """Both clients, `rounds` times each, interleaved; the median round of each (by time)."""
    workdir = Path(tempfile.mkdtemp(prefix="dss-bench-"))
    stack = LocalStack(workdir)
    try:
        stack.start()
        session = stack.session
        data = workdir / "one-gib.bin"
        _random_file(data)
        token = session["tokens"]["customer"]
        case = requests.post(
            f"{stack.api}/cases", headers={"Authorization": token}, timeout=30,
            json={"caseType": "Admin", "subject": "Upload benchmark", "description": "1 GiB"},
        ).json()["caseNumber"]  # fmt: skip
        dss_env = {**os.environ, "DSS_API": stack.api, "DSS_TOKEN": token, "DSS_CONFIG_DIR": str(workdir / "config")}
        dss_command = [sys.executable, "-m", "dss_cli", "files", "upload", case, str(data), "--no-progress"]
        aws_env = {
            **os.environ,
            "AWS_ACCESS_KEY_ID": LOCAL_CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": LOCAL_CREDENTIALS["aws_secret_access_key"],
            "AWS_DEFAULT_REGION": LOCAL_CREDENTIALS["region_name"],
        }
        boto3_command = [sys.executable, "-c", BOTO3_UPLOAD, session["aws"], str(data), FILES_BUCKET]
        s3 = boto3.client("s3", endpoint_url=session["aws"], **LOCAL_CREDENTIALS)
        runs: dict[str, list[tuple[float, float]]] = {DSS: [], BOTO3: []}
        for _ in range(rounds):
            runs[DSS].append(_timed_child(dss_command, dss_env))
            runs[BOTO3].append(_timed_child(boto3_command, aws_env))
            _empty(s3)  # moto keeps every object in memory
    finally:
        stack.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return [Upload(client, *sorted(timings)[len(timings) // 2]) for client, timings in runs.items()]


def _empty(s3) -> None:
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=FILES_BUCKET):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=FILES_BUCKET, Key=item["Key"])
