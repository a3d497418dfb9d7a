"""The local portal server (local/portal_server.py), the stand-in for the portal's CloudFront distribution:
files from the build, the app's page for its routes, the API under /api on the same origin, the headers."""

from __future__ import annotations

import json

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from local.portal_server import PortalServer


def echo_api(environ, start_response):
    """Stands for the local API Gateway: answers with the path and query it was given."""
    body = json.dumps({"path": environ["PATH_INFO"], "query": environ.get("QUERY_STRING", "")}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


@pytest.fixture
def portal(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>Portal</title>")
    (tmp_path / "assets" / "app-1a2b.js").write_text("console.log('portal')")
    (tmp_path.parent / "secret.txt").write_text("outside the build")
    return Client(PortalServer(echo_api, connect_sources=["http://127.0.0.1:5050"], dist=tmp_path), Response)


def test_the_api_is_served_under_api_on_the_same_origin(portal):
    answer = portal.get("/api/cases", query_string="view=my-open")
    assert answer.status_code == 200 and answer.json == {"path": "/cases", "query": "view=my-open"}
    assert portal.post("/api/cases").json["path"] == "/cases"


def test_the_apps_routes_answer_with_its_page_and_assets_are_cached_for_good(portal):
    for path in ("/", "/cases/0000000042", "/new", "/sign-in"):
        page = portal.get(path)
        assert page.status_code == 200 and b"<title>Portal</title>" in page.data and page.headers["Cache-Control"] == "no-cache"
    asset = portal.get("/assets/app-1a2b.js")
    assert asset.headers["Content-Type"] == "text/javascript; charset=utf-8" and "immutable" in asset.headers["Cache-Control"]


def test_a_missing_asset_is_404_and_nothing_outside_the_build_is_served(portal):
    assert portal.get("/assets/missing.js").status_code == 404
    assert b"outside the build" not in portal.get("/../secret.txt").data
    assert portal.post("/cases/0000000042").status_code == 405


def test_every_answer_carries_the_security_headers(portal):
    headers = portal.get("/").headers
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert "connect-src 'self' http://127.0.0.1:5050" in policy
    assert headers["Strict-Transport-Security"].startswith("max-age=") and headers["X-Content-Type-Options"] == "nosniff"


def test_a_missing_build_says_how_to_make_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="make portal"):
        PortalServer(echo_api, connect_sources=[], dist=tmp_path)
