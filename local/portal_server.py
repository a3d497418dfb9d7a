"""The local stand-in for the portal's CloudFront distribution: the built portal (`portal/dist`) on its own
loopback port, the API mounted under `/api` on the same origin, extension-less paths answered with
`index.html` (the single-page app routes them, e.g. `/cases/0000000042` from an email's link), and the
security headers the distribution sends."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from pathlib import Path
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

PORTAL_DIST = Path(__file__).resolve().parents[1] / "portal" / "dist"
API_PREFIX = "/api"


def security_headers(connect_sources: Iterable[str]) -> list[tuple[str, str]]:
    """The portal's headers: scripts and styles from its own origin only, no framing, HTTPS remembered.
    `connect_sources`: where the page may call besides its origin (Cognito's endpoint, the files bucket)."""
    connect = " ".join(["'self'", *connect_sources])
    policy = (
        f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src {connect}; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
    )
    return [
        ("Content-Security-Policy", policy),
        ("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
    ]


class PortalServer:
    def __init__(self, api: WSGIApplication, connect_sources: Iterable[str], dist: Path = PORTAL_DIST) -> None:
        if not (dist / "index.html").is_file():
            raise FileNotFoundError(f"{dist}/index.html is missing: `make portal` builds the portal")
        self.api, self.dist = api, dist.resolve()
        self.headers = security_headers(connect_sources)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if path == API_PREFIX or path.startswith(f"{API_PREFIX}/"):
            return self.api({**environ, "PATH_INFO": path[len(API_PREFIX) :] or "/"}, start_response)
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            start_response("405 Method Not Allowed", [("Allow", "GET, HEAD"), *self.headers])
            return [b""]
        file = (self.dist / path.lstrip("/")).resolve()
        if not file.is_relative_to(self.dist) or not file.is_file():
            if Path(path).suffix:  # a missing asset, not a page of the app
                start_response("404 Not Found", [("Content-Type", "text/plain"), *self.headers])
                return [b"Not found"]
            file = self.dist / "index.html"
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith(("json", "javascript")):
            content_type += "; charset=utf-8"  # the build writes UTF-8
        # Hashed assets never change; the page itself is always asked again (a new build is seen at once).
        cache = "public, max-age=31536000, immutable" if "/assets/" in path else "no-cache"
        body = file.read_bytes()
        headers = [("Content-Type", content_type), ("Cache-Control", cache), ("Content-Length", str(len(body)))]
        start_response("200 OK", [*headers, *self.headers])
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else body]
