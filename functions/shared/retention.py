"""The desk's retention rules, one place for every domain and the infrastructure that enforces them."""

from __future__ import annotations

from datetime import timedelta

# The guide: a closed case's files are purged 30 days after closure; it may be reopened within those 30 days.
FILES_KEPT_AFTER_CLOSURE = timedelta(days=30)
# How long an unfinished upload is offered for resuming: its record expires then (TTL) and the bucket's
# lifecycle rule aborts the S3 side (S3 itself would keep it until completed or aborted).
UPLOAD_LIFETIME = timedelta(days=7)
