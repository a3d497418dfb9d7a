"""Timestamps are aware datetimes in the code and ISO-8601 UTC text with `Z` and milliseconds at the edges
(docs/architecture.md, Time): the table's attributes and the keys that embed them keep the bytes they had
when the code held strings, and the API's JSON shows the same text."""

from datetime import UTC, datetime, timedelta, timezone

from functions.cases.dal.case_items import history_item, to_item, update_item
from functions.cases.logic.timers import follow_up_timer
from functions.cases.models.case import Case
from functions.cases.models.lifecycle import CaseUpdate, HistoryEntry
from functions.shared.dal.attributes import TimestampAttribute

# 10:00:00.123456 in New York (UTC-5): stored as 15:00:00.123Z.
MOMENT = datetime(2026, 12, 1, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=-5)))
STORED = "2026-12-01T15:00:00.123Z"


def a_closed_case() -> Case:
    case = Case(
        case_number="0000000042", case_type="Support", account_id="acme", contact_id="c-alice", opened_by="u-alice",
        channel="web", status="Closed", sub_status="Resolved", priority="4-Low", subject="s", description="d",
        closed_at=MOMENT, response_due_at=MOMENT, created_at=MOMENT, modified_at=MOMENT, version=3,
    )  # fmt: skip
    return case.with_timers([follow_up_timer(MOMENT, "requested information")])


def test_the_timestamp_attribute_writes_utc_with_z_and_milliseconds_and_reads_the_instant_back():
    attribute = TimestampAttribute()
    assert attribute.serialize(MOMENT) == STORED
    assert attribute.deserialize(STORED) == MOMENT.replace(microsecond=123000)
    assert attribute.deserialize(STORED).utcoffset() == timedelta(0)


def test_a_case_item_keeps_the_stored_text_of_its_timestamps_and_keys():
    item = to_item(a_closed_case()).serialize()
    form = item["form"]["M"]
    (timer,) = form["timers"]["L"]
    first_step = timer["M"]["steps"]["L"][0]["M"]

    assert (item["created_at"], item["modified_at"]) == ({"S": STORED}, {"S": STORED})
    assert item["modified_key"] == {"S": f"{STORED}#0000000042"}
    assert (item["purge_due_at"], item["purge_closed_at"]) == ({"S": "2026-12-31T15:00:00.123Z"}, {"S": STORED})
    assert (form["closed_at"], item["response_due_at"]) == ({"S": STORED}, {"S": STORED})
    assert (timer["M"]["started_at"], first_step["due_at"], first_step["done_at"]) == (
        {"S": STORED},
        {"S": "2026-12-03T15:00:00.123Z"},  # 2 business days later
        {"NULL": True},
    )


def test_updates_and_history_entries_keep_the_stored_text():
    actor = {"user_id": "u-erin", "role": "engineers"}
    update = update_item("0000000042", CaseUpdate(update_id="3", kind="comment", author=actor, text="t", created_at=MOMENT))
    entry = history_item("0000000042", HistoryEntry(entry_id="3", action="updated", actor=actor, at=MOMENT, changes=[]))
    assert (update.serialize()["created_at"], entry.serialize()["at"]) == ({"S": STORED}, {"S": STORED})


def test_the_api_shows_the_same_text():
    shown = a_closed_case().model_dump(mode="json", by_alias=True)
    assert {name: shown[name] for name in ("createdAt", "modifiedAt", "closedAt", "responseDueAt")} == dict.fromkeys(
        ("createdAt", "modifiedAt", "closedAt", "responseDueAt"), STORED
    )
    assert shown["nextAutomatedAction"]["dueAt"] == "2026-12-03T15:00:00.123Z"
    assert datetime.fromisoformat(shown["createdAt"]) == MOMENT.astimezone(UTC).replace(microsecond=123000)
