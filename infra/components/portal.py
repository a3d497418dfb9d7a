"""The web portal's hosting (docs/architecture.md, The portal): a private bucket read by CloudFront through
Origin Access Control (`make deploy` publishes the build into it after the stack: infra/publish_portal.py), the
API on the same origin under `/api/*` (caching off, every viewer header but Host forwarded: execute-api answers
403 to a foreign Host), extension-less paths answered with the app's page, and security headers on every answer
(CSP, HSTS, no framing). Its URL is the one every email links to and the one origin the files bucket lets PUT
upload parts."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, Fn, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.components.api import STAGE_NAME
from infra.config import StageConfig

API_PATH = "/api/*"
# Viewer-request functions (CloudFront Functions, JavaScript): the app's routes get its page; `/api/x` reaches the API as `/x`.
APP_ROUTES = "function handler(event) { var r = event.request; if (!/\\.[A-Za-z0-9]+$/.test(r.uri)) { r.uri = '/index.html'; } return r; }"
STRIP_API = "function handler(event) { var r = event.request; r.uri = r.uri.replace(/^\\/api/, '') || '/'; return r; }"


def content_security_policy(region: str) -> str:
    """The page's scripts and styles come from its own origin; it calls the API (same origin), Cognito's endpoint
    (sign-in) and S3 (upload parts, through presigned URLs)."""
    connect = f"'self' https://cognito-idp.{region}.amazonaws.com https://*.s3.{region}.amazonaws.com https://*.s3.amazonaws.com"
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src {connect}; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
    )


class Portal(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, config: StageConfig, rest_api: apigw.RestApi, access_logs: s3.IBucket
    ) -> None:
        super().__init__(scope, construct_id)
        region = Stack.of(self).region
        self.bucket = s3.Bucket(
            self,
            "Site",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="portal/",
            removal_policy=config.removal_policy,
        )
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=content_security_policy(region), override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(730), include_subdomains=True, override=True
                ),
                frame_options=cloudfront.ResponseHeadersFrameOptions(frame_option=cloudfront.HeadersFrameOption.DENY, override=True),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.SAME_ORIGIN, override=True
                ),
            ),
        )

        def viewer_request(function_id: str, code: str) -> list[cloudfront.FunctionAssociation]:
            function = cloudfront.Function(
                self, function_id, code=cloudfront.FunctionCode.from_inline(code), runtime=cloudfront.FunctionRuntime.JS_2_0
            )
            return [cloudfront.FunctionAssociation(function=function, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST)]

        # The API's host from the RestApi alone (not its stage), so the distribution does not wait on the methods.
        api_host = Fn.join("", [rest_api.rest_api_id, ".execute-api.", region, ".", Stack.of(self).url_suffix])
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"dss-{config.name} portal",
            default_root_object="index.html",
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=headers,
                function_associations=viewer_request("AppRoutes", APP_ROUTES),
            ),
            additional_behaviors={
                API_PATH: cloudfront.BehaviorOptions(
                    origin=origins.HttpOrigin(api_host, origin_path=f"/{STAGE_NAME}"),
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                    allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                    cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                    origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                    response_headers_policy=headers,
                    function_associations=viewer_request("StripApi", STRIP_API),
                )
            },
        )
        self.url = f"https://{self.distribution.distribution_domain_name}"
        reason = (
            "The portal's distribution: a static app and the API (which has its own WAF in prod and its own access logs); "
            "no geo restriction (customers anywhere), CloudFront's default certificate until the stage has a domain, and "
            "S3 server access logs on the site bucket instead of CloudFront's standard logs (which need bucket ACLs)."
        )
        Validations.of(self.distribution).acknowledge(
            *(
                Acknowledgment(id=rule, reason=reason)
                for rule in ("AwsSolutions-CFR1", "AwsSolutions-CFR2", "AwsSolutions-CFR3", "AwsSolutions-CFR4")
            )
        )
