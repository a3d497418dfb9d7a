"""GET /cases?view=...: the ten portal views, newest modification first, caller-bound paging."""

from datetime import UTC, datetime, timedelta

import pytest

from functions.cases.logic.dependencies import dependencies
from functions.cases.models.case import Case, CaseType, Channel, Priority, Status
from functions.cases.models.lifecycle import HistoryEntry
from functions.shared.clock import to_iso
from functions.shared.models import Actor
from tests.support.payloads import admin_case

T0 = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


def store_case(number: int, *, status: Status, contact: str = "c-alice", account: str = "acme", minutes: int = 0) -> str:
    """Puts a case in a given status straight through the repository (the lifecycle API comes later).
    Numbers start at 9000 so they never meet the ones the API hands out."""
    stamp = to_iso(T0 + timedelta(minutes=minutes))
    case = Case(
        case_number=f"{number + 9000:010d}", case_type=CaseType.ADMIN, account_id=account, contact_id=contact, opened_by="seed",
        channel=Channel.WEB, status=status, sub_status="Resolved" if status is Status.CLOSED else "Investigation",
        priority=Priority.LOW, subject=f"case {number}", description="seeded", created_at=stamp, modified_at=stamp, version=1,
    )  # fmt: skip
    opened = HistoryEntry(entry_id="1", action="opened", actor=Actor(user_id="seed", role="engineers"), at=stamp, changes=[])
    dependencies().store.create_case(case, opened, [], idempotency=None, rate_limited=None, now=T0)
    return case.case_number


@pytest.fixture
def seeded(local_aws):
    """Alice and Carol (same account) and Gina (other account) with cases in every status."""
    layout = [
        (1, Status.OPEN, "c-alice", 1), (2, Status.AWAITING_INFO, "c-alice", 2), (3, Status.SOLUTION_PROPOSED, "c-alice", 3),
        (4, Status.CLOSED, "c-alice", 4), (5, Status.OPEN, "c-carol", 5), (6, Status.CLOSED, "c-carol", 6),
        (7, Status.OPEN, "c-alice", 7),
    ]  # fmt: skip
    for number, status, contact, minutes in layout:
        store_case(number, status=status, contact=contact, minutes=minutes)
    store_case(8, status=Status.OPEN, contact="c-gina", account="globex", minutes=8)
    return local_aws


def numbers(result) -> list[int]:
    assert result.status == 200, result
    return [int(case["caseNumber"]) - 9000 for case in result.body["items"]]


@pytest.mark.parametrize(
    "view, expected",
    [
        ("my-non-closed", [7, 3, 2, 1]),
        ("my-open", [7, 1]),
        ("my-awaiting-info", [2]),
        ("my-solution-proposed", [3]),
        ("my-closed", [4]),
        ("all-non-closed", [7, 5, 3, 2, 1]),
        ("all-open", [7, 5, 1]),
        ("all-awaiting-info", [2]),
        ("all-solution-proposed", [3]),
        ("all-closed", [6, 4]),
    ],
)
def test_each_view_lists_its_cases_newest_modification_first(seeded, view, expected):
    assert numbers(seeded.call("GET", "/cases", query={"view": view})) == expected


def test_default_view_is_my_non_closed(seeded):
    assert numbers(seeded.call("GET", "/cases")) == [7, 3, 2, 1]


def test_the_other_account_sees_only_its_own(seeded):
    assert numbers(seeded.call("GET", "/cases", user="other_customer", query={"view": "all-non-closed"})) == [8]


def test_pages_walk_the_whole_view_and_the_last_has_no_token(seeded):
    seen, token, pages = [], None, 0
    while True:
        query = {"view": "all-non-closed", "limit": "2", **({"nextToken": token} if token else {})}
        result = seeded.call("GET", "/cases", query=query)
        seen += numbers(result)
        pages += 1
        token = result.body.get("nextToken")
        if not token:
            break
    assert seen == [7, 5, 3, 2, 1]
    assert pages == 3


def test_an_exact_fit_last_page_announces_no_next_page(seeded):
    result = seeded.call("GET", "/cases", query={"view": "my-open", "limit": "2"})
    assert numbers(result) == [7, 1]
    assert result.body["nextToken"] is None


def test_a_page_token_only_works_for_its_caller_and_view(seeded):
    token = seeded.call("GET", "/cases", query={"view": "all-non-closed", "limit": "1"}).body["nextToken"]

    colleague = seeded.call("GET", "/cases", user="colleague", query={"view": "all-non-closed", "nextToken": token})
    other_view = seeded.call("GET", "/cases", query={"view": "all-open", "nextToken": token})
    tampered = seeded.call("GET", "/cases", query={"view": "all-non-closed", "nextToken": token[:-3] + "AAA"})
    garbage = seeded.call("GET", "/cases", query={"view": "all-non-closed", "nextToken": "not-a-token"})

    for refused in (colleague, other_view, tampered, garbage):
        assert refused.status == 400
        assert (refused.body["error"], refused.body["field"]) == ("invalid_next_token", "nextToken")


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
def test_limit_outside_1_to_100_is_refused_naming_the_field(seeded, limit):
    result = seeded.call("GET", "/cases", query={"limit": limit})
    assert result.status == 422
    assert result.body["field"] == "limit"


def test_unknown_view_is_refused(seeded):
    result = seeded.call("GET", "/cases", query={"view": "everything"})
    assert (result.status, result.body["field"]) == (422, "view")


def test_staff_list_an_account_by_choosing_it(seeded):
    assert numbers(seeded.call("GET", "/cases", user="engineer", query={"view": "all-open", "accountId": "globex"})) == [8]
    assert numbers(seeded.call("GET", "/cases", user="manager", query={"view": "all-closed", "accountId": "acme"})) == [6, 4]


def test_staff_must_choose_an_account_and_an_all_view(seeded):
    no_account = seeded.call("GET", "/cases", user="engineer", query={"view": "all-open"})
    my_view = seeded.call("GET", "/cases", user="engineer", query={"view": "my-open", "accountId": "acme"})
    assert (no_account.status, no_account.body["field"]) == (400, "accountId")
    assert (my_view.status, my_view.body["field"]) == (400, "view")


def test_a_customer_naming_their_own_account_is_fine(seeded):
    assert numbers(seeded.call("GET", "/cases", query={"view": "all-open", "accountId": "acme"})) == [7, 5, 1]


def test_new_cases_appear_first_in_my_open(seeded):
    created = seeded.call("POST", "/cases", body=admin_case()).body["caseNumber"]
    assert seeded.call("GET", "/cases", query={"view": "my-open"}).body["items"][0]["caseNumber"] == created


def test_a_stored_case_that_breaks_its_model_is_a_server_error_not_the_callers(local_aws):
    from functions.cases.dal.tables import CaseItem

    number = store_case(1, status=Status.OPEN)
    item = CaseItem.get(f"CASE#{number}", "CASE")
    item.update(actions=[CaseItem.priority.set("5-Whenever")])

    result = local_aws.call("GET", f"/cases/{number}")

    assert result.status == 500
    assert result.body["error"] == "internal_error"
