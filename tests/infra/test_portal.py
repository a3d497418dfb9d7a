"""The portal's hosting: a private bucket behind CloudFront (Origin Access Control), the API on the same origin
under /api/*, the app's routes answered with its page, security headers, the files bucket's one CORS rule for
the portal's origin, and every email's link pointing at it."""

from __future__ import annotations

import pytest

from functions.files.dal.object_storage import browser_upload_cors_rule

pytestmark = pytest.mark.slow
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"


def _distribution(synth) -> tuple[str, dict]:
    distribution_id, distribution = synth.only("AWS::CloudFront::Distribution")
    return distribution_id, distribution["Properties"]["DistributionConfig"]


def portal_url(synth) -> dict:
    distribution_id, _ = _distribution(synth)
    return {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution_id, "DomainName"]}]]}


def test_the_api_is_on_the_portals_origin_under_api_uncached_with_the_viewers_headers_but_host(dev):
    _, config = _distribution(dev)
    (api,) = config["CacheBehaviors"]
    assert api["PathPattern"] == "/api/*" and api["ViewerProtocolPolicy"] == "https-only"
    assert api["CachePolicyId"] == CACHING_DISABLED and api["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER
    assert set(api["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
    origin = next(origin for origin in config["Origins"] if origin["Id"] == api["TargetOriginId"])
    assert origin["OriginPath"] == "/v1" and "execute-api" in str(origin["DomainName"])
    assert config["DefaultRootObject"] == "index.html" and config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    functions = [code["Properties"]["FunctionCode"] for code in dev.resources("AWS::CloudFront::Function").values()]
    assert any("/index.html" in code for code in functions) and any("/api" in code for code in functions)


def test_the_site_bucket_is_private_and_read_only_by_the_distribution(dev):
    site_id = next(bucket_id for bucket_id in dev.resources("AWS::S3::Bucket") if bucket_id.startswith("PortalSite"))
    site = dev.resources("AWS::S3::Bucket")[site_id]["Properties"]
    assert site["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True
    }  # fmt: skip
    assert dev.resources("AWS::CloudFront::OriginAccessControl")


def test_every_answer_has_the_security_headers(dev):
    _, policy = dev.only("AWS::CloudFront::ResponseHeadersPolicy")
    security = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = str(security["ContentSecurityPolicy"]["ContentSecurityPolicy"])  # joined with the region
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "cognito-idp." in csp
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert security["FrameOptions"]["FrameOption"] == "DENY"


def test_the_files_bucket_lets_only_the_portal_put_parts(dev):
    bucket = next(bucket for bucket_id, bucket in dev.resources("AWS::S3::Bucket").items() if bucket_id.startswith("FilesBucket"))
    (rule,) = bucket["Properties"]["CorsConfiguration"]["CorsRules"]
    expected = browser_upload_cors_rule("ORIGIN")
    assert rule["AllowedOrigins"] == [portal_url(dev)]
    assert (rule["AllowedMethods"], rule["AllowedHeaders"], rule["ExposedHeaders"], rule["MaxAge"]) == (
        expected["AllowedMethods"], expected["AllowedHeaders"], expected["ExposeHeaders"], expected["MaxAgeSeconds"],
    )  # fmt: skip


def test_every_email_links_to_the_portal(dev):
    for component in ("Notifications", "Directory"):
        _, function = dev.one("AWS::Lambda::Function", component)
        assert function["Properties"]["Environment"]["Variables"]["PORTAL_URL"] == portal_url(dev), component
