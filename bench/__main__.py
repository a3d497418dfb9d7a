"""`python -m bench`: measures, prints each budget with PASS/FAIL, exits 1 if any is missed."""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from collections.abc import Callable

from bench import alerts, call_budgets, cold_start, portal, publish_lag, reports, timers, uploads


def verdict(met: bool) -> str:
    return "PASS" if met else "FAIL"


def describe(calls: Counter) -> str:
    services: dict[str, list[str]] = {}
    for (service, operation), count in sorted(calls.items()):
        services.setdefault(service, []).append(operation + (f" x{count}" if count > 1 else ""))
    return "; ".join(f"{service} {', '.join(operations)}" for service, operations in services.items()) or "none"


def report_cold_start(runs: int) -> bool:
    baseline, *handlers = cold_start.measure(runs)
    print(f"Cold import + init, {runs} fresh interpreters each (ms)")
    print(f"  {'':<34}{'median':>8}{'min':>8}{'max':>8}{'import':>8}{'init':>8}")
    for timing in (baseline, *handlers):
        figures = (timing.median_ms, min(timing.totals_ms), max(timing.totals_ms), timing.import_ms, timing.init_ms)
        print(f"  {timing.name:<34}" + "".join(f"{figure:>8.0f}" for figure in figures))
    all_met = True
    relative_ms = cold_start.BUDGET_X_BASELINE * baseline.median_ms
    for timing in handlers:
        for label, limit in ((f"<= {cold_start.BUDGET_MS} ms", cold_start.BUDGET_MS),
                             (f"<= {cold_start.BUDGET_X_BASELINE} x baseline = {relative_ms:.0f} ms", relative_ms)):  # fmt: skip
            met = timing.median_ms <= limit
            all_met &= met
            print(f"  {verdict(met)}  {timing.name}: median {timing.median_ms:.0f} ms, budget {label}")
    return all_met


def report_aws_calls() -> bool:
    return _call_table("AWS calls per request (the real handler under moto)", call_budgets.measure()) & _call_table(
        "AWS calls per timer start, stop and step (the real handlers under moto)", timers.measure_calls()
    )


def report_transitions() -> bool:
    rows = timers.measure_transitions()
    print("\nState transitions per timer (the real ASL executed by moto; states entered, as Step Functions bills)")
    width = max(len(row.timer) for row in rows) + 2
    for row in rows:
        print(f"  {verdict(row.met):<6}{row.timer:<{width}}{row.states_entered:>3} ({row.status.lower()}), budget <= {row.budget}")
    return all(row.met for row in rows)


def report_uploads() -> bool:
    ours, theirs = uploads.measure()
    print(f"\nUpload of {uploads.FILE_SIZE // uploads.MIB} MiB to the local S3 (each client in its own process)")
    for upload in (ours, theirs):
        figures = f"{upload.mib_per_second:>6.0f} MiB/s{upload.seconds:>7.1f} s   peak RSS {upload.peak_rss_mib:>4.0f} MiB"
        print(f"  {upload.client:<54}{figures}")
    ratio = ours.mib_per_second / theirs.mib_per_second
    fast, lean = ratio >= uploads.MIN_RATIO, ours.peak_rss_mib <= uploads.MAX_CLIENT_RSS_MIB
    print(f"  {verdict(fast)}  throughput ratio dss / s3transfer {ratio:.2f}, goal >= {uploads.MIN_RATIO}")
    print(f"  {verdict(lean)}  dss peak RSS {ours.peak_rss_mib:.0f} MiB for a 1 GiB file, budget <= {uploads.MAX_CLIENT_RSS_MIB} MiB")
    return fast and lean


def report_publish_lag() -> bool:
    measured = publish_lag.measure()
    print(f"\nPublish lag on the local stack: commit (the HTTP answer) -> the event on the bus, {len(measured.lag_ms)} changes")
    print(f"  median {measured.median_ms:.0f} ms, p95 {measured.p95_ms:.0f} ms, max {max(measured.lag_ms):.0f} ms; "
          f"the change's own request: median {measured.request_median_ms:.0f} ms "
          f"(lag / request {measured.median_ms / measured.request_median_ms:.1f})")  # fmt: skip
    met = measured.p95_ms <= publish_lag.BUDGET_MS
    print(f"  {verdict(met)}  p95 {measured.p95_ms:.0f} ms, budget <= {publish_lag.BUDGET_MS} ms")
    return met


def report_alerts() -> bool:
    title = "AWS calls of the monitoring intake (per request) and the alerts processor (per batch; the real handlers under moto)"
    calls = _call_table(title, alerts.measure_calls())
    measured = alerts.measure_latency()
    p50, p95, base50, base95 = measured.p50_ms, measured.p95_ms, measured.baseline_p50_ms, measured.baseline_p95_ms
    print(
        f"\nAlert -> case on the local stack: {alerts.BURST_EVENTS} signed webhooks on a new device (the first send) -> its "
        f"1-Prod Down case listed in the staff's case view; {len(measured.alert_to_case_ms)} of {alerts.INCIDENTS} incidents"
    )
    slowest = max(measured.alert_to_case_ms, default=math.inf)
    print(f"  p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {slowest:.0f} ms; the baseline, a plain POST /cases "
          f"in the same run: p50 {base50:.0f} ms, p95 {base95:.0f} ms (alert-to-case / POST /cases: p50 {p50 / base50:.1f}, "
          f"p95 {p95 / base95:.1f})")  # fmt: skip
    print(f"  {verdict(measured.met)}  p95 {p95:.0f} ms, budget <= {alerts.LATENCY_BUDGET_SECONDS * 1000:.0f} ms")
    return calls and measured.met


def report_reports() -> bool:
    rows = reports.measure_reads()
    print("\nCase reports: the week's report of an account (the real dal under moto), items its Queries read per case it reports")
    print(f"  {'':6}{'history':>9}{'(open)':>8}{'in week':>9}{'reported':>10}{'queries':>9}{'items read':>12}{'per case':>10}   by section")
    for row in rows:
        sections = ", ".join(f"{name} {count}" for name, count in row.by_section.items())
        print(f"  {verdict(row.met):<6}{row.history:>9}{row.open_in_history:>8}{row.in_period:>9}{row.cases_reported:>10}{row.queries:>9}"
              f"{row.items_read:>12}{row.per_case:>10.2f}   {sections}")  # fmt: skip
    print(f"  budget: items read / cases reported <= {reports.ITEMS_READ_PER_CASE_BUDGET}, whatever the account's history")
    wall = reports.measure_wall()
    print(f"  wall time, median of {reports.WALL_RUNS}: the report {wall.report_ms:.0f} ms, one page of GET /cases "
          f"{wall.baseline_ms:.0f} ms (ratio {wall.report_ms / wall.baseline_ms:.1f})")  # fmt: skip
    return all(row.met for row in rows)


def report_portal() -> bool:
    measured = portal.measure()
    size_kb, ratio = measured.js_gzip_bytes / 1024, measured.first_list_median_ms / measured.api_list_median_ms
    print(f"\nThe portal: JavaScript {size_kb:.1f} KB gzipped; the case list's first page in Chromium on the local stack "
          f"median {measured.first_list_median_ms:.0f} ms (max {max(measured.first_list_ms):.0f} ms) against the API's own "
          f"answer median {measured.api_list_median_ms:.0f} ms (page / API {ratio:.1f})")  # fmt: skip
    small, quick = size_kb <= portal.MAX_JS_GZIP_KB, measured.first_list_median_ms <= portal.MAX_FIRST_LIST_MS
    print(f"  {verdict(small)}  JavaScript {size_kb:.1f} KB gzipped, budget <= {portal.MAX_JS_GZIP_KB} KB")
    print(f"  {verdict(quick)}  first case list median {measured.first_list_median_ms:.0f} ms, budget <= {portal.MAX_FIRST_LIST_MS} ms")
    return small and quick


def _call_table(title: str, rows: list) -> bool:
    print(f"\n{title}")
    width = max(len(row.operation) for row in rows) + 2
    calls_width = max(len(describe(row.calls)) for row in rows) + 2
    print(f"  {'':<6}{'operation':<{width}}{'calls':<{calls_width}}budget")
    for row in rows:
        print(f"  {verdict(row.met):<6}{row.operation:<{width}}{describe(row.calls):<{calls_width}}{row.budget}")
    return all(row.met for row in rows)


# What `make bench` measures, in order; `python -m bench --only alerts` runs one (each takes the parsed options).
SECTIONS: dict[str, Callable[[argparse.Namespace], bool]] = {
    "cold-start": lambda options: report_cold_start(options.runs),
    "aws-calls": lambda _: report_aws_calls(),
    "transitions": lambda _: report_transitions(),
    "publish-lag": lambda _: report_publish_lag(),
    "alerts": lambda _: report_alerts(),
    "reports": lambda _: report_reports(),
    "portal": lambda _: report_portal(),
    "uploads": lambda _: report_uploads(),
}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=cold_start.RUNS, help="fresh interpreters per subject (default %(default)s)")
    parser.add_argument("--only", action="append", choices=list(SECTIONS), help="run only this section (repeatable; default: all)")
    args = parser.parse_args()
    all_met = True
    for name in args.only or SECTIONS:
        all_met &= SECTIONS[name](args)
    print("\nAll budgets met." if all_met else "\nFAIL: some budgets are missed (see above).")
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
