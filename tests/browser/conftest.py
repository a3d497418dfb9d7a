"""The portal in Debian's Chromium, driven by Playwright, against the local stack (`make run` as a process):
the page is loaded from the stack's own loopback portal server, as a person's browser loads it (Chromium's
Local Network Access blocks a page served any other way from reaching the local S3). Every page is checked
by axe-core, and each test keeps screenshots in test-results/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.local.stack_process import LocalStack

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
# Without the background-networking flags Chromium keeps reaching for Google's hosts, which this closed network refuses.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
SERIOUS = {"serious", "critical"}
# Playwright's assertions wait up to 5 s by default; with a local stack per module on a shared 2-core machine a
# page behind several API calls can take longer under load (never a sleep: the assertion returns when it holds).
expect.set_options(timeout=20_000)


def chromium_path() -> str:
    found = Path("/usr/lib/chromium/chromium") if Path("/usr/lib/chromium/chromium").exists() else shutil.which("chromium")
    if not found:
        pytest.fail("Debian's chromium is missing: `make test` (or `make browser`) installs it")
    return str(found)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": chromium_path(), "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    running = LocalStack(tmp_path_factory.mktemp("portal-stack"))
    try:
        yield running.start()
    finally:
        running.stop()


def sign_in(page: Page, stack: LocalStack, role: str) -> None:
    user = stack.session["users"][role]
    page.goto(f"{stack.portal}/sign-in")
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password", exact=True).fill(user["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def accessible(page: Page, name: str) -> None:
    """No serious or critical axe-core violation on the page as it is now; its screenshot kept."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    results = Axe().run(page)
    violations = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    assert not violations, "\n".join(f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}" for v in violations)
