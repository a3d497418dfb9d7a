"""The single support table, declared from the pynamodb models in functions/cases/dal/tables.py: the case
views' indexes, which the cases API queries, the purge index, which only the purge job queries, and its
stream, which only the outbox publisher reads."""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct
from pynamodb.attributes import Attribute

from functions.cases.dal.tables import CaseItem, ClosedIndex, IdempotencyItem, OpenedIndex, PurgeDueIndex, TableItem
from infra.config import StageConfig

_ATTRIBUTE_TYPES = {"S": dynamodb.AttributeType.STRING, "N": dynamodb.AttributeType.NUMBER, "B": dynamodb.AttributeType.BINARY}
_PROJECTION_TYPES = {
    "ALL": dynamodb.ProjectionType.ALL,
    "KEYS_ONLY": dynamodb.ProjectionType.KEYS_ONLY,
    "INCLUDE": dynamodb.ProjectionType.INCLUDE,
}


def _key(attribute: Attribute[Any]) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=attribute.attr_name, type=_ATTRIBUTE_TYPES[attribute.attr_type])


class Data(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "TableKey",
            description=f"dss-{config.name}: the support table, its indexes and backups",
            enable_key_rotation=True,
            removal_policy=config.removal_policy,
        )
        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=_key(TableItem.pk),
            sort_key=_key(TableItem.sk),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            time_to_live_attribute=IdempotencyItem.expires_at.attr_name,
            # The transactional outbox: every committed write, with the new item, to the outbox publisher
            # (components/outbox.py), whose mapping lets only new EVENT# items through.
            stream=dynamodb.StreamViewType.NEW_IMAGE,
            deletion_protection=config.retain_data,
            removal_policy=config.removal_policy,
        )
        assert self.table.table_stream_arn is not None  # the table has a stream (above), so its ARN is set
        self.stream_arn: str = self.table.table_stream_arn
        # Every index of the model is declared; the roles are granted Query per index: the cases API on the
        # views' indexes (index_names), the purge job on the purge index alone (purge_index_name), the reports on
        # theirs (report_index_names).
        self.index_names: list[str] = []
        self.purge_index_name = PurgeDueIndex.Meta.index_name
        self.report_index_names = [OpenedIndex.Meta.index_name, ClosedIndex.Meta.index_name]
        for index in CaseItem._indexes.values():
            if index.Meta.index_name in config.deferred_indexes:
                continue  # added by the next deploy (infra/config.py deferred_indexes)
            keys = {
                "hash" if attribute.is_hash_key else "range": attribute
                for attribute in index.Meta.attributes.values()
                if attribute.is_hash_key or attribute.is_range_key
            }
            projection = index.Meta.projection
            self.table.add_global_secondary_index(
                index_name=index.Meta.index_name,
                partition_key=_key(keys["hash"]),
                sort_key=_key(keys["range"]) if "range" in keys else None,
                projection_type=_PROJECTION_TYPES[projection.projection_type],
                non_key_attributes=list(projection.non_key_attributes) if projection.non_key_attributes else None,
            )
            if index.Meta.index_name not in (self.purge_index_name, *self.report_index_names):
                self.index_names.append(index.Meta.index_name)
