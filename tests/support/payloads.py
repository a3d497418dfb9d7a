"""Request bodies as the portal's web form would send them."""


def support_case(**overrides) -> dict:
    body = {
        "caseType": "Support",
        "caseSubType": "Problem",
        "environmentType": "Production",
        "productGroup": "PureConnect",
        "product": "CIC Server",
        "majorVersion": "2020 R1",
        "patchRelease": "Patch 12",
        "problemCategory": "Telephony",
        "subject": "Agents cannot log in",
        "description": "Since this morning's Windows update the agents get 'station unavailable'.",
        "businessImpact": "40 agents, all inbound calls",
        "os": "Windows Server 2019",
        "database": "SQL Server 2019",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def admin_case(**overrides) -> dict:
    body = {"caseType": "Admin", "subject": "Password reset for portal user", "description": "Locked out after 5 attempts."}
    body.update(overrides)
    return body


def service_request(mac_type: str, fields: dict, **overrides) -> dict:
    body = {"caseType": "Service Request", "macType": mac_type, "fields": fields}
    body.update(subject=f"MAC: {mac_type}", description="See the form.")
    body.update(overrides)
    return body
