"""`dss files`: upload files to a case (parallel, resumable, checksummed), list and download them, and the
unfinished uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from dss_cli import DEFAULT_PARALLEL
from dss_cli.api import case_path
from dss_cli.checksums import from_b64
from dss_cli.commands.common import CaseNumber, JsonFlag, client_of, err, note, out, print_json
from dss_cli.config import uploads_dir
from dss_cli.errors import CliError
from dss_cli.progress import progress_bars
from dss_cli.units import human_size, parse_size

files_app = typer.Typer(help="Upload files to a case (parallel, resumable, checksummed), list and download them.", no_args_is_help=True)


def checksum_text(checksum: Any) -> str:
    value = checksum.get("value") if isinstance(checksum, dict) else checksum
    if not isinstance(value, str):
        return ""
    try:
        return f"{value} ({from_b64(value):08x})"
    except ValueError:
        return value


def parse_rate(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(parse_size(value))
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--limit-rate") from None


@files_app.command("upload")
def files_upload(
    ctx: typer.Context,
    case_number: CaseNumber,
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Files to attach, uploaded one after another.",
            exists=True,
            dir_okay=False,
            readable=True,
            resolve_path=True,
            show_default=False,
            metavar="PATH...",
        ),
    ],
    parallel: Annotated[
        int, typer.Option("--parallel", "-p", min=1, max=64, help="Parts in flight at once (memory: this many parts).")
    ] = DEFAULT_PARALLEL,
    limit_rate: Annotated[str | None, typer.Option(help="Average upload rate cap, e.g. 500K, 4M.")] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar on stderr.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list of the recorded files.")] = False,
) -> None:
    """Upload files to a case. An interrupted upload (Ctrl-C, crash, lost network) resumes when you run the same command again."""
    from dss_cli.uploads import Uploader

    rate = parse_rate(limit_rate)
    client = client_of(ctx)
    recorded, failures = [], 0
    with progress_bars(progress, err) as bars:
        uploader = Uploader(client, parallel=parallel, state_dir=uploads_dir(), progress=bars, rate_limit=rate, log=note)
        for path in paths:
            try:
                result = uploader.upload(case_number, path)
            except CliError as error:
                if error.exit_code != 1 or len(paths) == 1:
                    raise
                failures += 1  # the other files still go; the exit code says one failed
                typer.echo(f"Error: {path.name}: {error.one_line()}", err=True)
                continue
            recorded.append(result.case_file)
            if not as_json:
                case_file = result.case_file
                speed = result.bytes_sent / result.seconds / (1 << 20) if result.seconds > 0 else 0
                typer.echo(
                    f"Uploaded {case_file.get('fileName')} to case {case_file.get('caseNumber')}: file id {case_file.get('fileId')}, "
                    f"{case_file.get('size')} bytes, CRC32 {checksum_text(case_file.get('checksum'))}"
                    f" ({result.parts_sent} of {result.part_count} parts sent, {speed:.1f} MiB/s)"
                )
    if as_json:
        print_json(recorded)
    if failures:
        raise typer.Exit(1)


@files_app.command("list")
def files_list(ctx: typer.Context, case_number: CaseNumber, as_json: JsonFlag = False) -> None:
    """The case's files with their size and CRC32 (and the purge date once the case is closed)."""
    answer = client_of(ctx).list_files(case_number)
    if as_json:
        print_json(answer)
        return
    table = Table(title=f"Files of case {case_path(case_number)}")
    table.add_column("Name", overflow="fold")
    table.add_column("Size", justify="right", no_wrap=True)
    table.add_column("CRC32", no_wrap=True)
    table.add_column("Uploaded at", no_wrap=True)
    table.add_column("By")
    table.add_column("File id", overflow="fold")
    for item in answer.get("items", []):
        who = item.get("uploadedBy") or {}
        table.add_row(item.get("fileName"), human_size(item.get("size")), checksum_text(item.get("checksum")), item.get("uploadedAt"),
                      f"{who.get('userId')} ({who.get('role')})", item.get("fileId"))  # fmt: skip
    out.print(table)
    if answer.get("filesPurgedAt"):
        note(f"The files were purged at {answer['filesPurgedAt']}.")
    elif answer.get("purgeAt"):
        note(f"The case is closed: its files are purged at {answer['purgeAt']} unless it is reopened.")


@files_app.command("download")
def files_download(
    ctx: typer.Context,
    case_number: CaseNumber,
    file_id: Annotated[str, typer.Argument(help="The file id (dss files list).", show_default=False, metavar="FILE_ID")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Target file or directory [default: the file's name, here].")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing target file.")] = False,
    progress: Annotated[bool, typer.Option(help="Show a progress bar on stderr.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print path, size and checksum as JSON.")] = False,
) -> None:
    """Download a file of a case; written under its name only once its CRC32 matches the recorded one."""
    from dss_cli.downloads import download_file

    with progress_bars(progress, err) as bars:
        result = download_file(client_of(ctx), case_number, file_id, output, overwrite=force, progress=bars)
    if as_json:
        print_json({"path": str(result.path), "size": result.size, "checksum": {"algorithm": "CRC32", "value": result.checksum}})
        return
    typer.echo(f"Downloaded {result.file_name} to {result.path}: {result.size} bytes, CRC32 {checksum_text(result.checksum)} verified")


@files_app.command("uploads")
def files_uploads(ctx: typer.Context, case_number: CaseNumber, as_json: JsonFlag = False) -> None:
    """The case's unfinished uploads (resume one by running its `dss files upload` again, or abort it)."""
    items = client_of(ctx).list_uploads(case_number)
    if as_json:
        print_json({"items": items})
        return
    table = Table("Upload id", "Name", "Size", "Parts", "Started", "Expires", title=f"Unfinished uploads of case {case_path(case_number)}")
    for item in items:
        table.add_row(
            item.get("uploadId"),
            item.get("fileName"),
            human_size(item.get("size")),
            str(item.get("partCount")),
            item.get("createdAt"),
            item.get("expiresAt"),
        )
    out.print(table)


@files_app.command("abort")
def files_abort(
    ctx: typer.Context,
    case_number: CaseNumber,
    upload_id: Annotated[str, typer.Argument(help="dss files uploads CASE lists them.", show_default=False, metavar="UPLOAD_ID")],
) -> None:
    """Abort an unfinished upload (its parts are deleted)."""
    client_of(ctx).abort_upload(case_number, upload_id)
    note(f"Aborted upload {upload_id}")
