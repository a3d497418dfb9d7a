"""The CDK table against the pynamodb models: drift in either fails here."""

from __future__ import annotations

import pytest
from pynamodb.attributes import TTLAttribute

from functions.cases.dal.tables import ALL_ITEM_MODELS, SUMMARY_ATTRIBUTES, CaseItem
from functions.files.dal.tables import FILES_MODELS
from functions.shared.dal.case_view import (
    CLOSED_INDEX_NAME,
    OPENED_INDEX_NAME,
    PURGE_PROJECTED_ATTRIBUTES,
    REPORT_ACCOUNT_ATTRIBUTE,
    REPORT_CLOSED_AT_ATTRIBUTE,
)

pytestmark = pytest.mark.slow

REPORT_INDEXES = (OPENED_INDEX_NAME, CLOSED_INDEX_NAME)


def _table(synth) -> dict:
    return synth.only("AWS::DynamoDB::Table")[1]["Properties"]


def _key_schema(entries: list[dict]) -> list[tuple[str, str]]:
    return sorted((entry["AttributeName"], entry["KeyType"]) for entry in entries)


def test_table_is_on_demand_with_pitr_kms_and_ttl(dev):
    table = _table(dev)
    key_id, key = dev.one("AWS::KMS::Key", "Data")
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]}}
    assert key["Properties"]["EnableKeyRotation"] is True
    ttl_attributes = {
        attribute.attr_name
        for model in (*ALL_ITEM_MODELS, *FILES_MODELS)  # the table's one TTL attribute, whichever domain writes it
        for attribute in model.get_attributes().values()
        if isinstance(attribute, TTLAttribute)
    }
    assert ttl_attributes == {"expires_at"}
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_keys_and_indexes_match_the_pynamodb_model(dev):
    table, schema = _table(dev), CaseItem._get_schema()
    assert _key_schema(table["KeySchema"]) == _key_schema(schema["key_schema"]) == [("pk", "HASH"), ("sk", "RANGE")]
    definitions = {(entry["AttributeName"], entry["AttributeType"]) for entry in table["AttributeDefinitions"]}
    assert definitions == {(entry["AttributeName"], entry["AttributeType"]) for entry in schema["attribute_definitions"]}

    declared = {index["IndexName"]: index for index in table["GlobalSecondaryIndexes"]}
    modelled = {index["index_name"]: index for index in schema["global_secondary_indexes"]}
    assert sorted(declared) == sorted(modelled) == [
        "account-closed", "account-opened", "account-phase", "account-status", "contact-phase", "contact-status", "owner-queue",
        "purge-due", "region-queue", "response-queue", "waiting-queue",
    ]  # fmt: skip
    projected = {
        "purge-due": PURGE_PROJECTED_ATTRIBUTES,
        **dict.fromkeys(REPORT_INDEXES, [*SUMMARY_ATTRIBUTES, REPORT_CLOSED_AT_ATTRIBUTE]),  # a report's rows and closures
    }
    for name, model_index in modelled.items():
        index = declared[name]
        assert _key_schema(index["KeySchema"]) == _key_schema(model_index["key_schema"]), name
        assert index["Projection"]["ProjectionType"] == model_index["projection"]["ProjectionType"] == "INCLUDE"
        assert index["Projection"]["NonKeyAttributes"] == model_index["projection"]["NonKeyAttributes"], name
        assert index["Projection"]["NonKeyAttributes"] == projected.get(name, SUMMARY_ATTRIBUTES), name
    # The purge index: one queue partition sorted by due time, so a run reads only what is due.
    assert _key_schema(declared["purge-due"]["KeySchema"]) == [("purge_due_at", "RANGE"), ("purge_queue", "HASH")]
    # The report indexes: an account's cases by opening, its closed cases by closure (functions/reports/dal/case_sections.py).
    assert _key_schema(declared[OPENED_INDEX_NAME]["KeySchema"]) == [("created_at", "RANGE"), (REPORT_ACCOUNT_ATTRIBUTE, "HASH")]
    assert _key_schema(declared[CLOSED_INDEX_NAME]["KeySchema"]) == [
        (REPORT_ACCOUNT_ATTRIBUTE, "HASH"),
        (REPORT_CLOSED_AT_ATTRIBUTE, "RANGE"),
    ]
    assert not schema["local_secondary_indexes"] and "LocalSecondaryIndexes" not in table


def test_dev_data_is_disposable_and_prod_data_is_kept(dev, prod):
    for synth, policy, protected in ((dev, "Delete", False), (prod, "Retain", True)):
        (_, table), (_, key) = synth.only("AWS::DynamoDB::Table"), synth.one("AWS::KMS::Key", "Data")
        assert table["DeletionPolicy"] == key["DeletionPolicy"] == policy
        assert table["Properties"]["DeletionProtectionEnabled"] is protected
        assert synth.stack.termination_protection is protected


def test_event_bus_is_named_per_stage_and_archived(dev):
    bus_id, bus = dev.one("AWS::Events::EventBus", "Events")
    assert bus["Properties"]["Name"] == "dss-dev-support"
    archive = dev.only("AWS::Events::Archive")[1]["Properties"]
    assert archive["SourceArn"] == {"Fn::GetAtt": [bus_id, "Arn"]}
    assert archive["RetentionDays"] == 30


def test_the_stream_carries_new_images_for_the_outbox_publisher(dev):
    # NEW_IMAGE: the publisher reads the event from the new outbox item; the old image is never needed.
    assert _table(dev)["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}


def test_an_upgrade_can_defer_an_index_to_the_next_deploy(tmp_path):
    """CloudFormation creates one GSI per table update: a stage gaining the two report indexes deploys with
    `-c deferIndexes=account-closed`, then without it. A name the table does not have is refused at synth."""
    from aws_cdk import App
    from aws_cdk.assertions import Template

    from infra.app import build_app
    from infra.config import stage_config, with_deferred_indexes

    from .synth import build_layer, cdk_context

    build_layer()
    _, stack = build_app(App(context={**cdk_context("dev"), "deferIndexes": "account-closed"}, outdir=str(tmp_path / "deferred")))
    (table,) = Template.from_stack(stack).find_resources("AWS::DynamoDB::Table").values()
    names = {index["IndexName"] for index in table["Properties"]["GlobalSecondaryIndexes"]}
    assert "account-opened" in names and "account-closed" not in names and len(names) == 10
    with pytest.raises(ValueError, match="deferIndexes"):
        with_deferred_indexes(stage_config("dev"), "no-such-index", ("account-opened", "account-closed"))
