"""Brings a stage deployed before the case reports up to them, once, after the deploy that adds the reports (and its
second deploy, when an index was deferred: docs/operations.md, Upgrades). It gives every case written before the
reports its report index keys (`report_account`; `report_closed_at` while closed), conditional on the case's version
(a case changed meanwhile was rewritten with them), and sets each account's tallies (cases opened and closed per week,
month and quarter) from its cases, so the charts and the previous periods cover the history. It scans the table: an
operator's tool, never a request path.

    python -m infra.backfill_reports --stack dss-prod [--dry-run]
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import boto3
from botocore.client import BaseClient

from functions.reports.dal.tables import TALLY_PREFIX, account_partition
from functions.reports.logic.build_report import tally_buckets
from functions.shared.clock import from_iso
from functions.shared.dal.case_view import CASE_PREFIX, CASE_SORT_KEY
from infra.add_staff import stack_output

CLOSED = "Closed"


@dataclass
class Backfill:
    cases: int = 0
    keyed: int = 0
    changed_meanwhile: int = 0
    tallies: dict[str, Counter[tuple[str, str]]] = field(default_factory=lambda: defaultdict(Counter))


def backfill(table_name: str, *, dry_run: bool = False) -> Backfill:
    dynamodb, done = boto3.client("dynamodb"), Backfill()
    pages = dynamodb.get_paginator("scan").paginate(
        TableName=table_name,
        FilterExpression="sk = :case AND begins_with(pk, :prefix)",
        ProjectionExpression="pk, account_id, #status, created_at, form.closed_at, version, report_account, report_closed_at",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":case": {"S": CASE_SORT_KEY}, ":prefix": {"S": CASE_PREFIX}},
    )
    for item in (item for page in pages for item in page["Items"]):
        done.cases += 1
        account, created = item["account_id"]["S"], item["created_at"]["S"]
        closed = item.get("form", {}).get("M", {}).get("closed_at", {}).get("S") if item["status"]["S"] == CLOSED else None
        for bucket in tally_buckets(from_iso(created)):
            done.tallies[account][(bucket, "opened")] += 1
        for bucket in tally_buckets(from_iso(closed)) if closed else ():
            done.tallies[account][(bucket, "closed")] += 1
        if item.get("report_account") and item.get("report_closed_at", {}).get("S") == closed:
            continue
        done.keyed += 1
        if not dry_run:
            done.changed_meanwhile += not _key(dynamodb, table_name, item, account, closed)
    if not dry_run:
        _write_tallies(dynamodb, table_name, done.tallies)
    return done


def _key(dynamodb: BaseClient, table_name: str, item: dict, account: str, closed: str | None) -> bool:
    """The case's report keys, if its version is still the one read; False if it changed meanwhile."""
    values = {":account": {"S": account}, ":version": item["version"]}
    update = "SET report_account = :account"
    if closed:
        update, values[":closed"] = f"{update}, report_closed_at = :closed", {"S": closed}
    else:
        update = f"{update} REMOVE report_closed_at"
    try:
        dynamodb.update_item(
            TableName=table_name,
            Key={"pk": item["pk"], "sk": {"S": CASE_SORT_KEY}},
            UpdateExpression=update,
            ConditionExpression="version = :version",
            ExpressionAttributeValues=values,
        )
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return False
    return True


def _write_tallies(dynamodb: BaseClient, table_name: str, tallies: dict[str, Counter[tuple[str, str]]]) -> None:
    """Each account's buckets, set to the counts of its cases (an absolute value: run it once, when quiet)."""
    for account, counts in tallies.items():
        for bucket in {bucket for bucket, _ in counts}:
            dynamodb.put_item(
                TableName=table_name,
                Item={
                    "pk": {"S": account_partition(account)},
                    "sk": {"S": f"{TALLY_PREFIX}{bucket}"},
                    "opened": {"N": str(counts[(bucket, "opened")])},
                    "closed": {"N": str(counts[(bucket, "closed")])},
                },
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", required=True, help="the stack, e.g. dss-prod")
    parser.add_argument("--dry-run", action="store_true", help="count what it would change, change nothing")
    args = parser.parse_args()
    done = backfill(stack_output(args.stack, "TableName"), dry_run=args.dry_run)
    verb = "would key" if args.dry_run else "keyed"
    print(f"{done.cases} cases: {verb} {done.keyed} ({done.changed_meanwhile} changed meanwhile, keyed by the cases domain); "
          f"tallies of {len(done.tallies)} accounts {'computed' if args.dry_run else 'set'}")  # fmt: skip


if __name__ == "__main__":
    main()
