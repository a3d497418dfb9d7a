"""Proactive cases through the real cases API: support staff open one for a contact (4-Low or 3-Medium, with the
alerts it is about) and the contact is emailed as for any case support opens for them; a customer, a higher
priority or too many references are refused with JSON saying what to do."""

from __future__ import annotations

import json

PROACTIVE = {"caseType": "Proactive", "subject": "db01's disk fills up nightly", "description": "9 of the last 10 nights."}
FOR_ALICE = {"onBehalfOf": {"accountId": "acme", "contactId": "c-alice"}}


def test_an_engineer_opens_one_and_the_contact_sees_it_and_is_emailed(local_aws):
    body = {**PROACTIVE, **FOR_ALICE, "priority": "3-Medium", "alertReferences": ["disk-db01", "cpu-db01"]}
    created = local_aws.call("POST", "/cases", user="engineer", body=body)

    assert created.status == 201, created
    number = created.body["caseNumber"]
    case = local_aws.call("GET", f"/cases/{number}", user="customer").body
    assert (case["caseType"], case["priority"], case["channel"], case["contactId"]) == ("Proactive", "3-Medium", "monitoring", "c-alice")
    assert (case["alertReferences"], case["openedBy"], case["nextAutomatedAction"]) == (["disk-db01", "cpu-db01"], "u-erin", None)
    events = local_aws.published_events()
    assert local_aws.deliver([json.dumps(event) for event in events]) == {"batchItemFailures": []}
    (mail,) = local_aws.sent_mail()
    assert mail["to"] == ["alice@acme.example"] and "opened for you" in mail["subject"]


def test_a_customer_is_told_proactive_cases_are_supports(local_aws):
    refused = local_aws.call("POST", "/cases", user="customer", body=PROACTIVE)
    assert refused.status == 403, refused
    assert refused.body["error"] == "proactive_staff_only" and refused.body["field"] == "caseType"
    assert "open a Support case" in refused.body["message"]


def test_a_higher_priority_or_too_many_references_are_refused(local_aws):
    high = local_aws.call("POST", "/cases", user="engineer", body={**PROACTIVE, **FOR_ALICE, "priority": "2-High"})
    assert (high.status, high.body["error"], high.body["field"]) == (422, "validation_error", "priority")
    assert "4-Low or 3-Medium" in high.body["message"]
    many = local_aws.call(
        "POST", "/cases", user="engineer", body={**PROACTIVE, **FOR_ALICE, "alertReferences": [f"k{n}" for n in range(21)]}
    )
    assert many.status in (400, 422) and set(many.body) >= {"error", "message"}, many
    assert local_aws.published_events() == []  # nothing opened
