"""A case's life through the real handler under moto: updates, support actions, answers, close, reopen,
escalation, history, and optimistic concurrency."""

from datetime import UTC, datetime, timedelta

import pytest

from functions.cases.dal.tables import CaseItem
from functions.shared.clock import to_iso
from tests.support.payloads import support_case


@pytest.fixture
def case(local_aws):
    """An open Support case of Alice's (acme)."""
    return local_aws.call("POST", "/cases", body=support_case()).body["caseNumber"]


def act(local_aws, case, path, body, user="customer", **kwargs):
    return local_aws.call("POST", f"/cases/{case}{path}", user=user, body=body, **kwargs)


def status_of(local_aws, case):
    body = local_aws.call("GET", f"/cases/{case}").body
    return body["status"], body["subStatus"]


def test_updates_are_plain_text_oldest_first(local_aws, case):
    first = act(local_aws, case, "/updates", {"text": "<b>not bold</b> & <script>alert(1)</script>"})
    act(local_aws, case, "/updates", {"text": "We restarted the IC server."}, user="engineer")

    assert first.status == 201
    assert first.body["text"] == "<b>not bold</b> & <script>alert(1)</script>"
    listed = local_aws.call("GET", f"/cases/{case}/updates").body["items"]
    assert [(update["author"]["role"], update["kind"]) for update in listed] == [("customer-contacts", "comment"), ("engineers", "comment")]


def test_update_text_is_capped(local_aws, case):
    result = act(local_aws, case, "/updates", {"text": "x" * 32_001})
    assert (result.status, result.body["field"]) == (422, "text")


def test_information_request_then_customer_answer_sets_it_back_to_open(local_aws, case):
    asked = act(local_aws, case, "/request-info", {"message": "Send the IC server logs."}, user="engineer")
    assert asked.status == 200 and asked.body["status"] == "Awaiting Info"

    act(local_aws, case, "/updates", {"text": "Logs attached."})

    assert status_of(local_aws, case) == ("Open", "Investigation")


def test_an_engineers_update_leaves_awaiting_info_alone(local_aws, case):
    act(local_aws, case, "/request-info", {"message": "Send logs."}, user="engineer")
    act(local_aws, case, "/updates", {"text": "Reminder: we still need the logs."}, user="engineer")
    assert status_of(local_aws, case)[0] == "Awaiting Info"


@pytest.mark.parametrize(
    "path, body",
    [
        ("/request-info", {"message": "m"}),
        ("/propose-solution", {"solution": "s"}),
    ],
)
def test_support_actions_are_for_engineers(local_aws, case, path, body):
    result = act(local_aws, case, path, body)
    assert result.status == 403
    assert "Only support engineers" in result.body["message"]


def test_customers_cannot_patch_support_fields(local_aws, case):
    result = local_aws.call("PATCH", f"/cases/{case}", body={"priority": "2-High"})
    assert result.status == 403
    assert "escalations" in result.body["message"]


def test_engineer_sets_sub_status_owner_and_any_priority(local_aws, case):
    result = local_aws.call(
        "PATCH", f"/cases/{case}", user="engineer", body={"subStatus": "Reproducing", "ownerId": "u-erin", "priority": "1-Prod Down"}
    )
    assert result.status == 200
    assert (result.body["subStatus"], result.body["ownerId"], result.body["priority"]) == ("Reproducing", "u-erin", "1-Prod Down")


def test_accepting_a_solution_closes_resolved(local_aws, case):
    act(local_aws, case, "/propose-solution", {"solution": "Apply patch 12."}, user="engineer")
    accepted = act(local_aws, case, "/solution/accept", {"comment": "Works, thanks."})
    assert (accepted.body["status"], accepted.body["subStatus"]) == ("Closed", "Resolved")
    assert accepted.body["closedAt"]


def test_rejecting_a_solution_reopens_work_with_the_reason(local_aws, case):
    act(local_aws, case, "/propose-solution", {"solution": "Reboot."}, user="engineer")
    rejected = act(local_aws, case, "/solution/reject", {"reason": "Still failing after reboot."})
    assert rejected.body["status"] == "Open"
    assert local_aws.call("GET", f"/cases/{case}/updates").body["items"][-1]["text"] == "Still failing after reboot."


def test_no_solution_no_answer(local_aws, case):
    assert act(local_aws, case, "/solution/accept", {}).status == 409


def test_customer_close_needs_sub_status_and_comment(local_aws, case):
    missing = act(local_aws, case, "/close", {"subStatus": "Resolved"})
    wrong = act(local_aws, case, "/close", {"subStatus": "Auto-closed", "comment": "x"})
    closed = act(local_aws, case, "/close", {"subStatus": "Cancelled", "comment": "Opened by mistake."})

    assert (missing.status, missing.body["field"]) == (422, "comment")
    assert (wrong.status, wrong.body["field"]) == (422, "subStatus")
    assert (closed.body["status"], closed.body["subStatus"]) == ("Closed", "Cancelled")
    assert act(local_aws, case, "/close", {"subStatus": "Resolved", "comment": "again"}).status == 409


def test_engineer_close_needs_a_reason(local_aws, case):
    without = act(local_aws, case, "/close", {"subStatus": "Resolved", "comment": "done"}, user="engineer")
    withit = act(local_aws, case, "/close", {"subStatus": "Resolved", "comment": "done", "reason": "customer-asked"}, user="engineer")
    assert (without.status, without.body["field"]) == (422, "reason")
    assert withit.body["status"] == "Closed"


def test_updates_on_a_closed_case_say_to_reopen(local_aws, case):
    act(local_aws, case, "/close", {"subStatus": "Resolved", "comment": "ok"})
    result = act(local_aws, case, "/updates", {"text": "one more thing"})
    assert result.status == 409 and "reopen" in result.body["message"]


def close_days_ago(case, days: int, sub_status: str = "Resolved"):
    item = CaseItem.get(f"CASE#{case}", "CASE")
    stamp = to_iso(datetime.now(UTC) - timedelta(days=days))
    item.update(actions=[CaseItem.form["closed_at"].set(stamp), CaseItem.sub_status.set(sub_status)])


def test_reopen_within_30_days_with_new_information(local_aws, case):
    act(local_aws, case, "/close", {"subStatus": "Resolved", "comment": "ok"})
    close_days_ago(case, 29)
    reopened = act(local_aws, case, "/reopen", {"information": "The error is back since Monday; new logs attached."})
    assert (reopened.status, reopened.body["status"], reopened.body["closedAt"]) == (200, "Open", None)


def test_reopen_needs_information(local_aws, case):
    act(local_aws, case, "/close", {"subStatus": "Resolved", "comment": "ok"})
    assert act(local_aws, case, "/reopen", {}).body["field"] == "information"


def test_reopen_after_30_days_says_to_open_a_new_case_naming_the_old_one(local_aws, case):
    act(local_aws, case, "/close", {"subStatus": "Resolved", "comment": "ok"})
    close_days_ago(case, 31)
    refused = act(local_aws, case, "/reopen", {"information": "again"})
    assert refused.status == 409 and refused.body["error"] == "reopen_window_passed"
    assert case in refused.body["message"] and "new case" in refused.body["message"]


def test_auto_closed_cases_reopen_only_by_phone(local_aws, case):
    act(local_aws, case, "/close", {"subStatus": "Resolved", "comment": "ok"})
    close_days_ago(case, 3, sub_status="Auto-closed")
    refused = act(local_aws, case, "/reopen", {"information": "we were on holiday"})
    assert refused.status == 403 and "call 1-866-794-3423" in refused.body["message"]
    assert act(local_aws, case, "/reopen", {"information": "customer called"}, user="engineer").body["status"] == "Open"


def test_reopening_a_case_never_answered_counts_the_response_target_from_the_reopening(local_aws, case):
    """Closed before support answered, its target long past: reopened, it gets a fresh target and the
    response escalation restarts on that, instead of emailing the queue and the managers at once."""
    act(local_aws, case, "/close", {"subStatus": "Resolved", "comment": "fixed itself"})
    item = CaseItem.get(f"CASE#{case}", "CASE")
    item.update(actions=[CaseItem.form["response_due_at"].set(to_iso(datetime.now(UTC) - timedelta(days=20)))])
    local_aws.published_events()

    reopened = act(local_aws, case, "/reopen", {"information": "It is back."}).body

    assert reopened["responseDueAt"] > reopened["modifiedAt"] and reopened["firstResponseAt"] is None
    assert reopened["responseRule"].startswith("4-Low: first response within 14 hours") and "reopening" in reopened["responseRule"]
    assert reopened["nextAutomatedAction"]["dueAt"] == reopened["responseDueAt"]
    (started,) = [event["detail"] for event in local_aws.published_events() if event["detail-type"] == "CaseTimerStarted"]
    assert (started["timer"], started["steps"][0]["dueAt"]) == ("response-escalation", reopened["responseDueAt"])


def test_escalating_low_gets_medium_applied(local_aws, case):
    result = act(local_aws, case, "/escalations", {"kind": "priority", "reason": "More agents affected now."})
    assert result.body["outcome"] == "applied"
    assert result.body["case"]["priority"] == "3-Medium"


@pytest.mark.parametrize("priority", ["2-High", "1-Prod Down"])
def test_escalating_to_high_is_recorded_with_the_phone_instruction(local_aws, case, priority):
    result = act(local_aws, case, "/escalations", {"kind": "priority", "requestedPriority": priority, "reason": "Outage"})
    assert result.body["outcome"] == "recorded"
    assert "1-866-794-3423" in result.body["message"]
    assert result.body["case"]["priority"] == "4-Low"
    assert local_aws.call("GET", f"/cases/{case}/updates").body["items"][-1]["kind"] == "escalation-request"


def test_management_escalation_names_the_region_on_the_bus(local_aws, case):
    local_aws.published_events()
    result = act(local_aws, case, "/escalations", {"kind": "management", "reason": "No progress in a week."})
    assert result.body["outcome"] == "recorded" and "north-america" in result.body["message"]
    escalated = [event for event in local_aws.published_events() if event["detail-type"] == "CaseEscalated"]
    assert escalated[0]["detail"]["region"] == "north-america"
    assert escalated[0]["detail"]["escalation"] == "management"


def test_history_records_every_change_with_who_when_what(local_aws, case):
    act(local_aws, case, "/request-info", {"message": "logs?"}, user="engineer")
    act(local_aws, case, "/updates", {"text": "here"})
    history = local_aws.call("GET", f"/cases/{case}/history").body["items"]

    assert [entry["action"] for entry in history] == ["opened", "information-requested", "updated"]
    asked = history[1]
    assert asked["actor"]["userId"] == "u-erin"
    assert {"field": "status", "from": "Open", "to": "Awaiting Info"} in asked["changes"]
    assert {"field": "status", "from": "Awaiting Info", "to": "Open"} in history[2]["changes"]


def test_timers_starting_and_stopping_are_not_history_changes(local_aws, case):
    """Timers announce themselves as events; the next automated action they set is not a field change."""
    local_aws.published_events()
    act(local_aws, case, "/request-info", {"message": "logs?"}, user="engineer")  # escalation stops, ladder starts
    act(local_aws, case, "/updates", {"text": "here"})  # the ladder stops
    act(local_aws, case, "/close", {"subStatus": "Resolved", "comment": "ok"})
    act(local_aws, case, "/reopen", {"information": "back"})

    history = local_aws.call("GET", f"/cases/{case}/history").body["items"]
    assert len(history) == 5
    assert not [change for entry in history for change in entry["changes"] if change["field"] == "nextAutomatedAction"]
    changed = [event["detail"].get("changedFields", []) for event in local_aws.published_events()]
    assert changed and not [fields for fields in changed if "nextAutomatedAction" in fields]


def test_every_change_is_an_event(local_aws, case):
    local_aws.published_events()
    act(local_aws, case, "/request-info", {"message": "logs?"}, user="engineer")
    act(local_aws, case, "/updates", {"text": "here"})
    act(local_aws, case, "/close", {"subStatus": "Resolved", "comment": "ok"})
    act(local_aws, case, "/reopen", {"information": "back"})
    kinds = [event["detail-type"] for event in local_aws.published_events()]
    assert kinds == [
        # Asking the customer starts the follow-ups; support's answer stops the response escalation.
        "CaseStatusChanged", "CaseUpdated", "CaseTimerStarted", "CaseTimerStopped",
        "CaseUpdated", "CaseStatusChanged", "CaseTimerStopped",
        "CaseStatusChanged", "CaseClosed",
        "CaseStatusChanged", "CaseReopened",
    ]  # fmt: skip


def test_etag_and_if_match(local_aws, case):
    read = local_aws.call("GET", f"/cases/{case}")
    etag = read.headers["etag"]
    first = act(local_aws, case, "/updates", {"text": "one"}, headers={"If-Match": etag})
    stale = act(local_aws, case, "/updates", {"text": "two"}, headers={"If-Match": etag})
    garbage = act(local_aws, case, "/updates", {"text": "three"}, headers={"If-Match": "banana"})

    assert first.status == 201 and first.headers["etag"] == '"2"'
    assert stale.status == 412 and stale.body["error"] == "precondition_failed"
    assert garbage.status == 400
    assert [update["text"] for update in local_aws.call("GET", f"/cases/{case}/updates").body["items"]] == ["one"]


NEW_ROUTES = [
    ("POST", "/updates", {"text": "t"}),
    ("GET", "/updates", None),
    ("GET", "/history", None),
    ("POST", "/request-info", {"message": "m"}),
    ("POST", "/propose-solution", {"solution": "s"}),
    ("PATCH", "", {"priority": "3-Medium"}),
    ("POST", "/solution/accept", {}),
    ("POST", "/solution/reject", {"reason": "r"}),
    ("POST", "/close", {"subStatus": "Resolved", "comment": "c"}),
    ("POST", "/reopen", {"information": "i"}),
    ("POST", "/escalations", {"kind": "management", "reason": "r"}),
]


@pytest.mark.parametrize("method, suffix, body", NEW_ROUTES)
def test_another_accounts_case_answers_404_on_every_route(local_aws, method, suffix, body):
    foreign = local_aws.call("POST", "/cases", user="other_customer", body=support_case()).body["caseNumber"]
    version = local_aws.call("GET", f"/cases/{foreign}", user="other_customer").body["version"]

    result = local_aws.call(method, f"/cases/{foreign}{suffix}", user="customer", body=body)

    assert result.status == 404 and result.body["error"] == "not_found"
    assert local_aws.call("GET", f"/cases/{foreign}", user="other_customer").body["version"] == version


def test_the_first_response_target_is_shown_with_its_rule_and_met_by_supports_first_answer(local_aws, case):
    opened = local_aws.call("GET", f"/cases/{case}").body
    assert opened["responseDueAt"] > opened["createdAt"]
    assert opened["responseRule"].startswith("4-Low: first response within 14 hours of business time")
    assert (opened["firstResponseAt"], opened["responseBreached"]) == (None, False)

    asked = act(local_aws, case, "/request-info", {"message": "Logs?"}, user="engineer").body

    assert asked["firstResponseAt"] == asked["modifiedAt"]
    assert asked["responseBreached"] is False


def test_a_raise_before_the_first_response_brings_the_target_forward(local_aws, case):
    before = local_aws.call("GET", f"/cases/{case}").body
    raised = act(local_aws, case, "/escalations", {"kind": "priority", "reason": "Worse."}).body["case"]
    assert raised["responseRule"].startswith("3-Medium")
    assert raised["responseDueAt"] <= before["responseDueAt"]


def test_a_phone_case_is_answered_on_the_call(local_aws):
    body = support_case(priority="1-Prod Down", onBehalfOf={"accountId": "acme", "contactId": "c-alice"})
    created = local_aws.call("POST", "/cases", user="engineer", body=body).body
    assert created["firstResponseAt"] == created["createdAt"]
    assert created["responseRule"] == "1-Prod Down: first response within 30 minutes, around the clock"
