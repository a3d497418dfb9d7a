"""Writes the API's one OpenAPI document (functions/shared/api/openapi.json) from every API Lambda's own
routes: `python -m infra.openapi_document` (`make openapi`); `--check` fails if the stored one is stale."""

from __future__ import annotations

import argparse
import importlib
import json
import sys

from functions.shared.api.openapi import DOCUMENT_FILE, merged_document

# Every Lambda behind the API Gateway (infra/stack.py routes each its documented routes).
API_MODULES = (
    "functions.cases.handlers.api", "functions.files.handlers.api", "functions.directory.handlers.api",
    "functions.alerts.handlers.api", "functions.alerts.handlers.intake", "functions.reports.handlers.api",
    "functions.updates.handlers.api",
)  # fmt: skip


def document_text() -> str:
    apps = [importlib.import_module(module).app for module in API_MODULES]
    return json.dumps(merged_document(apps), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the stored document differs from the routes")
    arguments = parser.parse_args()
    text = document_text()
    if arguments.check:
        if DOCUMENT_FILE.read_text(encoding="utf-8") != text:
            print(f"{DOCUMENT_FILE.name} is stale: run make openapi", file=sys.stderr)
            return 1
        return 0
    DOCUMENT_FILE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
