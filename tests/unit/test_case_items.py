"""A case is stored as one item (functions/cases/dal/case_items.py): every field of the model comes back
as it was saved, so a field added to Case cannot be silently dropped by the table mapping."""

from functions.cases.dal.case_items import queue_keys, to_case, to_item
from functions.cases.models.case import Case, Status

EVERY_FIELD_SET = {
    "caseNumber": "0002068177",
    "caseType": "Support",
    "accountId": "acme",
    "contactId": "c-alice",
    "openedBy": "u-alice",
    "channel": "web",
    "status": "Closed",
    "subStatus": "Resolved",
    "priority": "3-Medium",
    "subject": "Calls drop",
    "description": "Since the upgrade.",
    "caseSubType": "Problem",
    "environmentType": "Production",
    "securityThreat": True,
    "businessImpact": "All agents",
    "endUserAccount": "EU-1",
    "soldToAccount": "ST-1",
    "productGroup": "PureConnect",
    "product": "IC Server",
    "majorVersion": "2025",
    "patchRelease": "R1 P3",
    "problemCategory": "Telephony",
    "os": "Windows Server 2022",
    "database": "SQL Server 2022",
    "macType": "user-add",
    "macFields": {"userName": "Bob"},
    "timeAndMaterial": True,
    "detectedAt": "2026-11-30T12:58:00.000Z",
    "monitoringGroupId": "0123456789abcdef0123456789abcdef",
    "alertReferences": ["disk-db01", "cpu-db01"],
    "maintenanceWindow": {
        "startsAt": "2026-11-28T13:00:00.000Z",
        "endsAt": "2026-11-28T17:00:00.000Z",
        "devices": ["ic-01", "ic-02"],
        "status": "ended",
        "suppressedCount": 37,
        "stillFiringCount": 1,
    },
    "installation": {
        "kind": "release",
        "reason": "known-scr",
        "target": "Release 2026 R4",
        "scrs": ["SCR-1234"],
        "feature": "Callback",
        "resolvesCases": ["0000000002"],
        "quota": "Release upgrade, Q4 2026",
        "quotaKey": "RELEASE#2026-10-01#1",
    },
    "resolvedByCase": "0000000009",
    "ownerId": "u-erin",
    "region": "americas",
    "closedAt": "2026-12-01T15:00:00.000Z",
    "filesPurgedAt": "2026-12-31T15:00:00.000Z",
    "responseDueAt": "2026-11-30T17:00:00.000Z",
    "responseRule": "3-Medium: first response within 4 hours",
    "firstResponseAt": "2026-11-30T16:00:00.000Z",
    "createdAt": "2026-11-30T13:00:00.000Z",
    "modifiedAt": "2026-12-31T15:00:00.000Z",
    "version": 7,
    "timers": [
        {
            "kind": "follow-up",
            "token": "0123456789abcdef0123456789abcdef",
            "startedAt": "2026-12-01T15:00:00.000Z",
            "steps": [{"step": "reminder1", "rule": "2 business days", "dueAt": "2026-12-03T15:00:00.000Z", "doneAt": None}],
        }
    ],
}


def test_every_field_of_a_case_survives_the_table():
    case = Case.model_validate(EVERY_FIELD_SET)
    unset = [name for name in Case.model_fields if name not in case.model_fields_set]
    assert not unset, f"give these fields a value above: {unset}"

    stored = to_case(to_item(case))

    assert stored.model_dump() == case.model_dump()
    assert stored.timers == case.timers  # excluded from dumps (tokens never leave the service), kept in the table


def test_an_item_saved_before_a_field_had_its_own_attribute_still_reads():
    case = Case.model_validate(EVERY_FIELD_SET)
    item = to_item(case)
    item.form = {**item.form.as_dict(), "owner_id": "u-erin", "response_due_at": "2026-11-30T17:00:00.000Z"}
    item.owner_id = item.response_due_at = None

    assert to_case(item).owner_id == "u-erin"
    assert to_case(item).response_due_at == case.response_due_at


def test_a_case_is_in_the_queues_its_state_says():
    waiting_unanswered = Case.model_validate(
        {**EVERY_FIELD_SET, "status": "Awaiting Info", "ownerId": None, "firstResponseAt": None, "closedAt": None}
    )
    assert queue_keys(waiting_unanswered) == {
        "owner_queue": "UNASSIGNED",
        "waiting_queue": "WAITING",
        "region_queue": "REGION#americas",
        "response_queue": "PENDING",
        "response_due_key": "2026-11-30T17:00:00.000Z#0002068177",
    }
    answered_at = Case.model_validate(EVERY_FIELD_SET).first_response_at
    owned_answered = waiting_unanswered.model_copy(update={"status": Status.OPEN, "owner_id": "u-erin", "first_response_at": answered_at})
    assert queue_keys(owned_answered) == {"owner_queue": "OWNER#u-erin", "region_queue": "REGION#americas"}
    assert queue_keys(Case.model_validate(EVERY_FIELD_SET)) == {}  # closed: in no queue
