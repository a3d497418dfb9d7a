"""Files in the browser: a 20 MiB file uploaded in parts from the case page and downloaded again byte for byte;
an upload cut short resumes after a reload, sending only the parts S3 does not hold."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import accessible, sign_in

pytestmark = pytest.mark.slow
MIB = 1 << 20
ADMIN_CASE = {"caseType": "Admin", "subject": "Logs from the IC server", "description": "Attaching them"}
PART_PUT = re.compile(r"[?&]partNumber=\d+")


def open_case(stack) -> str:
    return stack.request("POST", "/cases", role="customer", json=ADMIN_CASE).json()["caseNumber"]


def test_a_customer_uploads_20_mib_and_downloads_it_again(page: Page, stack, tmp_path):
    data = os.urandom(20 * MIB)
    source = tmp_path / "ic-logs.tar"
    source.write_bytes(data)
    number = open_case(stack)
    sign_in(page, stack, "customer")
    page.goto(f"{stack.portal}/cases/{number}")

    page.get_by_label("File to upload").set_input_files(str(source))
    page.get_by_role("button", name="Upload", exact=True).click()
    row = page.get_by_role("row").filter(has_text="ic-logs.tar")
    expect(row.get_by_role("button", name=re.compile("^Download"))).to_be_visible(timeout=60_000)
    accessible(page, "case-files")

    with page.expect_download() as download:
        row.get_by_role("button", name=re.compile("^Download")).click()
    saved = tmp_path / "back.tar"
    download.value.save_as(saved)
    assert saved.read_bytes() == data


def test_an_upload_cut_short_resumes_after_a_reload_with_only_the_missing_parts(page: Page, stack, tmp_path):
    source = tmp_path / "heap.dump"
    source.write_bytes(os.urandom(20 * MIB))  # three parts of 8 MiB
    number = open_case(stack)
    sign_in(page, stack, "customer")
    page.goto(f"{stack.portal}/cases/{number}")

    sent: list[str] = []

    def first_part_only(route):
        if route.request.method == "PUT" and PART_PUT.search(route.request.url):
            sent.append(route.request.url)
            if len(sent) > 1:
                return route.abort()
        return route.continue_()

    page.route("**/*", first_part_only)
    page.get_by_label("File to upload").set_input_files(str(source))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible(timeout=60_000)  # the other parts failed
    page.unroute("**/*")

    page.reload()
    resumed: list[str] = []
    page.on("request", lambda request: resumed.append(request.url) if request.method == "PUT" and PART_PUT.search(request.url) else None)
    expect(page.get_by_role("button", name=re.compile("^Resume"))).to_be_visible()
    accessible(page, "case-unfinished-upload")
    page.get_by_label("File to upload").set_input_files(str(source))
    page.get_by_role("button", name=re.compile("^Resume")).click()

    row = page.get_by_role("row").filter(has_text="heap.dump")
    expect(row.get_by_role("button", name=re.compile("^Download"))).to_be_visible(timeout=60_000)
    assert len(resumed) == 2  # the first part was already in S3
    files = stack.request("GET", f"/cases/{number}/files", role="customer").json()["items"]
    assert [(file["fileName"], file["size"]) for file in files] == [("heap.dump", 20 * MIB)]
