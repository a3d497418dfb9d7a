"""moto in server mode on a free loopback port, for tests that need several processes on one AWS."""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager

from werkzeug.serving import make_server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SerialisedApp:
    """moto's backends are not thread-safe, while DynamoDB applies each request atomically: one lock
    around each emulated request restores that. The clients still run fully concurrently."""

    def __init__(self, app):
        self.app, self.lock = app, threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            return list(self.app(environ, start_response))


def serialise_in_process_moto(monkeypatch) -> None:
    """The same for moto in this process (mock_aws), for tests whose threads call AWS at once: without it
    two conditional writes can both pass their check, which DynamoDB never lets happen."""
    from moto.core.botocore_stubber import BotocoreStubber

    lock, respond = threading.Lock(), BotocoreStubber.__call__

    def serialised(self, event_name, request, **kwargs):
        with lock:
            return respond(self, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", serialised)


@contextmanager
def moto_server():
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    port = free_port()
    server = make_server("127.0.0.1", port, SerialisedApp(DomainDispatcherApplication(create_backend_app)), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
