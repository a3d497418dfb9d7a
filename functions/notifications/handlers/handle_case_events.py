"""The notifications Lambda: an SQS event source delivers batches of the events its rule takes off the bus
(each message body is one whole EventBridge event): the cases domain's case events, the directory's
contact events, the alerts domain's held incidents and maintenance windows' starts and ends, and the
updates domain's Windows-update reminders to the Testing Department (models/delivery.py). Each is routed
by its source to the logic that handles it, on its own, and only the ones that failed are reported back,
so the queue retries just those (then dead-letters them)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.notifications.logic.dependencies import NotificationsDependencies, dependencies
from functions.notifications.logic.notify_case_event import notify_case_event
from functions.notifications.logic.notify_contact_event import notify_contact_event
from functions.notifications.logic.notify_maintenance_event import notify_maintenance_event
from functions.notifications.logic.notify_monitoring_event import notify_monitoring_event
from functions.notifications.logic.notify_updates_event import notify_updates_event
from functions.notifications.logic.sending import Outcome
from functions.shared.bus_event import BusEvent
from functions.shared.contracts import EventSource, MaintenanceWindowEnded, MaintenanceWindowStarted
from functions.shared.observability import logger, metrics

processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def _case_event(event: BusEvent, deps: NotificationsDependencies, now: datetime, claim_until: datetime) -> Outcome:
    return notify_case_event(
        event,
        directory=deps.directory,
        updates=deps.case_updates,
        ledger=deps.ledger,
        mailer=deps.mailer,
        references=deps.references,
        portal_url=deps.portal_url,
        management_email_interval=deps.management_email_interval,
        now=now,
        claim_until=claim_until,
    )


def _contact_event(event: BusEvent, deps: NotificationsDependencies, now: datetime, claim_until: datetime) -> Outcome:
    return notify_contact_event(
        event,
        directory=deps.directory,
        ledger=deps.ledger,
        mailer=deps.mailer,
        portal_url=deps.portal_url,
        now=now,
        claim_until=claim_until,
    )


def _monitoring_event(event: BusEvent, deps: NotificationsDependencies, now: datetime, claim_until: datetime) -> Outcome:
    if event.detail_type in MAINTENANCE_EMAILS:  # a maintenance window's start or end: its case's contact
        return notify_maintenance_event(
            MAINTENANCE_EMAILS[event.detail_type].model_validate(event.detail),
            cases=deps.cases,
            directory=deps.directory,
            ledger=deps.ledger,
            mailer=deps.mailer,
            references=deps.references,
            portal_url=deps.portal_url,
            now=now,
            claim_until=claim_until,
        )
    return notify_monitoring_event(
        event,
        directory=deps.directory,
        ledger=deps.ledger,
        mailer=deps.mailer,
        portal_url=deps.portal_url,
        now=now,
        claim_until=claim_until,
    )


def _updates_event(event: BusEvent, deps: NotificationsDependencies, now: datetime, claim_until: datetime) -> Outcome:
    return notify_updates_event(
        event,
        testing_department_email=deps.testing_department_email,
        ledger=deps.ledger,
        mailer=deps.mailer,
        portal_url=deps.portal_url,
        now=now,
        claim_until=claim_until,
    )


MAINTENANCE_EMAILS: dict[str, type[MaintenanceWindowStarted | MaintenanceWindowEnded]] = {
    model.detail_type: model for model in (MaintenanceWindowStarted, MaintenanceWindowEnded)
}
# By source; each checks the detail types it handles (models/events.py read_event).
ROUTES: dict[str, Callable[[BusEvent, NotificationsDependencies, datetime, datetime], Outcome]] = {
    EventSource.CASES: _case_event,
    EventSource.DIRECTORY: _contact_event,
    EventSource.ALERTS: _monitoring_event,
    EventSource.UPDATES: _updates_event,
}


def handle_record(record: SQSRecord, lambda_context: LambdaContext) -> None:
    deps = dependencies()
    try:
        event = BusEvent.model_validate_json(record.body)
        route = ROUTES.get(event.source)
        if route is None:
            logger.info("event ignored: no source this domain handles", extra={"source": event.source, "detail_type": event.detail_type})
            return
        now = deps.clock.now()
        # A claim on a recipient lasts as long as this invocation can (see dal/ledger.py).
        outcome = route(event, deps, now, now + timedelta(milliseconds=lambda_context.get_remaining_time_in_millis()))
    except Exception:
        logger.exception("event not handled; the queue will deliver it again", extra={"message_id": record.message_id})
        raise
    if outcome.sent:
        metrics.add_metric(name="NotificationEmailsSent", unit=MetricUnit.Count, value=outcome.sent)
    if outcome.duplicates:
        metrics.add_metric(name="NotificationDuplicatesSkipped", unit=MetricUnit.Count, value=outcome.duplicates)
    if outcome.withheld:
        metrics.add_metric(name="ManagementEscalationEmailsWithheld", unit=MetricUnit.Count, value=outcome.withheld)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=handle_record, processor=processor, context=context)
