"""`dss files upload`: presigned multipart uploads in parallel, checksummed, resumable.

One file, step by step (uploader.py runs them):
1. one streaming read computes the CRC32 of every 1 MiB block (checksums.digest_file): the whole
   file's CRC for the start, and every part's CRC once the part size is known, by combination;
2. a saved upload of the same file (same API, case, absolute path, size and mtime; state.py) is resumed
   (plan.py): the parts S3 already holds are compared with the local checksums, the rest is sent; an
   upload the API no longer knows (404) is completed once more in case it was completed already (a
   completion whose answer was lost: the API answers with the same file), else it starts over, as does
   one whose file changed;
3. otherwise the upload is started with an Idempotency-Key saved under the config dir first (a run that
   stops before the answer is saved starts again with the same key and gets the same upload, within the
   API's 24 hours), and its id saved before any part is sent;
4. the parts go `parallel` at a time on a thread pool (parts.py), each read with os.pread, checked
   against its CRC and PUT to its presigned URL with the signed `x-amz-checksum-crc32` header and exactly
   the part's length (signed into the URL too: S3 refuses any other Content-Length); URLs are fetched
   in batches of up to 100, and again when they are about to expire or S3 says they did (part_urls.py);
5. complete; the API checks every part and the whole-file CRC; the saved state is removed.
This is the second and last read of the file. Ctrl-C (or a crash) leaves the state: run the same
command again.
"""

from dss_cli.uploads.uploader import Uploader, UploadResult

__all__ = ["UploadResult", "Uploader"]
