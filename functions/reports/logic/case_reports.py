"""The on-demand report (GET /reports/cases): staff for any account, a customer for their own (another's is 404).
A cadence's period (the one holding `periodStart`, else the last complete one) or a range of dates (`from`, `to`,
both included, at most 366 days)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from functions.reports.logic.build_report import SectionReader, TallyReader, build_report
from functions.reports.logic.periods import Cadence, Period, last_complete, local_midnight, period_containing
from functions.reports.logic.subscriptions import SubscriptionStore, readable
from functions.reports.models.records import ReadCount
from functions.reports.models.report import CaseReport
from functions.shared.auth import Caller
from functions.shared.business_time import BusinessCalendar
from functions.shared.errors import BadRequest, NotFound

MAX_RANGE_DAYS = 366


def requested_period(cadence: Cadence | None, period_start: date | None, first: date | None, last: date | None, now: datetime) -> Period:
    if cadence is not None:
        if first or last:
            raise BadRequest("Ask for a period or for a range of dates (from, to), not both.", field="from")
        if period_start is None:
            return last_complete(cadence, now)
        # A bi-weekly period starts on the Monday of the week asked for (its parity is the caller's).
        anchor = period_start - timedelta(days=period_start.weekday()) if cadence is Cadence.BIWEEKLY else None
        return period_containing(cadence, local_midnight(period_start), anchor)
    if period_start is not None:
        raise BadRequest("periodStart goes with period (weekly, biweekly, monthly or quarterly).", field="periodStart")
    if first is None or last is None:
        raise BadRequest("Ask for a period (period=weekly…) or a range of dates (from and to, YYYY-MM-DD).", field="period")
    if last < first:
        raise BadRequest("to is before from; the range's last day comes after its first.", field="to")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise BadRequest(f"A range covers at most {MAX_RANGE_DAYS} days; ask for a shorter one.", field="to")
    return Period(None, first, last + timedelta(days=1))


def case_report(
    account_id: str | None,
    period: Period,
    caller: Caller,
    *,
    store: SubscriptionStore,
    sections: SectionReader,
    tallies: TallyReader,
    calendar: BusinessCalendar,
    now: datetime,
    reads: ReadCount | None = None,
) -> CaseReport:
    account_id = account_id or caller.account_id
    if account_id is None:
        raise BadRequest("Name the account (accountId).", field="accountId")
    readable(caller, account_id)
    account = store.account(account_id)
    if account is None:
        raise NotFound(f"Account {account_id} does not exist; check the account id.", field="accountId")
    return build_report(
        account.account_id, account.name, period, sections=sections, tallies=tallies, calendar=calendar, now=now, reads=reads
    )
