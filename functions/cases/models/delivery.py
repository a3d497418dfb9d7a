"""How other domains' events reach the cases domain: the purge job's CaseFilesPurged, which marks the
case. The stack (infra) and the local stack (local/provision.py) are both built from these."""

from __future__ import annotations

PURGE_EVENT_SOURCE = "dss.purge"
CASE_FILES_PURGED = "CaseFilesPurged"
EVENT_PATTERN = {"source": [PURGE_EVENT_SOURCE], "detail-type": [CASE_FILES_PURGED]}

BATCH_SIZE = 10
MAX_RECEIVE_COUNT = 5  # then the message moves to the dead-letter queue, whose alarm calls a human
FUNCTION_TIMEOUT_SECONDS = 30
VISIBILITY_TIMEOUT_SECONDS = 6 * FUNCTION_TIMEOUT_SECONDS
