"""The real app, synthesized once per test session (per xdist worker) and per stage."""

from __future__ import annotations

import pytest

from .synth import Synthesized, synthesize


@pytest.fixture(scope="session")
def dev(tmp_path_factory) -> Synthesized:
    return synthesize("dev", tmp_path_factory.mktemp("cdk-dev"))


@pytest.fixture(scope="session")
def prod(tmp_path_factory) -> Synthesized:
    return synthesize("prod", tmp_path_factory.mktemp("cdk-prod"))
