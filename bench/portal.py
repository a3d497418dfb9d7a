"""The portal (`make bench`): the size of its JavaScript as a browser downloads it (gzipped), and the time
from opening the case list to its first rows in Chromium on the local stack, signed in as the demo
customer. The baseline, measured in the same run, is the API's own answer to the same list (GET
/cases?view=my-non-closed): the ratio says what the page adds to the request it waits for."""

from __future__ import annotations

import gzip
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from local.portal_server import PORTAL_DIST
from tests.local.stack_process import LocalStack

RUNS = 7
CASES = 25  # one page of the list
# The prototype the design measured was 10.5 KB gzipped for a list, a form and the upload module.
MAX_JS_GZIP_KB = 60
MAX_FIRST_LIST_MS = 1500
ADMIN_CASE = {"caseType": "Admin", "subject": "Bench", "description": "The case list's first page, timed."}


@dataclass(frozen=True)
class PortalFigures:
    js_gzip_bytes: int
    first_list_ms: list[float]
    api_list_ms: list[float]

    @property
    def first_list_median_ms(self) -> float:
        return statistics.median(self.first_list_ms)

    @property
    def api_list_median_ms(self) -> float:
        return statistics.median(self.api_list_ms)


def javascript_gzip_bytes(dist: Path = PORTAL_DIST) -> int:
    return sum(len(gzip.compress(script.read_bytes(), 9)) for script in (dist / "assets").glob("*.js"))


def measure(runs: int = RUNS) -> PortalFigures:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_FLAGS, chromium_path, sign_in

    with tempfile.TemporaryDirectory() as workdir:
        stack = LocalStack(Path(workdir)).start()
        try:
            headers = {"Authorization": stack.token("customer")}
            for _ in range(CASES):
                requests.post(f"{stack.api}/cases", json=ADMIN_CASE, headers=headers, timeout=30).raise_for_status()
            api_ms = []
            for _ in range(runs):
                started = time.perf_counter()
                requests.get(f"{stack.api}/cases", params={"view": "my-non-closed"}, headers=headers, timeout=30).raise_for_status()
                api_ms.append((time.perf_counter() - started) * 1000)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
                page = browser.new_page()
                sign_in(page, stack, "customer")
                list_ms = []
                for _ in range(runs):
                    started = time.perf_counter()
                    page.goto(f"{stack.portal}/?view=my-non-closed")
                    page.locator("table tbody tr").first.wait_for()
                    list_ms.append((time.perf_counter() - started) * 1000)
                browser.close()
        finally:
            stack.stop()
    return PortalFigures(javascript_gzip_bytes(), list_ms, api_ms)
