"""The updates domain's two crons (functions/updates/handlers/handle_update_schedule.py): the stack's EventBridge
Scheduler schedules (infra/components/updates.py) and the local stack's (local/run.py, local/event_sources.py) are
both built from these. Plain Python, no CDK: the local stack imports it."""

from __future__ import annotations

from dataclasses import dataclass, field

SCHEDULE_TIME_ZONE = "America/New_York"  # the guide's times are US Eastern wall-clock times
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


@dataclass(frozen=True)
class WeeklyCron:
    """A cron at `hour`:`minute` Eastern on `weekday`, every week or only its `nth` of the month; `job_input` is the
    schedule's target input (what the job reads)."""

    name: str
    weekday: str
    hour: int
    job_input: dict[str, str] = field(default_factory=dict)
    minute: int = 0
    nth: int | None = None

    @property
    def week_day_field(self) -> str:
        """The cron expression's day-of-week field (`TUE#2`, `MON`)."""
        return f"{self.weekday}#{self.nth}" if self.nth else self.weekday

    @property
    def expression(self) -> str:
        return f"cron({self.minute} {self.hour} ? * {self.week_day_field} *)"


# Patch Tuesday (the second Tuesday of the month) at 15:00: the reminder to the Testing Department.
PATCH_TUESDAY = WeeklyCron("patch-tuesday", "TUE", 15, {"job": "patch-tuesday"}, nth=2)
# Every Monday at 08:00: the accounts' gateways 3 or more updates behind GA.
BEHIND_GA_CHECK = WeeklyCron("behind-ga-check", "MON", 8, {"job": "behind-ga-check"})
UPDATE_CRONS = (PATCH_TUESDAY, BEHIND_GA_CHECK)
