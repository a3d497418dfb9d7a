"""Accounts through the real directory API handler under moto: staff create, read, change and list them;
customers read only their own; every change is idempotent and audited."""

from __future__ import annotations

NEW = {"accountId": "initech", "name": "Initech", "region": "americas"}


def directory(local_aws, method, path, *, user="engineer", body=None, headers=None, query=None):
    return local_aws.call(method, path, user=user, body=body, headers=headers, query=query, api="directory")


def test_an_engineer_creates_an_account_with_the_guides_defaults(local_aws):
    created = directory(local_aws, "POST", "/accounts", body=NEW)

    assert created.status == 201, created
    assert created.headers["location"] == "/accounts/initech" and created.headers["etag"] == '"1"'
    assert created.body["recommendedMaxContacts"] == 5 and created.body["hardMaxContacts"] is None
    assert created.body["entitlements"] == {"monitoringAroundTheClock": False, "releaseUpgradesPerQuarter": 1, "gatewayUpdatesPerYear": 1}
    assert directory(local_aws, "GET", "/accounts/initech").body == created.body


def test_a_second_account_with_the_same_id_is_a_conflict_and_changes_nothing(local_aws):
    directory(local_aws, "POST", "/accounts", body=NEW)
    again = directory(local_aws, "POST", "/accounts", body={**NEW, "name": "Initrode"})

    assert again.status == 409 and again.body["field"] == "accountId"
    assert directory(local_aws, "GET", "/accounts/initech").body["name"] == "Initech"


def test_a_replayed_idempotency_key_answers_the_same_and_writes_nothing(local_aws):
    key = {"Idempotency-Key": "create-initech"}
    first = directory(local_aws, "POST", "/accounts", body=NEW, headers=key)
    items = local_aws.item_count()
    replay = directory(local_aws, "POST", "/accounts", body=NEW, headers=key)

    assert replay.status == 201 and replay.body == first.body and replay.headers["idempotent-replayed"] == "true"
    assert local_aws.item_count() == items


def test_each_change_is_announced_on_the_bus_with_the_fields_it_changed(local_aws):
    directory(local_aws, "POST", "/accounts", body=NEW)
    directory(local_aws, "PATCH", "/accounts/initech", body={"region": "emea"})

    events = [event for event in local_aws.published_events() if event["source"] == "dss.directory"]

    assert [(event["detail-type"], event["detail"]["version"]) for event in events] == [("AccountCreated", 1), ("AccountChanged", 2)]
    assert events[1]["detail"]["changedFields"] == ["region"] and events[1]["detail"]["region"] == "emea"
    assert events[1]["detail"]["actor"] == {"userId": "u-erin", "role": "engineers", "contactId": None}


def test_customers_cannot_create_or_change_accounts(local_aws):
    assert directory(local_aws, "POST", "/accounts", user="customer", body=NEW).status == 403
    assert directory(local_aws, "PATCH", "/accounts/acme", user="customer", body={"name": "Acme Corp"}).status == 403


def test_a_customer_reads_their_own_account_and_another_is_404(local_aws):
    directory(local_aws, "POST", "/accounts", body=NEW)

    assert directory(local_aws, "GET", "/accounts/acme", user="customer").status == 200
    assert directory(local_aws, "GET", "/accounts/initech", user="customer").status == 404
    assert directory(local_aws, "GET", "/accounts/globex", user="customer").status == 404
    listed = directory(local_aws, "GET", "/accounts", user="customer").body["items"]
    assert [account["accountId"] for account in listed] == ["acme"]


def test_a_change_is_audited_from_and_to_and_a_repeat_changes_nothing(local_aws):
    directory(local_aws, "POST", "/accounts", body=NEW)
    changed = directory(
        local_aws, "PATCH", "/accounts/initech", body={"hardMaxContacts": 8, "entitlements": {"monitoringAroundTheClock": True}}
    )
    same = directory(local_aws, "PATCH", "/accounts/initech", body={"hardMaxContacts": 8})

    assert changed.status == 200 and changed.body["version"] == 2 and changed.body["hardMaxContacts"] == 8
    assert same.body["version"] == 2
    history = directory(local_aws, "GET", "/accounts/initech/history").body["items"]
    assert [entry["action"] for entry in history] == ["created", "changed"]
    assert {change["field"]: (change["from"], change["to"]) for change in history[1]["changes"]} == {
        "entitlements": (
            {"monitoringAroundTheClock": False, "releaseUpgradesPerQuarter": 1, "gatewayUpdatesPerYear": 1},
            {"monitoringAroundTheClock": True, "releaseUpgradesPerQuarter": 1, "gatewayUpdatesPerYear": 1},
        ),
        "hardMaxContacts": (None, 8),
    }
    assert history[1]["actor"]["userId"] == "u-erin"


def test_caps_and_emergency_contacts_are_checked_against_the_account(local_aws):
    directory(local_aws, "POST", "/accounts", body=NEW)

    below = directory(local_aws, "PATCH", "/accounts/initech", body={"hardMaxContacts": 3})
    stranger = directory(local_aws, "PATCH", "/accounts/acme", body={"emergencyContactIds": ["c-nobody"]})
    ordered = directory(local_aws, "PATCH", "/accounts/acme", body={"emergencyContactIds": ["c-bob", "c-alice"]})
    null_name = directory(local_aws, "PATCH", "/accounts/initech", body={"name": None})

    assert below.status == 400 and below.body["field"] == "hardMaxContacts"
    assert stranger.status == 400 and stranger.body["field"] == "emergencyContactIds"
    assert ordered.status == 200 and ordered.body["emergencyContactIds"] == ["c-bob", "c-alice"]
    assert null_name.status == 400 and null_name.body["field"] == "name"


def test_staff_page_through_accounts_one_query_a_page(local_aws):
    for number in range(3):
        directory(local_aws, "POST", "/accounts", body={**NEW, "accountId": f"initech-{number}"})

    first = directory(local_aws, "GET", "/accounts", query={"limit": "2"}).body
    second = directory(local_aws, "GET", "/accounts", query={"limit": "2", "nextToken": first["nextToken"]}).body

    assert [account["accountId"] for account in first["items"] + second["items"]] == ["initech-0", "initech-1", "initech-2"]
    assert second.get("nextToken") is None
