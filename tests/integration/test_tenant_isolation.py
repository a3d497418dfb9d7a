"""Every route, walked by a customer with another account's identifiers: always 404, nothing disclosed, and
nothing written: every read, and every write of the cases and files APIs."""

import pytest

from tests.support.payloads import support_case
from tests.support.server_stack import server_aws

ACME_CONTACTS = ("customer", "customer_mac", "colleague")
EMPTY_CRC32 = "AAAAAA=="


@pytest.fixture
def foreign_case(local_aws):
    """A case of account globex, as its own customer opened it."""
    return local_aws.call("POST", "/cases", user="other_customer", body=support_case()).body["caseNumber"]


ROUTES_WITH_FOREIGN_IDS = [
    ("GET", "/cases/{case}", None, None),
    ("GET", "/cases", {"view": "all-non-closed", "accountId": "globex"}, None),
    ("GET", "/cases", {"view": "my-open", "accountId": "globex"}, None),
    ("POST", "/cases", None, support_case(onBehalfOf={"accountId": "globex", "contactId": "c-gina"})),
]


@pytest.mark.parametrize("method, path, query, body", ROUTES_WITH_FOREIGN_IDS)
@pytest.mark.parametrize("user", ["customer", "customer_mac", "colleague"])
def test_another_accounts_identifiers_answer_404(local_aws, foreign_case, user, method, path, query, body):
    before = local_aws.item_count()

    result = local_aws.call(method, path.format(case=foreign_case), user=user, query=query, body=body)

    assert result.status == 404, result
    assert result.body["error"] == "not_found"
    assert "Globex" not in str(result.body) and "c-gina" not in str(result.body)
    assert local_aws.item_count() == before


def test_a_foreign_case_and_a_missing_case_answer_alike(local_aws, foreign_case):
    foreign = local_aws.call("GET", f"/cases/{foreign_case}")
    missing = local_aws.call("GET", "/cases/0009999999")
    assert foreign.status == missing.status == 404
    assert foreign.body == {**missing.body, "message": missing.body["message"].replace("0009999999", foreign_case)}


def test_the_owner_and_staff_do_see_it(local_aws, foreign_case):
    assert local_aws.call("GET", f"/cases/{foreign_case}", user="other_customer").status == 200
    assert local_aws.call("GET", f"/cases/{foreign_case}", user="engineer").status == 200
    assert local_aws.call("GET", f"/cases/{foreign_case}", user="manager").status == 200


def test_a_colleague_sees_account_cases_but_not_in_my_views(local_aws):
    number = local_aws.call("POST", "/cases", body=support_case()).body["caseNumber"]
    assert local_aws.call("GET", f"/cases/{number}", user="colleague").status == 200
    assert local_aws.call("GET", "/cases", user="colleague", query={"view": "my-open"}).body["items"] == []
    account_view = local_aws.call("GET", "/cases", user="colleague", query={"view": "all-open"}).body["items"]
    assert [case["caseNumber"] for case in account_view] == [number]


# --- every write, cases API ---------------------------------------------------------------------

# A valid body for each write on an existing case (the staff-only ones too: the case is not found before any
# role is checked).
CASE_WRITES = {
    ("PATCH", "/cases/{caseNumber}"): {"priority": "3-Medium"},
    ("POST", "/cases/{caseNumber}/updates"): {"text": "Please look at this."},
    ("POST", "/cases/{caseNumber}/request-info"): {"message": "Logs?"},
    ("POST", "/cases/{caseNumber}/propose-solution"): {"solution": "Patch 13."},
    ("POST", "/cases/{caseNumber}/solution/accept"): {"comment": "Works."},
    ("POST", "/cases/{caseNumber}/solution/reject"): {"reason": "Still broken."},
    ("POST", "/cases/{caseNumber}/close"): {"subStatus": "Cancelled", "comment": "Not needed."},
    ("POST", "/cases/{caseNumber}/reopen"): {"information": "It is back."},
    ("POST", "/cases/{caseNumber}/escalations"): {"kind": "management", "reason": "Too slow."},
}
# The uploads of another account's case (the upload id is that case's, as a leaked one would be).
FILE_WRITES = {
    ("POST", "/cases/{caseNumber}/uploads"): {"fileName": "x.txt", "size": 0, "checksum": {"algorithm": "CRC32", "value": EMPTY_CRC32}},
    ("POST", "/cases/{caseNumber}/uploads/{uploadId}/part-urls"): {"parts": [{"partNumber": 1, "checksum": EMPTY_CRC32}]},
    ("POST", "/cases/{caseNumber}/uploads/{uploadId}/complete"): None,
    ("DELETE", "/cases/{caseNumber}/uploads/{uploadId}"): None,
}


def test_the_write_tables_cover_every_write_route_of_both_apis():
    from functions.cases.handlers.api import app as cases_app
    from functions.files.handlers.api import app as files_app
    from functions.shared.api.openapi import documented_routes

    def writes(app) -> set[tuple[str, str]]:
        return {(method, path) for path, method in documented_routes(app) if method != "GET" and "{caseNumber}" in path}

    assert writes(cases_app) == set(CASE_WRITES)
    assert writes(files_app) == set(FILE_WRITES)


def case_state(stack, case_number: str) -> tuple:
    """Everything a write could change, as the case's own account sees it."""
    return tuple(stack.call("GET", f"/cases/{case_number}{path}", user="other_customer").body for path in ("", "/updates", "/history"))


@pytest.mark.parametrize("method, path", list(CASE_WRITES))
def test_every_case_write_on_another_accounts_case_answers_404_and_changes_nothing(local_aws, foreign_case, method, path):
    before = (local_aws.item_count(), case_state(local_aws, foreign_case))

    for user in ACME_CONTACTS:
        result = local_aws.call(method, path.format(caseNumber=foreign_case), user=user, body=CASE_WRITES[(method, path)])
        assert (result.status, result.body["error"]) == (404, "not_found"), (user, result)
        assert "Globex" not in str(result.body) and "c-gina" not in str(result.body)

    assert (local_aws.item_count(), case_state(local_aws, foreign_case)) == before


# --- every write, files API (last in this module: the moto server replaces the in-process mock) ---------


@pytest.fixture(scope="module")
def server():
    with server_aws() as stack:
        yield stack


@pytest.fixture(scope="module")
def globex_upload(server) -> tuple[str, str]:
    """A case of globex's with an upload in progress: (case number, upload id)."""
    case = server.cases("POST", "/cases", user="other_customer", body=support_case()).body["caseNumber"]
    declared = {"fileName": "globex.log", "size": 0, "checksum": {"algorithm": "CRC32", "value": EMPTY_CRC32}}
    upload = server.call("POST", f"/cases/{case}/uploads", user="other_customer", body=declared)
    assert upload.status == 201, upload
    return case, upload.body["uploadId"]


def storage_state(server, case: str, upload_id: str) -> tuple:
    uploads = sorted(entry["UploadId"] for entry in server.multipart_uploads())
    seen_by_owner = server.call("GET", f"/cases/{case}/uploads/{upload_id}", user="other_customer")
    return server.item_count(), server.object_keys(), uploads, seen_by_owner.status, seen_by_owner.body


@pytest.mark.parametrize("method, path", list(FILE_WRITES))
def test_every_file_write_on_another_accounts_case_answers_404_and_changes_nothing(server, globex_upload, method, path):
    case, upload_id = globex_upload
    before = storage_state(server, case, upload_id)

    for user in ACME_CONTACTS:
        result = server.call(method, path.format(caseNumber=case, uploadId=upload_id), user=user, body=FILE_WRITES[(method, path)])
        assert (result.status, result.body["error"]) == (404, "not_found"), (user, result)
        assert upload_id not in str(result.body) and "globex" not in str(result.body).lower()

    assert storage_state(server, case, upload_id) == before
    assert before[3] == 200
