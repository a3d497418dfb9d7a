"""A case is stored as one item (functions/cases/dal/case_items.py): every field of the model comes back
as it was saved, so a field added to Case cannot be silently dropped by the table mapping."""

from functions.cases.dal.case_items import DERIVED_FIELDS, to_case, to_item
from functions.cases.models.case import Case

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
    "ownerId": "u-erin",
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
    unset = [name for name in Case.model_fields if name not in DERIVED_FIELDS and name not in case.model_fields_set]
    assert not unset, f"give these fields a value above: {unset}"

    stored = to_case(to_item(case))

    assert stored.model_dump() == case.model_dump()
    assert stored.timers == case.timers  # excluded from dumps (tokens never leave the service), kept in the table
