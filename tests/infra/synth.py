"""Synthesizing the real app as `cdk synth` does: with cdk.json's context, after building the Lambda
dependency layer the stack packages."""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import App
from aws_cdk.assertions import Template

from infra.app import build_app
from infra.config import StageConfig, stage_config
from infra.stack import SupportDeskStack

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Synthesized:
    app: App
    stack: SupportDeskStack
    template: Template
    config: StageConfig
    outdir: Path

    def resources(self, resource_type: str) -> dict[str, dict]:
        return self.template.find_resources(resource_type)

    def only(self, resource_type: str) -> tuple[str, dict]:
        found = self.resources(resource_type)
        assert len(found) == 1, f"expected one {resource_type}, found {sorted(found)}"
        return next(iter(found.items()))

    def one(self, resource_type: str, component: str) -> tuple[str, dict]:
        """The one resource of a type in a component (a construct directly below the stack, whose id
        starts the logical ids of everything in it)."""
        found = {key: value for key, value in self.resources(resource_type).items() if key.startswith(component)}
        assert len(found) == 1, f"expected one {resource_type} in {component}, found {sorted(found)}"
        return next(iter(found.items()))


def build_layer() -> None:
    """`make` the layer stamp (idempotent); the lock keeps two xdist workers from building at once."""
    lock_path = ROOT / ".build" / "layer.lock"
    lock_path.parent.mkdir(exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = subprocess.run(
            ["make", "--no-print-directory", f"PY={sys.executable}", "layers/common/.built"], cwd=ROOT, capture_output=True, text=True
        )
    assert result.returncode == 0, f"make layer failed:\n{result.stdout}\n{result.stderr}"


def cdk_context(stage: str) -> dict:
    return json.loads((ROOT / "cdk.json").read_text())["context"] | {"stage": stage}


def synthesize(stage: str, outdir: Path) -> Synthesized:
    build_layer()
    app, stack = build_app(App(context=cdk_context(stage), outdir=str(outdir)))
    template = Template.from_stack(stack)  # synthesizes the app: an unacknowledged cdk-nag finding raises here
    return Synthesized(app, stack, template, stage_config(stage), outdir)


def statement_triples(statements: list[dict]) -> set[tuple[str, str, str]]:
    """(action, resource, condition) triples, so merged or split statements compare equal."""
    pairs = set()
    for statement in statements:
        assert statement["Effect"] == "Allow"
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        condition = json.dumps(statement.get("Condition"), sort_keys=True)
        pairs |= {(action, json.dumps(resource, sort_keys=True), condition) for action in actions for resource in resources}
    return pairs


def statements_by_role(synth) -> dict[str, list[dict]]:
    """Every role's own statements, inline or in policy resources (a managed policy's, e.g. API Gateway's logging role's,
    are not in the template)."""
    statements: dict[str, list[dict]] = {}
    for role_id, role in synth.resources("AWS::IAM::Role").items():
        inline = role["Properties"].get("Policies", [])
        statements[role_id] = [statement for policy in inline for statement in policy["PolicyDocument"]["Statement"]]
    for policy in synth.resources("AWS::IAM::Policy").values():
        for role in policy["Properties"]["Roles"]:
            statements[role["Ref"]] += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def role_statements(synth, role_id: str) -> list[dict]:
    role = synth.resources("AWS::IAM::Role")[role_id]["Properties"]
    assert not role.get("ManagedPolicyArns")
    statements = [statement for policy in role.get("Policies", []) for statement in policy["PolicyDocument"]["Statement"]]
    for policy in synth.resources("AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements
