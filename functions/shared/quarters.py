"""Contract quarters (the guide: one Release upgrade per quarter): a calendar quarter in US Eastern days by default, or
the quarter of a contract's fiscal year when it starts in another month. Pure date arithmetic (no library has fiscal
quarters with a chosen start month; the months are counted from it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from functions.shared.business_time import SUPPORT_TIMEZONE

EASTERN = ZoneInfo(SUPPORT_TIMEZONE)


@dataclass(frozen=True)
class Quarter:
    """`[first_day, next_first_day)` in US Eastern days; `number` 1-4 within the fiscal year starting in `start_month`."""

    first_day: date
    next_first_day: date
    number: int
    fiscal_year: int  # the calendar year the fiscal year ends in (FY2027 starts in 2026 when it starts after January)
    start_month: int

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.fiscal_year}" if self.start_month == 1 else f"FY{self.fiscal_year} Q{self.number}"

    def holds(self, day: date) -> bool:
        return self.first_day <= day < self.next_first_day


def quarter_of(day: date, start_month: int = 1) -> Quarter:
    """The contract quarter holding `day`; `start_month` (1-12) is the month the contract's fiscal year starts."""
    if not 1 <= start_month <= 12:
        raise ValueError(f"a fiscal year starts in a month from 1 to 12, not {start_month}")
    months_in = (day.month - start_month) % 12  # months since the fiscal year started
    number = months_in // 3 + 1
    first_month_index = day.year * 12 + (day.month - 1) - months_in % 3  # months since year 0, the quarter's first
    first = date(first_month_index // 12, first_month_index % 12 + 1, 1)
    following = first_month_index + 3
    year_start_index = day.year * 12 + (day.month - 1) - months_in
    fiscal_year = year_start_index // 12 + (1 if start_month != 1 else 0)
    return Quarter(first, date(following // 12, following % 12 + 1, 1), number, fiscal_year, start_month)


def eastern_day(instant: datetime) -> date:
    return instant.astimezone(EASTERN).date()


@dataclass(frozen=True)
class ContractYear:
    """`[first_day, next_first_day)`: the contract year (the fiscal year starting in `start_month`) holding a day."""

    first_day: date
    next_first_day: date
    fiscal_year: int
    start_month: int

    @property
    def label(self) -> str:
        return str(self.fiscal_year) if self.start_month == 1 else f"FY{self.fiscal_year}"


def contract_year_of(day: date, start_month: int = 1) -> ContractYear:
    """The contract year holding `day` (the guide: one gateway update a contract year by default)."""
    quarter = quarter_of(day, start_month)  # checks the month
    start_index = day.year * 12 + (day.month - 1) - (day.month - start_month) % 12  # months since year 0, the year's first
    first = date(start_index // 12, start_index % 12 + 1, 1)
    return ContractYear(first, date(first.year + 1, first.month, 1), quarter.fiscal_year, start_month)
