"""The guide's 20 Move, Add and Change (MAC) types and the form fields each needs, as plain data
(docs/architecture.md, Domain rules). `functions/cases/models/service_requests.py` validates it into the
catalog's models at import, so a malformed entry fails the first test run, and builds each type's form
model from it. Data apart from the code, so the catalog may grow past the 400-line rule for code."""

from __future__ import annotations

from typing import Any

# Fields several types share. Dicts are copied into models, so sharing them is safe.
_EFFECTIVE_DATE = {"name": "effectiveDate", "label": "Effective date", "type": "date", "help": "When the change should take effect."}
_LOGIN_ID = {"name": "loginId", "label": "User id (login)", "type": "string", "required": True, "max_length": 64,
             "help": "The PureConnect user id, e.g. jsmith."}  # fmt: skip
_WORKGROUP = {"name": "workgroupName", "label": "Workgroup name", "type": "string", "required": True, "max_length": 64}
_CHANGES = {"name": "changes", "label": "Changes wanted", "type": "text", "required": True,
            "help": "Each change on its own line, with the current and the wanted value."}  # fmt: skip
_TSRA_USER_ID = {"name": "tsraUserId", "label": "TSRA user id", "type": "string", "required": True, "max_length": 64,
                 "help": "The user id of the TSRA account."}  # fmt: skip
_TOLL_FREE_NUMBER = {"name": "tollFreeNumber", "label": "Toll-free number", "type": "phone-number", "required": True,
                     "help": "e.g. 1-800-555-0199."}  # fmt: skip
_REQUIRED_EFFECTIVE_DATE = {**_EFFECTIVE_DATE, "required": True}
_NOTES = {"name": "notes", "label": "Notes", "type": "text", "max_length": 2000}
_REPORT_NAME = {"name": "reportName", "label": "Report name", "type": "string", "required": True, "max_length": 128,
                "help": "As it appears in the scheduled reports list."}  # fmt: skip
_FREQUENCY = {"name": "frequency", "label": "Frequency", "type": "choice",
              "choices": ["Daily", "Weekly", "Bi-weekly", "Monthly", "Quarterly"]}  # fmt: skip
_ATTENDANT_PROCESS = (
    " Attendant changes follow strict change control: the requirements are gathered by telephone with a Dedicated "
    "Support Services engineer, who documents the current and proposed call flow, a test plan and a back-out plan in the "
    "case; you approve them on the case before anything is implemented, and the Attendant configuration is backed up "
    "before and after the change."
)
_ATTENDANT_CHANGE = {"name": "changeDescription", "label": "Detailed description of the change", "type": "text", "required": True}
_ATTENDANT_DATE = {"name": "requestedCompletionDate", "label": "Requested implementation completion date", "type": "date",
                   "required": True}  # fmt: skip

CATALOG_DATA: list[dict[str, Any]] = [
    {
        "id": "add-user", "name": "Add A User",
        "description": "Create a PureConnect user with their extension, workgroups, roles and licenses.",
        "fields": [
            {"name": "fullName", "label": "User's full name", "type": "string", "required": True, "max_length": 128},
            _LOGIN_ID,
            {"name": "email", "label": "Email address", "type": "email", "required": True},
            {"name": "extension", "label": "Extension", "type": "string", "max_length": 15,
             "help": "Leave empty to get the next free extension."},
            {"name": "workgroups", "label": "Workgroups", "type": "text", "max_length": 2000, "help": "One per line."},
            {"name": "roles", "label": "Roles", "type": "text", "max_length": 1000, "help": "One per line, e.g. Agent, Supervisor."},
            {"name": "licenses", "label": "Licenses", "type": "text", "max_length": 1000,
             "help": "One per line, e.g. Client Access, ACD Access, Interaction Recorder."},
            {"name": "station", "label": "Station", "type": "string", "max_length": 64,
             "help": "The phone or station the user logs on to."},
            {"name": "copyFrom", "label": "Configure like user", "type": "string", "max_length": 64,
             "help": "An existing user id whose settings to copy."},
            _EFFECTIVE_DATE,
        ],
    },
    {
        "id": "delete-user", "name": "Delete Existing User",
        "description": "Remove a PureConnect user and free their licenses.",
        "fields": [
            _LOGIN_ID,
            {"name": "fullName", "label": "User's full name", "type": "string", "required": True, "max_length": 128},
            {"name": "forwardTo", "label": "Send their calls and voicemail to", "type": "string", "max_length": 128,
             "help": "A user id or workgroup; leave empty to let calls to the extension fail."},
            {"name": "releaseLicenses", "label": "Release the user's licenses", "type": "boolean"},
            _EFFECTIVE_DATE,
        ],
    },
    {
        "id": "modify-user", "name": "Modify Existing User",
        "description": "Change a user's name, extension, workgroups, roles, licenses or station.",
        "fields": [_LOGIN_ID, _CHANGES, _EFFECTIVE_DATE],
    },
    {
        "id": "add-workgroup", "name": "Add A New Workgroup",
        "description": "Create a workgroup, optionally an ACD queue, with its members and supervisors.",
        "fields": [
            _WORKGROUP,
            {"name": "purpose", "label": "Purpose", "type": "string", "max_length": 255},
            {"name": "extension", "label": "Extension", "type": "string", "max_length": 15},
            {"name": "acd", "label": "ACD queue", "type": "boolean", "help": "Distribute interactions to the members by ACD."},
            {"name": "wrapUpSeconds", "label": "Wrap-up time (seconds)", "type": "integer", "minimum": 0, "maximum": 3600},
            {"name": "members", "label": "Members", "type": "text", "max_length": 4000, "help": "User ids, one per line."},
            {"name": "supervisors", "label": "Supervisors", "type": "text", "max_length": 1000, "help": "User ids, one per line."},
            _EFFECTIVE_DATE,
        ],
    },
    {
        "id": "modify-workgroup", "name": "Modify Existing Workgroup",
        "description": "Change a workgroup's members, supervisors, queue settings or extension.",
        "fields": [_WORKGROUP, _CHANGES, _EFFECTIVE_DATE],
    },
    {
        "id": "add-managed-phone", "name": "Create new Managed Phone/Station",
        "description": "Provision a managed IP phone or station and its extension.",
        "fields": [
            {"name": "stationName", "label": "Station name", "type": "string", "required": True, "max_length": 64},
            {"name": "macAddress", "label": "MAC address", "type": "string", "required": True, "max_length": 17,
             "help": "From the phone's label, e.g. 00:04:F2:12:34:56."},
            {"name": "phoneModel", "label": "Phone model", "type": "string", "required": True, "max_length": 64,
             "help": "e.g. Polycom VVX 411."},
            {"name": "extension", "label": "Extension", "type": "string", "required": True, "max_length": 15},
            {"name": "location", "label": "Location", "type": "string", "max_length": 128, "help": "Site, building, desk."},
            {"name": "assignedUser", "label": "Assigned user", "type": "string", "max_length": 64, "help": "User id of whoever uses it."},
        ],
    },
    {
        "id": "did-dnis-table-modification", "name": "DID/DNIS Table Modification",
        "description": "Add, reroute or remove DID/DNIS numbers in the routing table.",
        "fields": [
            {"name": "action", "label": "Action", "type": "choice", "required": True, "choices": ["Add", "Change", "Remove"]},
            {"name": "numbers", "label": "DID/DNIS numbers", "type": "text", "required": True, "max_length": 4000,
             "help": "One per line."},
            {"name": "routeTo", "label": "Route to", "type": "string", "max_length": 255,
             "help": "The user, workgroup or Attendant profile the numbers should reach (not for Remove)."},
            _EFFECTIVE_DATE,
        ],
    },
    {
        "id": "wav-file-upload", "name": "Wav File Upload",
        "description": "Load a recorded prompt (.wav) into PureConnect. Attach the file to the case once it is open.",
        "fields": [
            {"name": "promptName", "label": "Prompt name", "type": "string", "required": True, "max_length": 128},
            {"name": "whereUsed", "label": "Where it is used", "type": "string", "required": True, "max_length": 255,
             "help": "The Attendant profile, schedule or workgroup that plays it."},
            {"name": "fileName", "label": "File name", "type": "string", "required": True, "max_length": 255,
             "help": "The .wav file you will attach to the case."},
            {"name": "replacesExisting", "label": "Replaces an existing prompt", "type": "boolean"},
            _EFFECTIVE_DATE,
        ],
    },
    {
        "id": "tsra-add-user", "name": "TSRA Add User",
        "description": "Create a TSRA user account.",
        "fields": [
            _TSRA_USER_ID,
            {"name": "fullName", "label": "User's full name", "type": "string", "required": True, "max_length": 128},
            {"name": "email", "label": "Email address", "type": "email", "required": True},
            {"name": "phoneNumber", "label": "Phone number", "type": "phone-number"},
        ],
    },
    {
        "id": "tsra-password-reset", "name": "TSRA Password Reset",
        "description": "Reset the password of a TSRA user account.",
        "fields": [
            _TSRA_USER_ID,
            {"name": "email", "label": "Send the new password to", "type": "email",
             "help": "Leave empty to use the account's own email address."},
        ],
    },
    {
        "id": "tsra-user-deletion", "name": "TSRA User Deletion",
        "description": "Delete a TSRA user account.",
        "fields": [_TSRA_USER_ID, _EFFECTIVE_DATE],
    },
    {
        "id": "attendant-modification", "name": "Attendant Modification",
        "description": "Change an existing Interaction Attendant profile or schedule." + _ATTENDANT_PROCESS,
        "fields": [
            {"name": "profile", "label": "Profile", "type": "string", "required": True, "max_length": 128},
            {"name": "schedule", "label": "Schedule", "type": "string", "max_length": 128},
            _ATTENDANT_CHANGE,
            _ATTENDANT_DATE,
        ],
    },
    {
        "id": "attendant-add-profile-schedule", "name": "Attendant Add new profile/schedule",
        "description": "Add an Interaction Attendant profile, or a schedule to a profile." + _ATTENDANT_PROCESS,
        "fields": [
            {"name": "addWhat", "label": "Add a", "type": "choice", "required": True, "choices": ["Profile", "Schedule"]},
            {"name": "name", "label": "Name of the new profile or schedule", "type": "string", "required": True, "max_length": 128},
            {"name": "profile", "label": "Profile", "type": "string", "max_length": 128,
             "help": "For a new schedule: the profile it belongs to."},
            {"name": "numbers", "label": "Numbers reaching it", "type": "text", "max_length": 2000,
             "help": "DID/DNIS or toll-free numbers, one per line."},
            _ATTENDANT_CHANGE,
            _ATTENDANT_DATE,
        ],
    },
    {
        "id": "scheduled-report-modification", "name": "Scheduled Report Modification",
        "description": "Change a scheduled report's parameters, frequency or format.",
        "fields": [_REPORT_NAME, _CHANGES, _FREQUENCY, _EFFECTIVE_DATE],
    },
    {
        "id": "scheduled-report-recipients", "name": "Scheduled Reports Add/Delete User",
        "description": "Add a recipient to a scheduled report, or remove one.",
        "fields": [
            _REPORT_NAME,
            {"name": "action", "label": "Action", "type": "choice", "required": True, "choices": ["Add", "Delete"]},
            {"name": "recipientEmail", "label": "Recipient's email address", "type": "email", "required": True},
            {"name": "recipientName", "label": "Recipient's name", "type": "string", "max_length": 128},
        ],
    },
    {
        "id": "add-scheduled-report", "name": "Add Scheduled Report",
        "description": "Schedule a PureConnect report to be emailed to a distribution list.",
        "fields": [
            {**_REPORT_NAME, "help": "The PureConnect report, e.g. Agent Performance Summary."},
            {"name": "parameters", "label": "Parameters", "type": "text", "max_length": 2000,
             "help": "Workgroups, users, date range and other filters."},
            {**_FREQUENCY, "required": True},
            {"name": "format", "label": "Format", "type": "choice", "choices": ["PDF", "Excel", "CSV"]},
            {"name": "recipients", "label": "Recipients", "type": "text", "required": True, "max_length": 4000,
             "help": "Email addresses, one per line."},
        ],
    },
    {
        "id": "toll-free-number-add", "name": "Toll Free Number Add",
        "description": "Route a new toll-free number to the system.",
        "fields": [
            _TOLL_FREE_NUMBER,
            {"name": "routeTo", "label": "Route to", "type": "string", "required": True, "max_length": 255,
             "help": "The Attendant profile, workgroup or user the number should reach."},
            _REQUIRED_EFFECTIVE_DATE,
            {"name": "carrier", "label": "Carrier", "type": "string", "max_length": 64},
            {"name": "dnis", "label": "DNIS delivered by the carrier", "type": "string", "max_length": 32},
            _NOTES,
        ],
    },
    {
        "id": "toll-free-number-remove", "name": "Toll Free Number Remove",
        "description": "Stop routing a toll-free number.",
        "fields": [_TOLL_FREE_NUMBER, _REQUIRED_EFFECTIVE_DATE, _NOTES],
    },
    {
        "id": "toll-free-number-modification", "name": "Toll Free Number Modification",
        "description": "Route a toll-free number somewhere else.",
        "fields": [
            _TOLL_FREE_NUMBER,
            {"name": "routeTo", "label": "New routing target", "type": "string", "required": True, "max_length": 255,
             "help": "The Attendant profile, workgroup or user the number should reach from now on."},
            _REQUIRED_EFFECTIVE_DATE,
            _NOTES,
        ],
    },
    {
        "id": "other", "name": "Other MAC Request", "time_and_material": True,
        "description": "Any change without its own form. Other changes are handled on a Time & Material (T&M) contract basis.",
        "fields": [
            {"name": "requestDescription", "label": "Describe the change", "type": "text", "required": True, "max_length": 8000},
            {"name": "requestedCompletionDate", "label": "Requested completion date", "type": "date"},
        ],
    },
]  # fmt: skip
