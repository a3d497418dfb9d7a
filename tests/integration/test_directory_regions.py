"""Support regions through the real directory API handler under moto: staff set a region's managers and
addresses, the other domains read them (the notifications' directory view), the change is audited and
announced; customers neither read nor set them."""

from __future__ import annotations

from functions.notifications.dal.directory import TableDirectory

SETTINGS = {"managerUserIds": ["u-mike"], "queueEmail": "apac-queue@support.example", "afterHoursEmail": "apac-oncall@support.example"}


def directory(local_aws, method, path, *, user="engineer", body=None):
    return local_aws.call(method, path, user=user, body=body, api="directory")


def test_a_region_set_by_staff_is_listed_and_read_by_the_notifications(local_aws):
    answer = directory(local_aws, "PUT", "/regions/apac", body=SETTINGS)

    assert answer.status == 200 and answer.body["version"] == 1, answer
    listed = directory(local_aws, "GET", "/regions").body["items"]
    assert [(region["region"], region["queueEmail"]) for region in listed] == [("apac", "apac-queue@support.example")]
    view = TableDirectory(local_aws.resources.table_name)
    assert view.region_queue("apac").email == "apac-queue@support.example"
    assert [manager.user_id for manager in view.region_managers("apac")] == ["u-mike"]


def test_the_same_put_again_changes_nothing_and_a_change_is_announced_once(local_aws):
    directory(local_aws, "PUT", "/regions/apac", body=SETTINGS)
    again = directory(local_aws, "PUT", "/regions/apac", body=SETTINGS)
    cleared = directory(local_aws, "PUT", "/regions/apac", body={"managerUserIds": ["u-mike"]})

    assert again.body["version"] == 1 and cleared.body["version"] == 2 and cleared.body["queueEmail"] is None
    events = [event["detail"] for event in local_aws.published_events() if event["detail-type"] == "RegionChanged"]
    assert [(event["version"], event["changedFields"]) for event in events] == [
        (1, ["managerUserIds", "queueEmail", "afterHoursEmail"]),
        (2, ["queueEmail", "afterHoursEmail"]),
    ]


def test_customers_neither_read_nor_set_regions(local_aws):
    assert directory(local_aws, "GET", "/regions", user="customer").status == 403
    assert directory(local_aws, "PUT", "/regions/apac", user="customer", body=SETTINGS).status == 403


def test_a_malformed_address_is_refused_naming_the_field(local_aws):
    refused = directory(local_aws, "PUT", "/regions/apac", body={**SETTINGS, "queueEmail": "not an address"})

    assert refused.status == 422 and refused.body["field"] == "queueEmail"
    assert directory(local_aws, "GET", "/regions").body["items"] == []
