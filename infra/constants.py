"""Names and pins the whole stack shares. The Lambda Python version is pinned here only: the Makefile
reads LAMBDA_PYTHON_VERSION to build the dependency layer for the same interpreter."""

from pathlib import Path

from aws_cdk import aws_lambda as lambda_

from functions.shared.auth import ACCOUNT_CLAIM, CONTACT_CLAIM, Group
from functions.shared.observability import METRICS_NAMESPACE, SERVICE_NAME

# The interpreter `make` builds and tests with: the layer then ships bytecode compiled for the runtime
# (Lambda cannot write __pycache__ under /opt, so without it every cold start recompiles the layer).
LAMBDA_PYTHON_VERSION = "3.11"
LAMBDA_RUNTIME = getattr(lambda_.Runtime, "PYTHON_" + LAMBDA_PYTHON_VERSION.replace(".", "_"))
LAMBDA_ARCHITECTURE = lambda_.Architecture.ARM_64

REPO_ROOT = Path(__file__).resolve().parent.parent
LAYER_DIR = REPO_ROOT / "layers" / "common"

POWERTOOLS_SERVICE_NAME = SERVICE_NAME
POWERTOOLS_METRICS_NAMESPACE = METRICS_NAMESPACE

COGNITO_GROUPS: tuple[Group, ...] = tuple(Group)
# The authorizer hands custom attributes to the handlers as "custom:<name>" claims.
ACCOUNT_ATTRIBUTE = ACCOUNT_CLAIM.removeprefix("custom:")
CONTACT_ATTRIBUTE = CONTACT_CLAIM.removeprefix("custom:")
