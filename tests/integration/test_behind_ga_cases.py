"""The weekly behind-GA check's proactive cases through the bus's rule and the real cases consumer: one case per account
however often the check's event arrives while it is open, and a new one once it is closed."""

from __future__ import annotations

from datetime import UTC, datetime

from functions.shared.contracts import GatewayBehind, GatewaysBehindGa
from tests.integration.test_monitoring_cases import drain, put_on_bus, run_cases_consumer

NOW = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)


def found(week: str, account: str = "acme") -> GatewaysBehindGa:
    return GatewaysBehindGa(
        event_key=f"behind-ga#{account}#{week}",
        occurred_at=NOW,
        actor={"userId": "automation", "role": "automation"},
        account_id=account,
        gateways=[
            GatewayBehind(
                gateway_id="gw-2", gateway_type="interaction-gateway", installed_update="SU1", current_ga="SU4", updates_behind=3
            ),
            GatewayBehind(gateway_id="gw-7", gateway_type="audiocodes", installed_update=None, current_ga="7.40A", updates_behind=5),
        ],
    )


def cases_of(local_aws) -> list[dict]:
    listed = local_aws.call("GET", "/cases", user="customer", query={"view": "all-non-closed"}).body["items"]
    return [case for case in listed if case["caseType"] == "Proactive"]


def check(local_aws, event: GatewaysBehindGa, times: int = 1) -> None:
    put_on_bus(local_aws, event, times=times)
    assert run_cases_consumer(local_aws, drain(local_aws.resources.cases_queue_url)) == {"batchItemFailures": []}


def test_one_proactive_case_per_account_while_it_is_open(local_aws):
    check(local_aws, found("2026-W50"), times=2)
    (opened,) = cases_of(local_aws)
    case = local_aws.call("GET", f"/cases/{opened['caseNumber']}", user="customer").body
    assert (case["priority"], case["channel"], case["openedBy"]) == ("4-Low", "monitoring", "automation")
    assert case["subject"] == "Gateway updates available: gw-7 is 5 updates behind GA and 1 more"
    assert "- gw-2 (interaction-gateway): SU1, 3 behind SU4" in case["description"]
    assert "- gw-7 (audiocodes): no update recorded, 5 behind 7.40A" in case["description"]

    check(local_aws, found("2026-W51"))  # next week, still open: nothing more
    assert [each["caseNumber"] for each in cases_of(local_aws)] == [opened["caseNumber"]]

    close = {"subStatus": "Resolved", "comment": "Gateways updated.", "reason": "customer-asked"}
    assert local_aws.call("POST", f"/cases/{opened['caseNumber']}/close", user="engineer", body=close).status == 200
    check(local_aws, found("2026-W50"))  # a redelivery of the event that opened it: nothing, though it is closed
    assert cases_of(local_aws) == []
    check(local_aws, found("2026-W52"))
    (again,) = cases_of(local_aws)
    assert again["caseNumber"] != opened["caseNumber"]
