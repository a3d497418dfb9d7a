"""How every domain's rule delivers events to its Lambda (docs/architecture.md, Architecture): rule → SQS queue (+ DLQ)
→ event source mapping. A domain's models/delivery.py re-exports these with its own event pattern."""

BATCH_SIZE = 10
MAX_RECEIVE_COUNT = 5  # then the message moves to the dead-letter queue, whose alarm calls a human
FUNCTION_TIMEOUT_SECONDS = 30
# AWS's advice for an SQS event source: at least six times the function timeout, so a batch being
# retried by Lambda is not delivered again meanwhile.
VISIBILITY_TIMEOUT_SECONDS = 6 * FUNCTION_TIMEOUT_SECONDS
