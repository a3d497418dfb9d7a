"""Case numbers stay unique when many contacts open cases at the same moment.

Each create runs in its own process, as in separate Lambda containers (one resolver per process, as on
Lambda), against one moto server. All of them wait for one start signal, then call at once."""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from functions.shared.environment import reset_environment
from local.demo_directory import DEMO_USERS
from tests.support.moto_server import moto_server
from tests.support.payloads import support_case

ROOT = Path(__file__).resolve().parents[2]
USERS = ["customer", "customer_mac", "colleague", "other_customer"]


@pytest.fixture
def shared_aws(monkeypatch):
    with moto_server() as endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        reset_environment()
        from local.demo_directory import seed_demo_directory
        from local.provision import provision

        resources = provision()
        seed_demo_directory()
        environment = {**os.environ, **resources.environment(), "PYTHONPATH": str(ROOT), "POWERTOOLS_METRICS_DISABLED": "true"}
        yield environment
        reset_environment()


def run_at_once(environment: dict, tmp_path: Path, calls: list[tuple]) -> list[dict]:
    """Starts one worker process per (user, method, path, body[, idempotency key]), releases them together,
    returns their results."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.integration.concurrent_call_worker", str(go), user, method, path, json.dumps(body), *key],
            cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for user, method, path, body, *key in calls
    ]  # fmt: skip
    go.touch()
    with ThreadPoolExecutor(max_workers=len(workers)) as pool:
        outputs = list(pool.map(lambda worker: worker.communicate(timeout=180), workers))
    assert all(worker.returncode == 0 for worker in workers), [err[-800:] for _, err in outputs]
    return [json.loads(stdout.strip().splitlines()[-1]) for stdout, _ in outputs]


def open_case(user: str, subject: str) -> tuple:
    return (user, "POST", "/cases", support_case(subject=subject))


@pytest.mark.slow
def test_twenty_concurrent_creates_get_twenty_distinct_numbers(shared_aws, tmp_path):
    results = run_at_once(shared_aws, tmp_path, [open_case(USERS[index % len(USERS)], f"parallel {index}") for index in range(20)])

    assert [result["status"] for result in results] == [201] * 20, results
    assert sorted(result["body"]["caseNumber"] for result in results) == [f"{n:010d}" for n in range(1, 21)]
    for result in results:  # each case belongs to whoever opened it
        assert result["body"]["contactId"] == DEMO_USERS[result["user"]].contact_id


@pytest.mark.slow
def test_concurrent_retries_with_one_idempotency_key_create_one_case(shared_aws, tmp_path):
    results = run_at_once(shared_aws, tmp_path, [(*open_case("customer", "retried"), "double-click")] * 6)

    assert [result["status"] for result in results] == [201] * 6, results
    assert len({result["body"]["caseNumber"] for result in results}) == 1


@pytest.mark.slow
def test_twenty_concurrent_updates_on_one_case_all_land_in_history_exactly_once(shared_aws, tmp_path):
    (created,) = run_at_once(shared_aws, tmp_path / "open", [open_case("customer", "busy case")])
    number = created["body"]["caseNumber"]
    users = ["customer", "colleague", "engineer", "customer_mac"]
    calls = [(users[index % 4], "POST", f"/cases/{number}/updates", {"text": f"update {index}"}) for index in range(20)]

    results = run_at_once(shared_aws, tmp_path / "update", calls)

    assert [result["status"] for result in results] == [201] * 20, results
    (history,) = run_at_once(shared_aws, tmp_path / "read", [("engineer", "GET", f"/cases/{number}/history?limit=100", None)])
    updates = [entry for entry in history["body"]["items"] if entry["action"] == "updated"]
    assert len(updates) == 20
    assert sorted(int(entry["entryId"]) for entry in history["body"]["items"]) == list(range(1, 22))
