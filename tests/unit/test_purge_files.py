"""The purge run on its own (functions/purge/logic/purge_files.py), with in-memory index, bucket and outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from functions.purge.logic.purge_files import files_purged, is_stale, purge_files
from functions.purge.models.purge import DueCase, StorageUnavailable, Upload, case_files_prefix

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def due_case(index: int) -> DueCase:
    return DueCase(f"{index:010d}", "acme", datetime(2026, 10, 1 + index % 20, 10, 0, tzinfo=UTC))


class FakeIndex:
    def __init__(self, pages: list[list[DueCase]]):
        self.pages, self.pages_read = pages, 0

    def due_pages(self, now):
        for page in self.pages:
            self.pages_read += 1
            yield page


class FakeFiles:
    def __init__(self, objects: dict[str, int] | None = None, uploads: list[Upload] = (), broken: set[str] = frozenset()):
        self.objects, self.uploads_held, self.broken, self.aborted = dict(objects or {}), list(uploads), broken, []

    def delete_case_files(self, case_number):
        if case_number in self.broken:
            raise StorageUnavailable("AccessDenied")
        return self.objects.pop(case_number, 0)

    def uploads(self):
        yield from self.uploads_held

    def abort_upload(self, upload):
        if upload.upload_id == "gone":
            return False
        self.aborted.append(upload.upload_id)
        return True


class FakeBus:
    """The outbox: each call's events, as (detail type, detail)."""

    def __init__(self):
        self.calls: list[list[tuple[str, dict]]] = []

    def record(self, events, now):
        assert events, "an empty write"
        self.calls.append([(event.detail_type, event.detail) for event in events])


def always():
    return True


def test_the_event_names_the_closure_and_is_the_same_for_every_run():
    case = DueCase("0000000042", "acme", datetime(2026, 10, 20, 9, 30, tzinfo=UTC))
    first, again = files_purged(case, 3, NOW).detail, files_purged(case, 0, NOW + timedelta(days=1)).detail
    assert first == {
        "caseNumber": "0000000042",
        "accountId": "acme",
        "closedAt": "2026-10-20T09:30:00.000Z",
        "purgedAt": "2026-11-26T03:00:00.000Z",
        "objectsDeleted": 3,
        "eventKey": "0000000042#2026-10-20T09:30:00.000Z#CaseFilesPurged",
    }
    assert again["eventKey"] == first["eventKey"]


def test_a_case_prefix_ends_with_a_slash():
    assert case_files_prefix("0000000042") == "cases/0000000042/"


def test_an_upload_is_stale_after_seven_days():
    def started(age: timedelta) -> Upload:
        return Upload("cases/0000000042/u/f", "id", NOW - age)

    assert not is_stale(started(timedelta(days=7)), NOW)
    assert is_stale(started(timedelta(days=7, milliseconds=1)), NOW)


def test_every_due_case_is_purged_and_announced_twenty_five_per_write():
    pages = [[due_case(index) for index in range(start, min(start + 10, 30))] for start in range(0, 30, 10)]
    files, bus = FakeFiles({due_case(0).case_number: 4, due_case(24).case_number: 1}), FakeBus()

    summary = purge_files(index=FakeIndex(pages), files=files, events=bus, now=NOW, has_time=always)

    assert (summary.cases_purged, summary.objects_deleted, summary.finished) == (30, 5, True)
    assert [len(call) for call in bus.calls] == [25, 5]
    announced = [detail["caseNumber"] for call in bus.calls for _, detail in call]
    assert announced == [due_case(index).case_number for index in range(30)]
    assert {detail_type for call in bus.calls for detail_type, _ in call} == {"CaseFilesPurged"}


def test_a_case_whose_files_cannot_be_deleted_is_not_announced_and_does_not_stop_the_others():
    cases = [due_case(index) for index in range(3)]
    files, bus = FakeFiles(broken={cases[1].case_number}), FakeBus()

    summary = purge_files(index=FakeIndex([cases]), files=files, events=bus, now=NOW, has_time=always)

    assert (summary.cases_purged, summary.cases_failed) == (2, [cases[1].case_number])
    assert [detail["caseNumber"] for _, detail in bus.calls[0]] == [cases[0].case_number, cases[2].case_number]


def test_out_of_time_the_run_announces_what_it_did_and_leaves_the_rest():
    index, files, bus = FakeIndex([[due_case(0), due_case(1)], [due_case(2)], [due_case(3)]]), FakeFiles(), FakeBus()
    stale = Upload("cases/0000000001/u/f", "stale", NOW - timedelta(days=9))
    files.uploads_held.append(stale)
    budget = iter([True, True, True, False])

    summary = purge_files(index=index, files=files, events=bus, now=NOW, has_time=lambda: next(budget))

    assert (summary.cases_purged, summary.finished, summary.uploads_aborted) == (3, False, 0)
    assert [detail["caseNumber"] for _, detail in bus.calls[0]] == [due_case(n).case_number for n in range(3)]
    assert index.pages_read == 3 and files.aborted == []  # the fourth case and the uploads wait for the next run


def test_pages_are_read_only_as_the_run_gets_to_them():
    index = FakeIndex([[due_case(0)], [due_case(1)], [due_case(2)]])
    budget = iter([True, False])
    purge_files(index=index, files=FakeFiles(), events=FakeBus(), now=NOW, has_time=lambda: next(budget))
    assert index.pages_read == 2  # the third page was never asked for


def test_nothing_due_publishes_nothing():
    bus = FakeBus()
    summary = purge_files(index=FakeIndex([[]]), files=FakeFiles(), events=bus, now=NOW, has_time=always)
    assert (summary.cases_purged, bus.calls) == (0, [])


def test_stale_uploads_are_aborted_fresh_and_vanished_ones_are_not_counted():
    uploads = [
        Upload("cases/0000000001/a/f", "stale", NOW - timedelta(days=8)),
        Upload("cases/0000000001/b/f", "fresh", NOW - timedelta(hours=2)),
        Upload("cases/0000000002/c/f", "gone", NOW - timedelta(days=30)),  # completed or aborted meanwhile
    ]
    files = FakeFiles(uploads=uploads)

    summary = purge_files(index=FakeIndex([]), files=files, events=FakeBus(), now=NOW, has_time=always)

    assert (summary.uploads_aborted, files.aborted, summary.finished) == (1, ["stale"], True)
