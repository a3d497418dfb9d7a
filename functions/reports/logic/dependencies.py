"""The reports domain's container: its collaborators, built from the environment on first use and kept for the
execution environment's life (docs/architecture.md, "How to add a domain")."""

from __future__ import annotations

from functools import cached_property

from functions.reports.dal.case_sections import CaseSections
from functions.reports.dal.delivery import ReportArchive, SesReportMailer, archive_key
from functions.reports.dal.report_store import ReportStore
from functions.reports.logic.delivery import Delivery
from functions.reports.logic.links import RecipientLinks
from functions.shared.business_time import business_calendar
from functions.shared.clock import Clock, SystemClock
from functions.shared.dal.secrets import secret_bytes
from functions.shared.environment import per_environment
from functions.shared.settings import reports_settings


class ReportsDependencies:
    def __init__(self) -> None:
        self.clock: Clock = SystemClock()

    @cached_property
    def store(self) -> ReportStore:
        return ReportStore(reports_settings().table_name)

    @cached_property
    def sections(self) -> CaseSections:
        return CaseSections(reports_settings().table_name)

    @cached_property
    def archive(self) -> ReportArchive:
        return ReportArchive(reports_settings().files_bucket)

    def links(self) -> RecipientLinks:
        """The recipients' signed links (their key is a secret read on first use, cached for the container)."""
        settings = reports_settings()
        return RecipientLinks(secret_bytes(settings.report_link_secret_arn), settings.portal_url)

    def delivery(self) -> Delivery:
        return Delivery(
            store=self.store,
            sections=self.sections,
            tallies=self.store,
            archive=self.archive,
            archive_key=archive_key,
            mailer=SesReportMailer(),
            links=self.links(),
            calendar=business_calendar(),
            sender=reports_settings().sender_email,
        )


@per_environment
def dependencies() -> ReportsDependencies:
    return ReportsDependencies()
