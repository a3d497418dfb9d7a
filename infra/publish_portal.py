"""Publishes the portal's build (`portal/dist`, `make portal`) to a deployed stack's site bucket and has CloudFront
fetch the page again: `make deploy` runs it after `cdk deploy`, with the stack's outputs. Hashed assets are
cached for good, the page never; files the new build no longer has are deleted once the new page is live.

    python -m infra.publish_portal .build/outputs-dev.json
"""

from __future__ import annotations

import json
import mimetypes
import sys
import time
from pathlib import Path

import boto3

from local.portal_server import PORTAL_DIST


def publish(bucket: str, distribution_id: str | None, dist: Path = PORTAL_DIST) -> list[str]:
    """The keys uploaded; the page last, so it never names an asset not yet there."""
    if not (dist / "index.html").is_file():
        raise FileNotFoundError(f"{dist}/index.html is missing: run `make portal` first")
    s3 = boto3.client("s3")
    files = sorted((path for path in dist.rglob("*") if path.is_file()), key=lambda path: path.name == "index.html")
    keys = []
    for path in files:
        key = path.relative_to(dist).as_posix()
        cache = "public, max-age=31536000, immutable" if key.startswith("assets/") else "no-cache"
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), ContentType=content_type, CacheControl=cache)
        keys.append(key)
    if distribution_id:
        batch = {"Paths": {"Quantity": 1, "Items": ["/index.html"]}, "CallerReference": str(time.time_ns())}
        boto3.client("cloudfront").create_invalidation(DistributionId=distribution_id, InvalidationBatch=batch)
    stale = [item["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket) for item in page.get("Contents", [])]
    for key in sorted(set(stale) - set(keys)):
        s3.delete_object(Bucket=bucket, Key=key)
    return keys


def main(argv: list[str] | None = None) -> int:
    arguments = argv if argv is not None else sys.argv[1:]
    if len(arguments) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    outputs = next(iter(json.loads(Path(arguments[0]).read_text()).values()))
    keys = publish(outputs["PortalBucketName"], outputs["PortalDistributionId"])
    print(f"Published {len(keys)} files of the portal to {outputs['PortalUrl']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
