"""Binding pynamodb models to the single support table on the container's one botocore session."""

from __future__ import annotations

from collections.abc import Sequence

import botocore.session
from pynamodb.connection import Connection
from pynamodb.models import Model

from functions.shared.dal import aws

UNBOUND_TABLE = "unbound"


class TableMeta:
    """Every model's Meta derives from this; `bind_models` sets the table name."""

    table_name = UNBOUND_TABLE
    billing_mode = "PAY_PER_REQUEST"
    # The outbox publisher reads new items from the table's stream (functions/shared/dal/outbox.py).
    stream_view_type = "NEW_IMAGE"


class SharedSessionConnection(Connection):
    """A pynamodb connection on the container's one botocore session (see functions/shared/dal/aws.py),
    so the DynamoDB client and the other clients load botocore's data once."""

    @property
    def session(self) -> botocore.session.Session:
        return aws.session()


def bind_models(table_name: str, models: Sequence[type[Model]]) -> Connection:
    """Points the models at the table and gives them one connection (pynamodb would give each model
    class its own session and client, 50-90 ms of cold start each). Every item of the table has the
    same key (pk, sk), so the first model's schema serves item reads and writes of all of them."""
    for model in models:
        model.Meta.table_name = table_name
    shared = SharedSessionConnection()
    shared.add_meta_table(models[0]._get_connection().get_meta_table())
    for model in models:
        model._get_connection().connection = shared
    return shared
