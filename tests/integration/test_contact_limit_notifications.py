"""The region's support managers told when an account goes over its recommended number of active contacts,
end to end under moto: the directory's ContactAdded and ContactChanged events, built from their contract
models as the directory publishes them, reach the real notifications handler as SQS batches (or through
the bus, its rule and the queue), which reads the account, the region's managers and the names from the
shared directory items, and the emails land in moto's SES."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime

import boto3
import pytest

from functions.notifications.dal.tables import NotifiedItem, bind_notification_tables
from functions.notifications.handlers.handle_case_events import lambda_handler
from functions.notifications.logic.contact_limit_email import GUIDE_REASON
from functions.notifications.models.delivery import BATCH_SIZE, FUNCTION_TIMEOUT_SECONDS
from functions.shared.auth import Group
from functions.shared.contracts import Actor, ContactAdded, ContactChanged, ContactEvent
from functions.shared.dal.directory import AccountItem, ContactEntry, ContactStatus, RegionItem, StaffItem, account_key, region_key
from local.event_sources import SqsEventSource

MIKE, NORA, ERIN = "mike@support.example", "nora@support.example", "erin@support.example"
ACME = "acme"  # Acme Contact Centers, region north-america (local/demo_directory.py), managed by Mike
OCCURRED = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)  # Tuesday 10:30 US Eastern
ALICE_ADMIN = Actor(user_id="u-alice", role=Group.CUSTOMER.value, contact_id="c-alice")
ERIN_ENGINEER = Actor(user_id="u-erin", role=Group.ENGINEER.value)


@pytest.fixture
def directory(local_aws):
    """Acme with a fourth contact, Dana (the one the events add or enable), and a second manager for its
    region, Nora: the directory items as the directory domain writes them."""
    bind_notification_tables(local_aws.resources.table_name)
    account = AccountItem.get(*account_key(ACME))
    dana = ContactEntry(name="Dana Dev", email="dana@acme.example", status=ContactStatus.INVITED)
    account.contacts = {**account.contacts.as_dict(), "c-dana": dana.to_map()}
    account.save()
    StaffItem(
        "STAFF#u-nora", "STAFF", user_id="u-nora", name="Nora Manager", email=NORA, role=Group.MANAGER.value, region="north-america"
    ).save()
    RegionItem.get(*region_key("north-america")).update(actions=[RegionItem.manager_user_ids.set(["u-mike", "u-nora"])])
    return local_aws


def contact_event(model: type[ContactEvent], *, active: int, most: int = 3, version: int = 7, **fields) -> str:
    """A directory contact event as the bus delivers it (the message body), its detail from the contract model."""
    values = {
        "event_key": f"{ACME}#{version}#{model.detail_type.value}",
        "account_id": ACME,
        "contact_id": "c-dana",
        "status": "invited",
        "version": version,
        "changed_fields": ["contacts"],
        "active_contacts": active,
        "recommended_max_contacts": most,
        "actor": ALICE_ADMIN,
        "occurred_at": OCCURRED,
    }
    detail = model(**(values | fields))
    announced = detail.domain_event()
    return json.dumps(
        {
            "version": "0",
            "id": str(uuid.uuid4()),  # each delivery of an event published again is a new EventBridge event
            "detail-type": announced.detail_type,
            "source": announced.source,
            "account": "123456789012",
            "time": "2026-12-01T15:30:00Z",
            "region": "us-east-1",
            "resources": [],
            "detail": announced.detail,
        }
    )


def mails(local_aws, to: str | None = None) -> list[dict]:
    """The emails sent, the plain text's lines as their reader sees them and the subject unfolded."""
    return [
        mail | {"subject": " ".join(mail["subject"].split()), "text": mail["text"].replace("\r\n", "\n")}
        for mail in local_aws.sent_mail(to)
    ]


def delivered(local_aws, *bodies: str) -> list[dict]:
    """The emails one batch of these events sent."""
    before = len(mails(local_aws))
    assert local_aws.deliver(list(bodies)) == {"batchItemFailures": []}
    return mails(local_aws)[before:]


def test_a_contact_added_over_the_recommended_maximum_emails_each_manager_of_the_region_once(directory):
    sent = delivered(directory, contact_event(ContactAdded, active=4))

    assert sorted(address for mail in sent for address in mail["to"]) == [MIKE, NORA]
    link = f"{directory.resources.portal_url}/accounts/{ACME}"
    for mail in sent:
        assert mail["subject"] == "Account Acme Contact Centers: 4 active contacts, over the recommended maximum of 3"
        text, html = mail["text"], mail["html"]
        assert (
            "Alice Admin (Acme Contact Centers) added Dana Dev to account Acme Contact Centers (acme): "
            "the account now has 4 active contacts, over the recommended maximum of 3."
        ) in text
        assert f"The guide recommends few contacts per account: {GUIDE_REASON}." in text
        assert "access is best funnelled through a few of the customer's IT staff, ideally fewer than five" in text
        for line in (
            "Account: Acme Contact Centers (acme)",
            "Region: north-america",
            "Active contacts: 4",
            "Recommended maximum: 3",
            "Contact added: Dana Dev",
            "Added by: Alice Admin (Acme Contact Centers)",
            "Added: Tuesday 1 December 2026, 10:30 US Eastern (EST)",
            f"Open the account: {link}",
        ):
            assert line in text, line
        assert "Reference ID" not in text  # a case's; this email is about no case
        assert f'<a href="{link}"' in html and '<html lang="en"' in html and "Open account Acme Contact Centers" in html
        assert "4 active contacts, over the recommended maximum of 3" in html and "Alice Admin (Acme Contact Centers)" in html
        assert "funnelled through a few of the customer&#x27;s IT staff, ideally fewer than five" in html
    assert {mail["text"].split("\n")[3] for mail in sent} == {"Hello Mike Manager,", "Hello Nora Manager,"}


def test_a_redelivered_event_sends_nothing_new(directory):
    added = contact_event(ContactAdded, active=4)
    assert len(delivered(directory, added, added)) == 2  # twice in one batch: one email per manager
    assert delivered(directory, added) == []  # and again later
    # Published again (a new EventBridge event of the same change): the same news, keyed by its eventKey.
    again = json.loads(added) | {"id": str(uuid.uuid4())}
    assert delivered(directory, json.dumps(again)) == []
    ledger = list(NotifiedItem.query(f"NOTIFIED#dss.directory#{ACME}#7#ContactAdded"))
    assert sorted(item.sk for item in ledger) == ["staff#u-mike", "staff#u-nora"]
    assert all(item.sent_at and item.claimed_until is None for item in ledger)


def test_another_contact_added_over_the_maximum_is_news_again(directory):
    assert len(delivered(directory, contact_event(ContactAdded, active=4, version=7))) == 2
    assert len(delivered(directory, contact_event(ContactAdded, active=5, version=8, contact_id="c-erik"))) == 2
    assert "Contact added: contact c-erik" in mails(directory, MIKE)[-1]["text"]  # not (yet) in the directory's account item


@pytest.mark.parametrize("active", [2, 3])
def test_at_or_under_the_recommended_maximum_nobody_is_emailed(directory, active):
    assert delivered(directory, contact_event(ContactAdded, active=active)) == []
    assert delivered(directory, contact_event(ContactChanged, active=active, changed_fields=["status"], status="active")) == []
    assert list(NotifiedItem.scan(NotifiedItem.pk.startswith("NOTIFIED#"))) == []


def test_a_contact_disabled_emails_nobody_even_over_the_maximum(directory):
    disabled = contact_event(ContactChanged, active=5, changed_fields=["status"], status="disabled")
    assert delivered(directory, disabled) == []


def test_a_contact_changed_without_its_status_emails_nobody(directory):
    renamed = contact_event(ContactChanged, active=5, changed_fields=["name", "macAuthorized"], status="active")
    assert delivered(directory, renamed) == []


def test_a_contact_enabled_again_over_the_maximum_emails_each_manager_once(directory):
    enabled = contact_event(
        ContactChanged, active=4, changed_fields=["status"], status="active", previous_status="disabled", actor=ERIN_ENGINEER
    )
    sent = delivered(directory, enabled, enabled)

    assert sorted(address for mail in sent for address in mail["to"]) == [MIKE, NORA]
    text = sent[0]["text"]
    assert (
        "Erin Engineer (Dedicated Support Services) enabled Dana Dev again on account Acme Contact Centers (acme): "
        "the account now has 4 active contacts, over the recommended maximum of 3."
    ) in text
    assert "Contact enabled: Dana Dev" in text and "Enabled by: Erin Engineer (Dedicated Support Services)" in text
    assert ERIN not in [address for mail in sent for address in mail["to"]]
    assert delivered(directory, enabled) == []


def test_the_manager_who_added_the_contact_is_not_emailed_about_it(directory):
    by_mike = Actor(user_id="u-mike", role=Group.MANAGER.value)
    (mail,) = delivered(directory, contact_event(ContactAdded, active=4, actor=by_mike))
    assert mail["to"] == [NORA]
    assert "Mike Manager (Dedicated Support Services) added Dana Dev" in mail["text"]


def test_a_region_without_managers_emails_nobody_and_says_so(directory, caplog):
    RegionItem.get(*region_key("north-america")).update(actions=[RegionItem.manager_user_ids.set([])])
    with caplog.at_level(logging.WARNING):
        assert delivered(directory, contact_event(ContactAdded, active=4)) == []
    assert "no support manager for the region" in caplog.text


def test_a_malformed_contact_event_fails_alone(directory):
    broken = json.loads(contact_event(ContactAdded, active=4, version=9))
    del broken["detail"]["activeContacts"]
    good = contact_event(ContactAdded, active=4)
    records_failed = directory.deliver([json.dumps(broken), good])["batchItemFailures"]
    assert len(records_failed) == 1
    assert len(mails(directory)) == 2  # the good one's


def test_the_bus_routes_the_contact_events_to_the_notifications_queue(directory):
    """The local stack's rule (built from models/delivery.py EVENT_PATTERN, as the stack's is) takes the
    directory's contact events, and only those of the directory's events, to the notifications queue."""
    resources = directory.resources
    events = boto3.client("events")
    for body in (
        contact_event(ContactAdded, active=4),
        contact_event(ContactChanged, active=4, version=8, changed_fields=["status"], status="active", previous_status="disabled"),
    ):
        event = json.loads(body)
        entry = {"Source": event["source"], "DetailType": event["detail-type"], "Detail": json.dumps(event["detail"])}
        assert events.put_events(Entries=[entry | {"EventBusName": resources.event_bus_name}])["FailedEntryCount"] == 0
    other = {"Source": "dss.directory", "DetailType": "AccountChanged", "Detail": json.dumps({"accountId": ACME})}
    assert events.put_events(Entries=[other | {"EventBusName": resources.event_bus_name}])["FailedEntryCount"] == 0
    source = SqsEventSource(
        resources.notifications_queue_url,
        resources.notifications_queue_arn,
        lambda_handler,
        function_name="notifications",
        batch_size=BATCH_SIZE,
        timeout_seconds=FUNCTION_TIMEOUT_SECONDS,
    )
    while source.poll_once():
        pass

    subjects = [mail["subject"] for mail in mails(directory, MIKE)]
    assert subjects == ["Account Acme Contact Centers: 4 active contacts, over the recommended maximum of 3"] * 2
    attributes = boto3.client("sqs").get_queue_attributes(QueueUrl=resources.notifications_queue_url, AttributeNames=["All"])["Attributes"]
    assert (attributes["ApproximateNumberOfMessages"], attributes["ApproximateNumberOfMessagesNotVisible"]) == ("0", "0")


# --- through the real directory API ---------------------------------------------------------------


def add_contact(local_aws, name: str) -> dict:
    body = {"contactId": f"c-{name.lower()}", "name": name, "email": f"{name.lower()}@acme.example"}
    answer = local_aws.call("POST", f"/accounts/{ACME}/contacts", user="engineer", body=body, api="directory")
    assert answer.status == 201, answer
    return answer.body


def managers_mail(local_aws) -> list[dict]:
    """The managers' emails (the directory's invitations to the contacts go through SES too)."""
    return [mail for mail in mails(local_aws) if set(mail["to"]) & {MIKE, NORA}]


def test_the_directory_apis_sixth_contact_and_its_enabling_again_tell_the_managers(directory):
    """Acme has four contacts (the demo's three and Dana) and the directory's default recommended maximum is 5:
    the sixth contact added emails each manager once; disabling it emails nobody; enabling it again emails
    them again."""
    add_contact(directory, "Erik")
    assert "The region's support managers have been told." in add_contact(directory, "Gus")["warnings"][0]
    events = directory.published_events()
    assert [event["detail"]["activeContacts"] for event in events if event["detail-type"] == "ContactAdded"] == [5, 6]
    assert directory.deliver([json.dumps(event) for event in events]) == {"batchItemFailures": []}

    sent = managers_mail(directory)
    assert sorted(address for mail in sent for address in mail["to"]) == [MIKE, NORA]
    assert "Erin Engineer (Dedicated Support Services) added Gus to account Acme Contact Centers (acme): " in sent[0]["text"]
    assert "the account now has 6 active contacts, over the recommended maximum of 5." in sent[0]["text"]
    assert directory.deliver([json.dumps(event) for event in events]) == {"batchItemFailures": []}  # redelivered
    assert len(managers_mail(directory)) == 2

    def change(action: str) -> None:
        answer = directory.call("POST", f"/accounts/{ACME}/contacts/c-gus/{action}", user="engineer", api="directory")
        assert answer.status == 200, answer
        assert directory.deliver([json.dumps(event) for event in directory.published_events()]) == {"batchItemFailures": []}

    change("disable")
    assert len(managers_mail(directory)) == 2
    change("enable")
    enabled = managers_mail(directory)[2:]
    assert sorted(address for mail in enabled for address in mail["to"]) == [MIKE, NORA]
    assert "Erin Engineer (Dedicated Support Services) enabled Gus again on account Acme Contact Centers (acme)" in enabled[0]["text"]
