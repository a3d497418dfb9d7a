# Everything installs from this repository's own files: the virtualenv from requirements/, the CDK CLI
# into .tools/ from the npm registry, the Lambda dependency layer into layers/common/.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CDK_CLI_VERSION := 2.1148.1
CDK := .tools/node_modules/.bin/cdk
LAMBDA_PYTHON := $(shell sed -n 's/^LAMBDA_PYTHON_VERSION = "\(.*\)"/\1/p' infra/constants.py)
LAYER_STAMP := layers/common/.built
# The web portal (portal/): its Node packages from portal/package-lock.json, its build in portal/dist.
PORTAL_MODULES := portal/node_modules/.package-lock.json
PORTAL_BUILD := portal/dist/index.html
PORTAL_SOURCES := $(shell find portal/src portal/index.html portal/package.json portal/vite.config.ts portal/tsconfig.json -type f 2>/dev/null)
# Debian's Chromium, which the browser tests drive (Playwright cannot download its own browsers here).
CHROMIUM_STAMP := .tools/.chromium
PYTEST := $(PY) -m pytest
PYTEST_WORKERS ?= 2
STAGE ?= dev
# Extra CDK context, e.g. CDK_ARGS="-c holidays=2026-12-24,2026-12-31 -c responseTargets=2-High=60"
CDK_ARGS ?=
# Options of the local stack, e.g. RUN_ARGS="--time-scale 100000 --port 3001" (python -m local.run --help)
RUN_ARGS ?=

.PHONY: help run test lint typecheck openapi unit integration infra fuzz browser portal bench synth deploy diff layer clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements/runtime.txt requirements/dev.txt requirements/cli.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

venv: $(STAMP)

run: $(STAMP) $(PORTAL_BUILD)  ## start the whole product locally (moto server + API on http://127.0.0.1:3000); RUN_ARGS='--time-scale 100000' speeds up timers
	$(PY) -m local.run $(RUN_ARGS)

test: $(STAMP) $(PORTAL_BUILD) $(CHROMIUM_STAMP) lint typecheck  ## lint, type-check, then run every test tier (unit, integration, infra, fuzz, local stack over HTTP)
	$(PYTEST) -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder -q

lint: $(STAMP)  ## ruff
	$(VENV)/bin/ruff check .

openapi: $(STAMP)  ## rewrite the API's OpenAPI document (functions/shared/api/openapi.json) from the routes
	$(PY) -m infra.openapi_document

typecheck: $(STAMP)  ## mypy over functions/, infra/, local/, dss_cli/ (strictness in pyproject.toml)
	$(VENV)/bin/mypy

unit: $(STAMP)
	$(PYTEST) -q tests/unit
integration: $(STAMP)
	$(PYTEST) -q tests/integration
infra: $(STAMP)
	$(PYTEST) -q tests/infra
fuzz: $(STAMP)
	$(PYTEST) -q tests/fuzz
browser: $(STAMP) $(PORTAL_BUILD) $(CHROMIUM_STAMP)  ## the portal's browser tests (Chromium), screenshots in test-results/
	$(PYTEST) -q tests/browser

bench: $(STAMP) $(PORTAL_BUILD) $(CHROMIUM_STAMP)  ## print cold-start, AWS-call, portal and upload budgets (recorded in docs/benchmarks.md)
	$(PY) -m bench

# The Lambda runtime provides boto3 and its dependencies; a copy in the layer would shadow them.
RUNTIME_PROVIDED := boto3 botocore s3transfer jmespath urllib3 dateutil python_dateutil six

$(LAYER_STAMP): requirements/runtime.txt infra/constants.py
	rm -rf layers/common && mkdir -p layers/common/python
	test "$$($(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')" = "$(LAMBDA_PYTHON)" || \
	  { echo "make layer needs Python $(LAMBDA_PYTHON), the Lambda runtime (infra/constants.py)"; exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check --no-compile --target layers/common/python \
	  --platform manylinux2014_aarch64 --implementation cp --python-version $(LAMBDA_PYTHON) \
	  --only-binary=:all: -r requirements/runtime.txt
	cd layers/common/python && rm -rf bin $(foreach p,$(RUNTIME_PROVIDED),$(p) $(p).py $(p)-*.dist-info)
	# Lambda's /opt is read-only: ship the bytecode. Hash-based and unchecked, because the CDK zips
	# assets with fixed timestamps, which would invalidate timestamp-based .pyc files.
	$(PY) -m compileall -q -j 0 --invalidation-mode unchecked-hash layers/common/python
	touch $@

layer: $(STAMP) $(LAYER_STAMP)  ## build the arm64 dependency layer (no Docker)

$(PORTAL_MODULES): portal/package-lock.json
	cd portal && npm ci --no-audit --no-fund --silent

# The API's types are generated from the stored OpenAPI document: a stale copy fails the build.
$(PORTAL_BUILD): $(PORTAL_MODULES) $(PORTAL_SOURCES) functions/shared/api/openapi.json
	cd portal && npm run check:api --silent && npm run build --silent

portal: $(PORTAL_BUILD)  ## build the web portal into portal/dist (npm ci, API types checked fresh, type-check, vite build)

$(CHROMIUM_STAMP):
	@if ! command -v chromium >/dev/null; then \
	  if [ "$$(id -u)" != 0 ]; then echo "The browser tests need Debian's chromium: run 'sudo apt-get install -y chromium', then make again." >&2; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	fi
	mkdir -p .tools && chromium --version > $@

$(CDK):
	mkdir -p .tools && npm install --prefix .tools --no-audit --no-fund --silent aws-cdk@$(CDK_CLI_VERSION)

synth: $(STAMP) $(LAYER_STAMP) $(CDK)  ## synthesize the CloudFormation template (offline) with cdk-nag; STAGE=dev|prod|<name>
	$(CDK) synth --quiet -c stage=$(STAGE) $(CDK_ARGS)

diff: $(STAMP) $(LAYER_STAMP) $(CDK)
	$(CDK) diff -c stage=$(STAGE) $(CDK_ARGS)

deploy: $(STAMP) $(LAYER_STAMP) $(PORTAL_BUILD) $(CDK)  ## deploy stack dss-<STAGE> (default dev) to the AWS account of your current credentials
	mkdir -p .build
	$(CDK) deploy -c stage=$(STAGE) $(CDK_ARGS) --require-approval broadening --outputs-file .build/outputs-$(STAGE).json
	$(PY) -m infra.publish_portal .build/outputs-$(STAGE).json

clean:
	rm -rf $(VENV) .tools layers/common cdk.out .local .pytest_cache .hypothesis portal/node_modules portal/dist test-results
