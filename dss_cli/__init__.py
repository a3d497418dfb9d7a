"""`dss`: the command-line client of the Dedicated Support Services case desk.

A plain HTTP client of the API (no AWS SDK, nothing from functions/): cases, and files uploaded to a
case through presigned multipart URLs, in parallel, resumable and checksummed (CRC32).

In-process use (e.g. a benchmark)::

    from dss_cli import upload
    case_file = upload("http://127.0.0.1:3000", token, "0000000001", "big.log", parallel=8)
"""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"
# Parts in flight by default (each worker holds one part): s3transfer runs 10 threads; 16 parts of 8 MiB
# keep the client near 170 MB whatever the file's size.
DEFAULT_PARALLEL = 16


def upload(
    api: str, token: str, case_number: str, path: str | Path, *, parallel: int = DEFAULT_PARALLEL, state_dir: str | Path | None = None
) -> dict:
    """Upload one file to a case (resuming an interrupted upload of it) and return the recorded CaseFile."""
    from dss_cli.api import ApiClient
    from dss_cli.config import uploads_dir
    from dss_cli.uploads import Uploader

    with ApiClient(api, token) as client:
        uploader = Uploader(client, parallel=parallel, state_dir=Path(state_dir) if state_dir else uploads_dir())
        return uploader.upload(case_number, Path(path)).case_file
