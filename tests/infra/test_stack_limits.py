"""CloudFormation's limits on the one stack: at most 500 resources (CDK refuses the synth above it; the functions'
roles carry their grants inline, infra/components/function.py InlinePolicyRole, to stay below), and no reference cycle
between resources (CloudFormation refuses to deploy one)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

MAX_RESOURCES = 500
# The budget left for what comes next; a change that eats into it should say where the next resources go (a nested
# stack for the API's methods, the largest part: one Method per route and one ANY per path).
HEADROOM = 10


def _references(value) -> set[str]:
    if isinstance(value, dict):
        found = set()
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(inner[0] if isinstance(inner, list) else inner.split(".")[0])
            else:
                found |= _references(inner)
        return found
    if isinstance(value, list):
        return set().union(*(_references(inner) for inner in value)) if value else set()
    return set()


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_stack_stays_below_cloudformations_resource_limit(stage, request):
    resources = request.getfixturevalue(stage).template.to_json()["Resources"]
    assert len(resources) <= MAX_RESOURCES - HEADROOM, f"{len(resources)} resources"


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_no_resource_depends_on_itself(stage, request):
    resources = request.getfixturevalue(stage).template.to_json()["Resources"]
    edges = {}
    for logical_id, resource in resources.items():
        depends_on = resource.get("DependsOn", [])
        depends_on = depends_on if isinstance(depends_on, list) else [depends_on]
        assert set(depends_on) <= set(resources), logical_id
        edges[logical_id] = (_references(resource.get("Properties", {})) & set(resources)) | set(depends_on)
    done: set[str] = set()
    for start in edges:  # an iterative depth-first search; a node met again on the current path closes a cycle
        if start in done:
            continue
        path, on_path, stack = [start], {start}, [iter(sorted(edges[start]))]
        while stack:
            following = next(stack[-1], None)
            if following is None:
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                stack.pop()
                continue
            assert following not in on_path, f"reference cycle: {' -> '.join([*path, following])}"
            if following not in done:
                path.append(following)
                on_path.add(following)
                stack.append(iter(sorted(edges[following])))
