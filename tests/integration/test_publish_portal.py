"""Publishing the portal's build to a site bucket (infra/publish_portal.py, run by `make deploy`) against S3 in
moto: every file with its type and caching, the page never cached, files the new build dropped deleted."""

from __future__ import annotations

import boto3

from infra.publish_portal import publish


def test_the_build_replaces_the_previous_one_with_the_right_types_and_caching(local_aws, tmp_path):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="portal-site")
    s3.put_object(Bucket="portal-site", Key="assets/old-1a2b.js", Body=b"old")
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>Portal</title>")
    (tmp_path / "assets" / "index-9f8e.js").write_text("console.log('portal')")

    keys = publish("portal-site", None, dist=tmp_path)

    assert keys == ["assets/index-9f8e.js", "index.html"]  # the page last: it never names a missing asset
    page, script = (s3.head_object(Bucket="portal-site", Key=key) for key in keys[::-1])
    assert (page["ContentType"], page["CacheControl"]) == ("text/html", "no-cache")
    assert (script["ContentType"], script["CacheControl"]) == ("text/javascript", "public, max-age=31536000, immutable")
    assert sorted(item["Key"] for item in s3.list_objects_v2(Bucket="portal-site")["Contents"]) == sorted(keys)
