"""`dss files download`: the presigned GET streamed to a temporary file next to the target, its CRC32
checked against the one recorded at upload, then renamed: a corrupt or partial file never carries the
target's name."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import requests

from dss_cli.api import ApiClient
from dss_cli.checksums import crc32, to_b64
from dss_cli.errors import CliError
from dss_cli.progress import NoProgress, ProgressSink
from dss_cli.transport import describe_network_error, s3_error, s3_session

CHUNK = 1 << 20
GET_TIMEOUT = (10, 120)


@dataclass
class DownloadResult:
    path: Path
    size: int
    checksum: str
    file_name: str


def safe_name(name: str) -> str:
    """The recorded file name as a local name: its last component, never empty or a parent."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return base if base not in ("", ".", "..") else "download"


def target_path(output: Path | None, file_name: str) -> Path:
    if output is None:
        return Path.cwd() / safe_name(file_name)
    if output.is_dir():
        return output / safe_name(file_name)
    return output


def recorded_checksum(info: dict) -> str:
    checksum = info.get("checksum")
    value = checksum.get("value") if isinstance(checksum, dict) else checksum
    if not isinstance(value, str):
        raise CliError("the API gave no checksum for this file: cannot verify it")
    return value


def _umask() -> int:
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def download_file(
    client: ApiClient,
    case_number: str,
    file_id: str,
    output: Path | None = None,
    *,
    overwrite: bool = False,
    progress: ProgressSink | None = None,
    session: requests.Session | None = None,
) -> DownloadResult:
    progress = progress or NoProgress()
    info = client.download_url(case_number, file_id)
    file_name, size, expected = info.get("fileName") or file_id, int(info.get("size", -1)), recorded_checksum(info)
    target = target_path(output, file_name)
    if target.exists() and not overwrite:
        raise CliError(f"{target} exists; choose another -o PATH or pass --force to replace it")
    if not target.parent.is_dir():
        raise CliError(f"{target.parent} is not a directory")
    session = session or s3_session(1)
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".dss-partial")
    partial_path = Path(partial)
    try:
        crc, received = 0, 0
        with os.fdopen(fd, "wb") as out:
            try:
                with session.get(info["url"], stream=True, timeout=GET_TIMEOUT) as response:
                    if response.status_code != 200:
                        code, message = s3_error(response)
                        raise CliError(f"the download was refused: HTTP {response.status_code} {code} {message}".rstrip())
                    with progress.task(f"download {file_name}", size if size >= 0 else None) as advance:
                        for chunk in response.iter_content(CHUNK):
                            out.write(chunk)
                            crc = crc32(chunk, crc)
                            received += len(chunk)
                            advance(len(chunk))
            except requests.RequestException as error:
                raise CliError(describe_network_error(error, info["url"]) + "; nothing was written, try again") from None
            out.flush()
            os.fsync(out.fileno())
        if size >= 0 and received != size:
            raise CliError(f"{file_name}: received {received} bytes, the case records {size}; nothing was written, try again")
        if to_b64(crc) != expected:
            raise CliError(f"{file_name}: CRC32 {to_b64(crc)} does not match the recorded {expected}; nothing was written, try again")
        os.chmod(partial_path, 0o666 & ~_umask())  # mkstemp made it private; the target gets the usual mode
        os.replace(partial_path, target)
    except BaseException:
        partial_path.unlink(missing_ok=True)
        raise
    return DownloadResult(target, received, expected, file_name)
