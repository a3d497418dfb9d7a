"""The local stack (`make run`) as a real subprocess on free ports, driven over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.support.moto_server import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 60


def run_command(port: int, aws_port: int, session_file: Path, options: tuple[str, ...] = (), portal_port: int | None = None) -> list[str]:
    ports = ["--port", str(port), "--aws-port", str(aws_port), "--portal-port", str(portal_port or free_port())]
    return [sys.executable, "-m", "local.run", *ports, "--session-file", str(session_file), *options]


class LocalStack:
    def __init__(self, workdir: Path, port: int | None = None, aws_port: int | None = None, options: tuple[str, ...] = ()):
        self.workdir, self.fixed_ports, self.options = workdir, (port, aws_port), options
        self.process: subprocess.Popen | None = None
        self._choose_ports()

    def _choose_ports(self) -> None:
        port, aws_port = self.fixed_ports
        self.port, self.aws_port, self.portal_port = port or free_port(), aws_port or free_port(), free_port()
        self.session_file = self.workdir / f"session-{self.port}.json"
        self.log_file = self.workdir / f"output-{self.port}.log"
        self.api = f"http://127.0.0.1:{self.port}"
        self.portal = f"http://127.0.0.1:{self.portal_port}"

    def start(self, attempts: int = 3) -> LocalStack:
        try:
            for _ in range(attempts):
                if self._started():
                    return self
                # A free port can be taken by another xdist worker before the stack binds it.
                if "is in use" not in self.output() or all(self.fixed_ports):
                    break
                self._choose_ports()
            pytest.fail(f"local stack exited with {self.process.returncode}:\n{self.output()}")
        except BaseException:
            self.stop()
            raise

    def _started(self) -> bool:
        self.session_file.unlink(missing_ok=True)
        with self.log_file.open("w") as log:
            # The stack's defaults, whatever other tests in this process put in the environment.
            environment = {name: value for name, value in os.environ.items() if name != "PORTAL_URL"}
            self.process = subprocess.Popen(
                run_command(self.port, self.aws_port, self.session_file, self.options, self.portal_port),
                cwd=REPO_ROOT, stdout=log, stderr=log, env=environment,
            )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if self.session_file.exists() and self._answers():
                return True
            time.sleep(0.1)
        pytest.fail(f"local stack did not answer within {START_TIMEOUT_SECONDS}s:\n{self.output()}")

    def _answers(self) -> bool:
        try:
            return requests.get(f"{self.api}/openapi.json", timeout=10).status_code == 200
        except requests.RequestException:  # not listening yet, or slow under a loaded machine
            return False

    @property
    def session(self) -> dict:
        return json.loads(self.session_file.read_text())

    def token(self, role: str) -> str:
        return self.session["tokens"][role]

    def request(self, method: str, path: str, *, role: str | None = None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if role:
            headers["Authorization"] = self.token(role)
        return requests.request(method, f"{self.api}{path}", headers=headers, timeout=30, **kwargs)

    def stop(self, signum: int = signal.SIGINT, timeout: float = 30) -> int | None:
        """Ctrl-C (by default) and the exit code; test_local_stack holds the stop itself to 10 s, fixtures allow
        a loaded machine more before calling it a failure."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signum)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise
        return self.process.returncode

    def output(self) -> str:
        return self.log_file.read_text() if self.log_file.exists() else ""
