"""GET /sign-in: the public sign-in configuration. A client (the `dss` command line, a web portal) asks the
API where to sign in: the Cognito user pool, its app client, the region and the endpoint to post Cognito's
unsigned JSON calls to (InitiateAuth with USER_PASSWORD_AUTH, RespondToAuthChallenge, REFRESH_TOKEN_AUTH,
GlobalSignOut). It needs no token (API Gateway serves it without the Cognito authorizer, the local API
Gateway too: both read the `security` this route declares) and reveals nothing a sign-in page would not:
ids, no secret (the app client has none), no data."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.router import Router
from pydantic import Field

from functions.shared.api.responses import error_responses, ok_response
from functions.shared.models import ApiModel
from functions.shared.settings import sign_in_settings

router = Router()
SIGN_IN_PATH = "/sign-in"
# OpenAPI's "no security requirement": the one alternative is to send nothing. The infra and the local API
# Gateway serve a route that declares it without the authorizer.
NO_TOKEN: list[dict[str, list[str]]] = [{}]
# Every refusal a route may answer but 401: this one takes no token.
PUBLIC_ERRORS = {code: response for code, response in error_responses().items() if code != 401}


class SignInConfiguration(ApiModel):
    user_pool_id: str = Field(description="The Cognito user pool, e.g. `us-east-1_AbCdEf123`.")
    client_id: str = Field(description="Its app client (no secret): USER_PASSWORD_AUTH, USER_SRP_AUTH and REFRESH_TOKEN_AUTH.")
    region: str = Field(description="The user pool's region.")
    endpoint: str = Field(
        description="Where to POST Cognito's JSON calls (`X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`): "
        "`https://cognito-idp.<region>.amazonaws.com/` in AWS, the emulator's URL on the local stack."
    )


@router.get(
    SIGN_IN_PATH,
    summary="Where to sign in",
    description="Public, no token: the Cognito user pool, app client, region and endpoint a client signs in with to get "
    "the ID token every other route needs (send it as the `Authorization` header).",
    responses={**ok_response(SignInConfiguration, "The sign-in configuration."), **PUBLIC_ERRORS},
    tags=["Sign-in"],
    openapi_extensions={"security": NO_TOKEN},  # not `security=`: Powertools checks that against schemes each app must repeat
)
def get_sign_in() -> SignInConfiguration:
    settings = sign_in_settings()
    return SignInConfiguration(
        user_pool_id=settings.user_pool_id,
        client_id=settings.user_pool_client_id,
        region=settings.user_pool_region,
        endpoint=settings.endpoint,
    )
