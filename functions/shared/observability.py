"""Logger and Metrics singletons. No Tracer here: the X-Ray SDK costs ~250 ms of cold start and
Lambda active tracing needs no SDK (docs/architecture.md, Tests and checks)."""

import warnings

from aws_lambda_powertools import Logger, Metrics

SERVICE_NAME = "dss"
METRICS_NAMESPACE = "DedicatedSupportServices"

logger = Logger(service=SERVICE_NAME)
metrics = Metrics(namespace=METRICS_NAMESPACE, service=SERVICE_NAME)
# Reads add no metric; Powertools would log a warning for each of them.
warnings.filterwarnings("ignore", message="No application metrics to publish")
