"""GET /queues/{queue}: the support staff's queues across accounts, each page one Query, only non-closed cases."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bench.aws_calls import count_aws_calls
from local.demo_directory import EXAMPLE_SUPPORT_CASE

# A Monday, 10:00 Eastern, in the past: responseBreached is judged against the real time (its model's
# computed field), so a target due at T0 + 4 business hours is breached by the time the test runs.
T0 = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def open_case(local_aws, user: str, subject: str, *, minutes: int, priority: str = "3-Medium") -> str:
    local_aws.set_api_time(T0 + timedelta(minutes=minutes))
    result = local_aws.call("POST", "/cases", user=user, body={**EXAMPLE_SUPPORT_CASE, "subject": subject, "priority": priority})
    assert result.status == 201, result
    return result.body["caseNumber"]


def act(local_aws, case: str, path: str, body: dict, *, minutes: int, method: str = "POST") -> None:
    local_aws.set_api_time(T0 + timedelta(minutes=minutes))
    result = local_aws.call(method, f"/cases/{case}{path}", user="engineer", body=body)
    assert result.status == 200, result


def subjects(local_aws, queue: str, **query) -> list[str]:
    result = local_aws.call("GET", f"/queues/{queue}", user="engineer", query=query)
    assert result.status == 200, result
    return [row["subject"] for row in result.body["items"]]


@pytest.fixture
def desk(local_aws):
    """Acme (north-america) and Globex (emea) cases in every queue's states."""
    new_acme = open_case(local_aws, "customer", "new acme", minutes=0)
    open_case(local_aws, "other_customer", "new globex", minutes=1, priority="4-Low")
    mine = open_case(local_aws, "customer", "owned by erin", minutes=2)
    act(local_aws, mine, "", {"ownerId": "u-erin"}, minutes=3, method="PATCH")
    waiting = open_case(local_aws, "colleague", "asked for logs", minutes=4)
    act(local_aws, waiting, "/request-info", {"message": "Send the IC server logs."}, minutes=5)
    closed = open_case(local_aws, "customer", "closed", minutes=6)
    local_aws.set_api_time(T0 + timedelta(minutes=7))
    assert local_aws.call("POST", f"/cases/{closed}/close", body={"subStatus": "Cancelled", "comment": "Not needed"}).status == 200
    local_aws.set_api_time(T0 + timedelta(minutes=8))
    return local_aws, new_acme


def test_each_queue_holds_the_non_closed_cases_its_name_says(desk):
    local_aws, _ = desk
    assert subjects(local_aws, "unassigned") == ["asked for logs", "new globex", "new acme"]
    assert subjects(local_aws, "mine") == ["owned by erin"]
    assert subjects(local_aws, "waiting-on-customer") == ["asked for logs"]
    assert subjects(local_aws, "region", region="north-america") == ["asked for logs", "owned by erin", "new acme"]
    assert subjects(local_aws, "region", region="emea") == ["new globex"]
    # Request information is a first response; Medium is due before Low: soonest due first.
    assert subjects(local_aws, "response-due") == ["new acme", "owned by erin", "new globex"]


def test_rows_carry_the_owner_the_response_target_and_the_next_automated_action(desk):
    local_aws, new_acme = desk
    (row,) = [r for r in local_aws.call("GET", "/queues/response-due", user="engineer").body["items"] if r["caseNumber"] == new_acme]
    assert (row["accountId"], row["region"], row["ownerId"], row["firstResponseAt"]) == ("acme", "north-america", None, None)
    assert row["responseBreached"] is True
    assert row["nextAutomatedAction"]["action"] == "escalateToOwner"
    (waiting,) = local_aws.call("GET", "/queues/waiting-on-customer", user="engineer").body["items"]
    assert waiting["nextAutomatedAction"]["action"] == "reminder1"
    assert waiting["firstResponseAt"] and waiting["responseBreached"] is False


def test_a_case_leaves_and_joins_queues_as_it_changes(desk):
    local_aws, new_acme = desk
    act(local_aws, new_acme, "", {"ownerId": "u-erin"}, minutes=9, method="PATCH")
    assert "new acme" not in subjects(local_aws, "unassigned")
    assert subjects(local_aws, "mine") == ["new acme", "owned by erin"]
    act(local_aws, new_acme, "/propose-solution", {"solution": "Restart the service."}, minutes=10)
    assert subjects(local_aws, "waiting-on-customer") == ["new acme", "asked for logs"]
    assert "new acme" not in subjects(local_aws, "response-due")


def test_every_page_is_one_query_and_pages_walk_the_whole_queue(desk):
    local_aws, _ = desk
    seen, query = [], {"limit": "1"}
    while query:
        with count_aws_calls() as calls:
            page = local_aws.call("GET", "/queues/response-due", user="engineer", query=query)
        assert page.status == 200, page
        calls.pop(("Secrets Manager", "GetSecretValue"), None)  # the page token key, once per container
        assert calls == Counter({("DynamoDB", "Query"): 1}), calls
        seen += [row["subject"] for row in page.body["items"]]
        query = {"limit": "1", "nextToken": page.body["nextToken"]} if page.body.get("nextToken") else None
    assert seen == ["new acme", "owned by erin", "new globex"]


def test_queues_are_for_staff_and_refuse_what_does_not_fit(desk):
    local_aws, _ = desk
    refused = local_aws.call("GET", "/queues/unassigned", user="customer")
    assert (refused.status, refused.body["error"]) == (403, "forbidden")
    assert "GET /cases" in refused.body["message"]
    no_region = local_aws.call("GET", "/queues/region", user="engineer")
    assert (no_region.status, no_region.body["field"]) == (400, "region")
    stray = local_aws.call("GET", "/queues/mine", user="engineer", query={"region": "emea"})
    assert (stray.status, stray.body["field"]) == (400, "region")
    assert local_aws.call("GET", "/queues/everything", user="engineer").status == 422
    token = local_aws.call("GET", "/queues/unassigned", user="engineer", query={"limit": "1"}).body["nextToken"]
    other_queue = local_aws.call("GET", "/queues/mine", user="engineer", query={"nextToken": token})
    assert (other_queue.status, other_queue.body["field"]) == (400, "nextToken")
