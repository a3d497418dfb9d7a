"""`make run`: the whole product on one machine, no AWS account, no Docker.

moto in server mode (in this process, on loopback) is the AWS; the product's resources are provisioned
into it, the demo users created in its Cognito user pool and the demo directory seeded with their ids; a
local API Gateway on http://127.0.0.1:3000 runs the real Lambda handler for each request, verifying ID
tokens as the Cognito authorizer does. The demo users' passwords and ID tokens are printed at start and
written to `.local/session.json`, whose tokens are renewed every 30 minutes (they last an hour). Every
change's events go from the table's stream to the bus through the real outbox publisher, and from the bus
to the notifications, followups, cases and alerts consumers through their SQS queues, each read by an
in-process poller (local/event_sources.py), as is the alerts queue the monitoring intake fills (by the real
alerts processor); the emails sent through moto's SES are listed at GET /_local/outbox. The follow-up
ladder, the response escalation and the incidents' timers run as Step Functions executions in moto, their
tasks running the real step handlers in-process (local/lambda_runtime.py); `--time-scale N` makes their
waits N times shorter, so days of business time pass in seconds. The desk's clock (local/clock.py) is read at
GET /_local/clock and moved forward with POST /_local/clock {"now": "<ISO instant>"}: every domain, the
timers' waits and the daily purge follow it. Data lives in memory until you stop (Ctrl-C).
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import shlex
import signal
import socket
import sys
import threading
import urllib.request
import warnings
from pathlib import Path
from typing import TYPE_CHECKING
from wsgiref.types import WSGIApplication

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

if TYPE_CHECKING:
    from local.event_sources import EventSource
    from local.http_adapter import LocalPosts, LocalRoutes

LOOPBACK = "127.0.0.1"
REGION = "us-east-1"
# Not 5000 (moto's default): macOS's AirPlay Receiver holds that port.
DEFAULT_AWS_PORT = "5050"
DEFAULT_API_PORT = "3000"
DEFAULT_PORTAL_PORT = "3100"
# What moto server mode must run with (docs/architecture.md, Tests and checks): Step Functions really executes state
# machines, and Lambda uses moto's awslambda_simple backend, whose `invoke` is the hook for running
# our handlers in-process (no Docker). Posted to /moto-api/config, moto's API for server-mode config.
MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
OUTBOX_PATH = "/_local/outbox"  # the local stack's own route, not part of the product's API
CLOCK_MOVE = 'POST {"now": "<ISO instant>"}'
# ID tokens last an hour (the app client's IdTokenValidity): the session file gets new ones well before that.
DEFAULT_TOKEN_REFRESH_MINUTES = "30"


class PortInUse(Exception):
    pass


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default=LOOPBACK, help="interface for the local API (default %(default)s)")
    parser.add_argument("--port", type=int, default=os.environ.get("DSS_API_PORT", DEFAULT_API_PORT), help="API port (DSS_API_PORT)")
    parser.add_argument("--aws-port", type=int, default=os.environ.get("DSS_AWS_PORT", DEFAULT_AWS_PORT), help="moto port (DSS_AWS_PORT)")
    parser.add_argument(
        "--portal-port", type=int, default=os.environ.get("DSS_PORTAL_PORT", DEFAULT_PORTAL_PORT), help="web portal port (DSS_PORTAL_PORT)"
    )
    parser.add_argument("--session-file", type=Path, default=Path(".local/session.json"), help="where to write URLs and tokens")
    parser.add_argument(
        "--time-scale",
        type=_time_scale,
        default=os.environ.get("DSS_TIMER_TIME_SCALE", "1"),
        help="timers wake N times sooner than their business deadlines, e.g. 100000: 10 business days in about 15 s "
        "(DSS_TIMER_TIME_SCALE; default 1, real time). Cases still show the real deadlines.",
    )
    parser.add_argument(
        "--token-refresh-minutes",
        type=_positive,
        default=DEFAULT_TOKEN_REFRESH_MINUTES,
        help="how often the session file gets fresh ID tokens (default %(default)s; they last 60)",
    )
    return parser.parse_args(argv)


def _positive(value: str) -> float:
    number = float(value)
    if not number > 0:
        raise argparse.ArgumentTypeError("must be a number above 0")
    return number


def _time_scale(value: str) -> float:
    scale = float(value)
    if not scale >= 1:
        raise argparse.ArgumentTypeError("must be a number of at least 1")
    return scale


def use_local_aws(aws_url: str, aws_port: int) -> None:
    """Every AWS SDK call in this process goes to moto with dummy credentials: a developer's profile,
    config files or endpoint overrides must not reach a real account."""
    overrides = ("AWS_ENDPOINT_URL_", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
    for name in [name for name in os.environ if name.startswith(overrides)]:
        del os.environ[name]
    os.environ.update({
        "AWS_ENDPOINT_URL": aws_url,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        # moto's Step Functions interpreter calls back into moto at localhost:$MOTO_PORT.
        "MOTO_PORT": str(aws_port),
    })  # fmt: skip
    # Metrics are CloudWatch EMF lines on stdout: noise locally.
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    warnings.filterwarnings("ignore", "No application metrics to publish")


def listen(host: str, port: int, what: str, flag: str) -> socket.socket:
    """Bind before anything starts, so a busy port is one clear line (werkzeug would exit from inside
    a server thread, and moto's ThreadedMotoServer would then wait forever)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    if os.name != "nt":  # restart right after a stop despite TIME_WAIT (on Windows it would allow port theft)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        reason = "is in use by another program" if error.errno == errno.EADDRINUSE else f"cannot be opened ({error.strerror})"
        raise PortInUse(f"Port {port} on {host} ({what}) {reason}; choose another with {flag}.") from None
    return sock


def serve(
    sock: socket.socket, app: WSGIApplication, request_handler: type[WSGIRequestHandler] | None = None
) -> tuple[BaseWSGIServer, threading.Thread]:
    host, port = sock.getsockname()[:2]
    server = make_server(host, port, app, threaded=True, request_handler=request_handler, fd=sock.fileno())
    sock.close()  # werkzeug serves a duplicate of the descriptor
    # A short poll interval makes Ctrl-C stop within a fraction of a second.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=f"serve:{port}", daemon=True)
    thread.start()
    return server, thread


def start_moto(sock: socket.socket, aws_url: str) -> tuple[BaseWSGIServer, threading.Thread]:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app

    class QuietMotoRequestHandler(MotoRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:  # every SDK call would print an access-log line
            pass

    running = serve(sock, DomainDispatcherApplication(create_backend_app), QuietMotoRequestHandler)
    request = urllib.request.Request(f"{aws_url}/moto-api/config", data=json.dumps(MOTO_CONFIG).encode(), method="POST")  # noqa: S310
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 (our own loopback http URL)
    return running


def is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


def url(host: str, port: int) -> str:
    host = LOOPBACK if host in ("", "0.0.0.0") else "::1" if host == "::" else host  # noqa: S104 (a listen-all address is not a URL)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def banner(
    api_url: str,
    aws_url: str,
    session: dict,
    session_file: Path,
    portal_url: str,
    time_scale: float = 1,
    refresh_minutes: float = 30,
    clock_path: str | None = None,
) -> str:
    from local.demo_directory import DEMO_ACCOUNTS, DEMO_USERS, EXAMPLE_SUPPORT_CASE

    tokens, users = session["tokens"], session["users"]
    width, email_width = max(map(len, tokens)), max(len(user["email"]) for user in users.values())
    logins, id_tokens = [], []
    for role, token in tokens.items():
        user = DEMO_USERS[role]
        who = DEMO_ACCOUNTS[user.account_id]["name"] if user.account_id else "Testing Department" if role == "testing" else "support staff"
        logins.append(f"  {role:<{width}}  {users[role]['email']:<{email_width}}  {users[role]['password']}  ({who})")
        id_tokens.append(f"  {role:<{width}}  {token}")
    read_token = shlex.quote(f'import json; print(json.load(open("{session_file}"))["tokens"]["customer"])')
    body = shlex.quote(json.dumps(EXAMPLE_SUPPORT_CASE, separators=(",", ":")))
    return "\n".join([
        "Dedicated Support Services, running locally (no AWS account; data in memory until you stop)",
        "",
        f"  Portal   {session['portal']}   (the web portal; the API under /api on the same origin)",
        f"  API      {api_url}   (Swagger UI: {api_url}/swagger)",
        f"  AWS      {aws_url}   (moto; boto3 here uses it via AWS_ENDPOINT_URL)",
        f"  Session  {session_file}   (the URLs, users and ID tokens below, as JSON)",
        f"  Outbox   {api_url}{OUTBOX_PATH}   (emails sent, via moto's SES; ?to=<address> filters)",
        f"           emails link cases to {portal_url}/cases/<n> (set PORTAL_URL to change)",
        f"  Timers   follow-ups, response escalations and incident timers run on Step Functions in moto, {_pace(time_scale)}",
        *([f"  Clock    {api_url}{clock_path}   (the desk's time; {CLOCK_MOVE} moves it forward)"] if clock_path else []),
        f"  CLI      .venv/bin/dss reads {session_file}: dss cases list, dss files upload <case> <path>...",
        "",
        f"Demo users in the Cognito user pool {session['cognito']['userPoolId']} (app client {session['cognito']['userPoolClientId']}),",
        "new passwords at every start; sign in with InitiateAuth (USER_PASSWORD_AUTH) against moto:",
        *logins,
        "",
        f"Their ID tokens; send one as 'Authorization: <token>'. A token lasts an hour: {session_file} gets",
        f"fresh ones every {refresh_minutes:g} minutes, so read it there rather than copying it from here.",
        *id_tokens,
        "",
        "Try it (opens a case as customer, then lists your open cases):",
        f"  TOKEN=$(python3 -c {read_token})",
        f"  curl -s -X POST {api_url}/cases -H \"Authorization: $TOKEN\" -H 'Content-Type: application/json' \\",
        f"       -d {body}",
        f"  curl -s '{api_url}/cases?view=my-open' -H \"Authorization: $TOKEN\"",
        "",
        "Ctrl-C stops.",
    ])  # fmt: skip


def _pace(time_scale: float) -> str:
    if time_scale == 1:
        return "in real business time (make run RUN_ARGS='--time-scale 100000' to watch days pass in seconds)"
    return f"{time_scale:g} times faster than business time (cases show the real deadlines)"


def write_session(path: Path, session: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(session, indent=2) + "\n")
    partial.chmod(0o600)  # the demo users' passwords and tokens: for this user only
    partial.replace(path)  # readers never see half a file


def main(argv: list[str] | None = None) -> int:
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    args = parse_args(argv)
    try:
        api_socket = listen(args.host, args.port, "the local API", "--port <n> or DSS_API_PORT=<n>")
        aws_socket = listen(LOOPBACK, args.aws_port, "the moto AWS emulator", "--aws-port <n> or DSS_AWS_PORT=<n>")
        portal_socket = listen(args.host, args.portal_port, "the web portal", "--portal-port <n> or DSS_PORTAL_PORT=<n>")
    except PortInUse as error:
        print(error, file=sys.stderr)
        return 1
    api_url, aws_url, local_portal_url = url(args.host, args.port), url(LOOPBACK, args.aws_port), url(args.host, args.portal_port)
    use_local_aws(aws_url, args.aws_port)

    servers = [start_moto(aws_socket, aws_url)]
    event_sources: list[EventSource] = []
    try:
        # Imported only now: the handler's modules must see the environment above.
        import boto3

        from functions.alerts.handlers.handle_alert_queue import lambda_handler as alerts_processor
        from functions.alerts.handlers.handle_case_events import lambda_handler as alerts_case_events_handler
        from functions.alerts.models import delivery as alerts_delivery
        from functions.cases.handlers.handle_bus_events import lambda_handler as cases_events_handler
        from functions.cases.models import delivery as cases_delivery
        from functions.files.dal.object_storage import browser_upload_cors_rule
        from functions.followups.handlers.handle_timer_events import lambda_handler as followups_handler
        from functions.followups.models import delivery as followups_delivery
        from functions.notifications.handlers.handle_case_events import lambda_handler as notifications_handler
        from functions.notifications.models import delivery as notifications_delivery
        from functions.outbox.handlers.handle_table_stream import lambda_handler as publisher_handler
        from functions.purge.handlers.handle_daily_purge import lambda_handler as purge_handler
        from functions.reports.handlers.handle_bus_events import lambda_handler as reports_events_handler
        from functions.reports.handlers.handle_report_schedule import lambda_handler as report_dispatcher
        from functions.reports.models import delivery as reports_delivery
        from functions.updates.handlers.handle_update_schedule import lambda_handler as update_job
        from infra import alert_queue
        from infra.components.update_schedules import UPDATE_CRONS
        from local.clock import CLOCK_PATH, DeskClock, clock_routes, run_waits_on, use_in_containers
        from local.demo_directory import DEMO_USERS, api_as, connect_demo_monitoring, onboard_demo_directory
        from local.demo_sign_in import DemoSignIn, TokenRefresher
        from local.event_sources import (
            AtSchedules,
            CronSchedule,
            DailySchedule,
            SqsEventSource,
            TableStreamSource,
            cron_instants,
            hourly_between,
            job_input,
        )
        from local.http_adapter import product_api
        from local.outbox import sent_mail
        from local.portal_server import PortalServer
        from local.provision import provision
        from local.tokens import CognitoAuthorizer, jwks_url

        portal_url = os.environ.get("PORTAL_URL") or local_portal_url  # every email's links open the local portal
        resources = provision(cognito_endpoint=f"{aws_url}/")  # GET /sign-in sends clients to moto's Cognito
        os.environ.update(resources.environment() | {"PORTAL_URL": portal_url, "DSS_TIMER_TIME_SCALE": str(args.time_scale)})
        # One clock for the desk, before any handler runs: every domain's container, the state machines' waits, the schedule.
        desk_clock = DeskClock()
        use_in_containers(desk_clock)
        run_waits_on(desk_clock)
        # Onboarding as support staff do it: staff in the pool, then regions, accounts and contacts through the
        # directory API (each contact's invitation lands in the outbox), then each contact accepts theirs.
        demo_users = DemoSignIn(resources.user_pool_id, resources.user_pool_client_id).create_staff()
        staff_ids = demo_users.user_ids()  # staff are known by the subs the pool gave them
        manager = DEMO_USERS["manager"]
        manager_claims = manager.claims() | {"sub": staff_ids[manager.user_id]}
        onboard_demo_directory(api_as(manager_claims), staff_ids)
        demo_users.accept_invitations()
        monitoring = connect_demo_monitoring(api_as(manager_claims, "functions.alerts.handlers.api"))
        # The portal's page PUTs upload parts straight to the files bucket (moto is lenient about CORS; the rule is the stack's).
        boto3.client("s3").put_bucket_cors(
            Bucket=resources.files_bucket, CORSConfiguration={"CORSRules": [browser_upload_cors_rule(local_portal_url)]}
        )
        # The outbox publisher on the table's stream: every change's events reach the bus through it.
        event_sources.append(TableStreamSource(resources.table_stream_arn, publisher_handler).start())
        # The SQS event source mappings of the Lambdas that react to events, run in-process on the real handlers.
        for name, handler, delivery in (
            ("notifications", notifications_handler, notifications_delivery),
            ("followups", followups_handler, followups_delivery),
            ("cases", cases_events_handler, cases_delivery),
            ("alerts_case_events", alerts_case_events_handler, alerts_delivery),
            ("reports", reports_events_handler, reports_delivery),
        ):
            queue_url, queue_arn = getattr(resources, f"{name}_queue_url"), getattr(resources, f"{name}_queue_arn")
            source = SqsEventSource(
                queue_url, queue_arn, handler,
                function_name=name, batch_size=delivery.BATCH_SIZE, timeout_seconds=delivery.FUNCTION_TIMEOUT_SECONDS,
            )  # fmt: skip
            event_sources.append(source.start())
        # The alerts processor on the monitoring intake's queue: batches of up to 10 (one receive) within a second.
        processor = SqsEventSource(
            resources.alerts_queue_url, resources.alerts_queue_arn, alerts_processor,
            function_name="alerts_processor", batch_size=alert_queue.BATCH_SIZE, timeout_seconds=alert_queue.PROCESSOR_TIMEOUT_SECONDS,
        )  # fmt: skip
        event_sources.append(processor.start())
        # The daily purge's schedule (moto's EventBridge runs no schedules): at start, then every 24 hours of the desk's clock.
        event_sources.append(DailySchedule(purge_handler, function_name="purge", clock=desk_clock).start())
        # The report dispatcher's cron (moto's Scheduler fires nothing): on the hour, 06:00-23:00 Eastern, of the desk's clock.
        next_dispatch = hourly_between(reports_delivery.DISPATCH_HOURS, reports_delivery.DISPATCH_TIME_ZONE)
        event_sources.append(
            CronSchedule(report_dispatcher, function_name="report-dispatcher", next_fire=next_dispatch, clock=desk_clock).start()
        )
        # The updates domain's crons (moto's Scheduler fires nothing), each invoking the job with its input as the stack's
        # schedules do: Patch Tuesday (second Tuesday, 15:00 Eastern) and the behind-GA check (Mondays, 08:00 Eastern).
        for update_cron in UPDATE_CRONS:
            cron = CronSchedule(
                update_job, function_name=f"update-job:{update_cron.name}", next_fire=cron_instants(update_cron), clock=desk_clock,
                event=job_input(update_cron),
            )  # fmt: skip
            event_sources.append(cron.start())
        # The validation-due schedules the updates API creates in moto's Scheduler: fired when the desk's clock passes them.
        event_sources.append(AtSchedules(resources.updates_schedule_group, clock=desk_clock).start())
        authorizer = CognitoAuthorizer(
            jwks_url(aws_url, resources.user_pool_id), resources.user_pool_issuer, audience=resources.user_pool_client_id
        )
        authorizer.keys()  # fetched now, so a problem shows at start
        # Every tenant's mail, and moving the desk's time, without a token: offered only when the API listens on loopback alone.
        local_routes: LocalRoutes = {}
        local_posts: LocalPosts = {}
        if is_loopback(args.host):
            clock_reads, clock_moves = clock_routes(desk_clock)
            local_routes = {OUTBOX_PATH: lambda query: {"items": sent_mail(query.get("to"))}, **clock_reads}
            local_posts = clock_moves
        api = product_api(authorizer, local_routes=local_routes, local_posts=local_posts)
        servers.append(serve(api_socket, api))
        # The portal's origin serves the API under /api, as CloudFront does; the page may call moto (Cognito, S3).
        servers.append(serve(portal_socket, PortalServer(api, connect_sources=[aws_url])))
        session = {
            "api": api_url, "aws": aws_url, "portal": local_portal_url, "tokens": demo_users.sign_in(), "users": demo_users.credentials(),
            "monitoring": monitoring,
            "cognito": {"region": REGION, "userPoolId": resources.user_pool_id, "userPoolClientId": resources.user_pool_client_id},
        }  # fmt: skip
        write_session(args.session_file, session)
        refresh_seconds = args.token_refresh_minutes * 60

        def publish(tokens: dict[str, str]) -> None:
            write_session(args.session_file, session | {"tokens": tokens})

        event_sources.append(TokenRefresher(demo_users, refresh_seconds, publish).start())
        print(
            banner(
                api_url,
                aws_url,
                session,
                args.session_file,
                portal_url,
                args.time_scale,
                args.token_refresh_minutes,
                CLOCK_PATH if local_posts else None,
            ),
            flush=True,
        )
        while not stop.wait(1):  # a timeout keeps Ctrl-C responsive on every platform
            pass
    finally:
        api_socket.close()
        portal_socket.close()
        # Before moto goes away under their polls: every source at once (each waits for its poll or invocation in
        # flight, up to a long poll's second for an idle queue's), so stopping takes the longest of them, not their sum.
        stopping = [threading.Thread(target=running.stop, name=f"stop:{type(running).__name__}") for running in event_sources]
        for stopper in stopping:
            stopper.start()
        for stopper in stopping:
            stopper.join()
        for server, thread in reversed(servers):
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
    print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
