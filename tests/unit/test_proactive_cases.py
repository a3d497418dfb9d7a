"""Proactive cases (functions/cases/logic/create_case.py): support staff only, on behalf of a contact, 4-Low or
3-Medium, with up to 20 alert references; on the intake rules' in-memory store."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from functions.cases.models.requests import MAX_ALERT_REFERENCES, NewCaseRequest
from functions.shared.errors import Forbidden, ValidationFailed
from tests.unit.test_create_case_rules import CUSTOMER, ENGINEER, NOW, open_case

FOR_ALICE = {"onBehalfOf": {"accountId": "acme", "contactId": "c-1"}}


def proactive(**fields):
    body = {"caseType": "Proactive", "subject": "db01's disk fills up nightly", "description": "9 of the last 10 nights", **fields}
    return TypeAdapter(NewCaseRequest).validate_python(body)


def test_an_engineer_opens_one_for_a_contact_with_its_alert_references():
    created = open_case(proactive(priority="3-Medium", alertReferences=["disk-db01", " cpu-db01 "], **FOR_ALICE), caller=ENGINEER)

    case = created.case
    assert (case.case_type.value, case.priority.value, case.channel.value) == ("Proactive", "3-Medium", "monitoring")
    assert (case.account_id, case.contact_id, case.opened_by, case.region) == ("acme", "c-1", "u-e", "north-america")
    assert case.alert_references == ["disk-db01", "cpu-db01"]
    # Support's own first word to the customer: no response target to escalate on.
    assert case.first_response_at == NOW and case.next_automated_action is None
    assert open_case(proactive(**FOR_ALICE), caller=ENGINEER).case.alert_references is None  # optional; 4-Low by default


def test_a_customer_is_refused_whatever_they_send():
    for body in (proactive(), proactive(**FOR_ALICE), proactive(priority="1-Prod Down")):
        with pytest.raises(Forbidden, match="opened by support engineers") as refused:
            open_case(body, caller=CUSTOMER)
        assert (refused.value.code, refused.value.field) == ("proactive_staff_only", "caseType")


@pytest.mark.parametrize("priority", ["2-High", "1-Prod Down"])
def test_only_low_or_medium(priority):
    with pytest.raises(ValidationFailed, match="4-Low or 3-Medium") as refused:
        open_case(proactive(priority=priority, **FOR_ALICE), caller=ENGINEER)
    assert refused.value.field == "priority"


def test_staff_must_say_for_whom():
    with pytest.raises(ValidationFailed, match="onBehalfOf"):
        open_case(proactive(), caller=ENGINEER)
    with pytest.raises(ValidationFailed, match="not a contact of account acme"):
        open_case(proactive(onBehalfOf={"accountId": "acme", "contactId": "c-9"}), caller=ENGINEER)


@pytest.mark.parametrize(
    "references",
    [
        [f"key-{index}" for index in range(MAX_ALERT_REFERENCES + 1)],
        [""],
        ["k" * 256],
        "disk-db01",
    ],
    ids=["21 references", "empty", "longer than a dedup key", "not a list"],
)
def test_alert_references_are_up_to_20_dedup_keys(references):
    with pytest.raises(ValidationError):
        proactive(alertReferences=references, **FOR_ALICE)
    assert len(proactive(alertReferences=[f"key-{index}" for index in range(MAX_ALERT_REFERENCES)]).alert_references) == 20
