"""GET /sign-in through the real directory API handler under moto: the public sign-in configuration a client
(the `dss` command line) signs in with, from the function's environment; no token needed."""

from __future__ import annotations

import pytest

from functions.shared.environment import reset_environment


def sign_in(local_aws, **kwargs):
    return local_aws.call("GET", "/sign-in", user=None, api="directory", **kwargs)


def test_anyone_reads_the_user_pool_and_app_client_to_sign_in_with(local_aws):
    answer = sign_in(local_aws)

    resources = local_aws.resources
    assert answer.status == 200, answer
    assert answer.body == {
        "userPoolId": resources.user_pool_id,
        "clientId": resources.user_pool_client_id,
        "region": "us-east-1",
        "endpoint": "https://cognito-idp.us-east-1.amazonaws.com/",  # no override: the region's public endpoint
    }
    assert answer.headers["content-type"] == "application/json"
    # A signed-in caller reads the same.
    assert local_aws.call("GET", "/sign-in", user="customer", api="directory").body == answer.body


def test_the_endpoint_override_is_where_clients_post(local_aws, monkeypatch):
    """The local stack points clients at moto (local/run.py provisions with its URL)."""
    monkeypatch.setenv("COGNITO_ENDPOINT", "http://127.0.0.1:5050/")
    reset_environment()
    try:
        assert sign_in(local_aws).body["endpoint"] == "http://127.0.0.1:5050/"
    finally:
        monkeypatch.delenv("COGNITO_ENDPOINT")
        reset_environment()


@pytest.mark.parametrize("query", [{"clientId": "x"}, {"redirect": "https://evil.example"}])
def test_it_takes_no_parameters(local_aws, query):
    refused = sign_in(local_aws, query=query)
    assert refused.status == 400 and refused.body["error"] == "unknown_parameter"
