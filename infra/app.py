"""The CDK app: `cdk synth -c stage=<name>` (default dev). cdk-nag's AWS Solutions checks run on every
synth; an unacknowledged finding fails it."""

from __future__ import annotations

from aws_cdk import App, Validations
from cdk_nag import AwsSolutionsChecks

from functions.cases.dal.tables import CaseItem
from infra.config import stage_config, with_alarm_email, with_business_time, with_deferred_indexes, with_monitoring_senders
from infra.stack import SupportDeskStack


def build_app(app: App | None = None) -> tuple[App, SupportDeskStack]:
    app = app or App()
    config = with_business_time(
        stage_config(app.node.try_get_context("stage")),
        app.node.try_get_context("holidays"),
        app.node.try_get_context("responseTargets"),
    )
    config = with_alarm_email(config, app.node.try_get_context("alarmEmail"))
    config = with_monitoring_senders(config, app.node.try_get_context("monitoringSenderAccounts"))
    indexes = tuple(index.Meta.index_name for index in CaseItem._indexes.values())
    config = with_deferred_indexes(config, app.node.try_get_context("deferIndexes"), indexes)
    stack = SupportDeskStack(app, f"dss-{config.name}", config=config)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    return app, stack


if __name__ == "__main__":
    build_app()[0].synth()
