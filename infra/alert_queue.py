"""The alerts queue and its processor's event source mapping (functions/alerts/handlers/handle_alert_queue.py):
the stack (infra/components/alerts.py) and the local stack (local/provision.py, local/run.py) are both built
from these. Plain Python, no CDK: the local stack imports it."""

from __future__ import annotations

# A batch folds its events per account and alert key before it writes (one BatchGetItem or two, then one
# transaction per account), so the larger the batch the fewer writes a storm costs; the window lets a batch
# fill for at most a second, which keeps an alert's case within seconds.
BATCH_SIZE = 100
MAX_BATCHING_WINDOW_SECONDS = 1
PROCESSOR_TIMEOUT_SECONDS = 10
# AWS's advice for an SQS event source: at least six times the function timeout, plus the batching window, so a
# batch still being processed (or retried by Lambda) is not delivered again meanwhile.
VISIBILITY_TIMEOUT_SECONDS = 6 * PROCESSOR_TIMEOUT_SECONDS + MAX_BATCHING_WINDOW_SECONDS
MAX_RECEIVE_COUNT = 5  # then the event moves to the dead-letter queue, whose alarm calls a human
