// One file's upload from the browser, as the CLI does it (dss_cli/uploads/): the file's 1 MiB block CRCs in a
// Web Worker, the whole-file CRC32 by combination, start (Idempotency-Key), part URLs in batches of up to 100,
// the parts PUT 4 at a time with the signed checksum header, a fresh URL for a part whose URL expired (403),
// then complete. Resuming: the same file (checked by its CRC32) sends only the parts S3 does not hold.
import { api, networkProblem, newIdempotencyKey, problem, type ApiProblem, type Schemas } from "../api/client";
import { crcToB64, partRanges, rangeCrc, type PartRange } from "./crc32";
import type { DigestMessage, DigestRequest } from "./crc.worker";

export type Upload = Schemas["Upload"];
export type CaseFile = Schemas["CaseFile"];
type StoredPart = Schemas["StoredPart"];

export const PARALLEL = 4;
const URL_BATCH = 100; // the API's maximum per call
const URL_LIFETIME_MS = 15 * 60_000; // the API's maximum
const URL_MARGIN_MS = 60_000; // a URL this close to expiry is refreshed before use
const PART_ATTEMPTS = 4;
const CORRUPT_CODES = new Set(["BadDigest", "InvalidDigest", "XAmzContentChecksumMismatch", "InvalidChecksum"]);
const RETRY_CODES = new Set(["RequestTimeout", "SlowDown", "InternalError", "ServiceUnavailable"]);

export type Progress =
  | { phase: "checksum"; done: number; total: number }
  | { phase: "upload"; done: number; total: number; resumed: boolean }
  | { phase: "complete"; done: number; total: number };

/** A failure to show the user: the API's problem (with its field) or a sentence of ours. */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly problem?: ApiProblem,
    readonly code?: string,
  ) {
    super(message);
  }
}

type Outcome<T> = { data?: T; error?: unknown; response: Response };

/** The API's answer, or an UploadError with its message. */
async function call<T>(request: () => Promise<Outcome<T>>, retries = 0): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    let outcome: Outcome<T>;
    try {
      outcome = await request();
    } catch {
      if (attempt < retries) {
        await sleep(500 * 2 ** attempt);
        continue;
      }
      const failure = networkProblem();
      throw new UploadError(failure.message, failure);
    }
    const status = outcome.response.status;
    if (outcome.response.ok) return outcome.data as T;
    if (attempt < retries && (status === 429 || status === 503 || status === 500)) {
      await sleep(500 * 2 ** attempt);
      continue;
    }
    const failure = problem(outcome.error, outcome.response);
    const code =
      outcome.error && typeof outcome.error === "object" && "error" in outcome.error ? String(outcome.error.error) : undefined;
    throw new UploadError(failure.message, failure, code);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/** The CRC32 of every 1 MiB block of the file, computed in a Web Worker. */
export function digestFile(file: File, onProgress: (done: number) => void, signal?: AbortSignal): Promise<Uint32Array> {
  const worker = new Worker(new URL("./crc.worker.ts", import.meta.url), { type: "module" });
  return new Promise<Uint32Array>((resolve, reject) => {
    signal?.addEventListener("abort", () => reject(new UploadError("Stopped.")), { once: true });
    worker.onmessage = ({ data }: MessageEvent<DigestMessage>) => {
      if (data.kind === "progress") onProgress(data.done);
      else if (data.kind === "done") resolve(data.blocks);
      else reject(new UploadError(`Could not read ${file.name}: ${data.message}`));
    };
    worker.onerror = (event) => reject(new UploadError(`Could not read ${file.name}: ${event.message || "the checksum worker failed"}`));
    worker.postMessage({ file } satisfies DigestRequest);
  }).finally(() => worker.terminate());
}

type PartTarget = { url: string; headers: Record<string, string>; validUntil: number; length: number };

/** Part URLs, fetched in batches of up to 100 in upload order, refreshed before they expire. */
class PartUrls {
  private cache = new Map<number, PartTarget>();
  private pending = new Map<number, Promise<void>>();
  private done = new Set<number>();
  private position: Map<number, number>;

  constructor(
    private caseNumber: string,
    private uploadId: string,
    private checksums: Map<number, string>,
    private order: number[],
  ) {
    this.position = new Map(order.map((n, i) => [n, i]));
  }

  private valid(n: number, now: number): boolean {
    const entry = this.cache.get(n);
    return entry !== undefined && entry.validUntil > now;
  }

  async get(n: number): Promise<PartTarget> {
    for (let round = 0; round < 3; round++) {
      const entry = this.cache.get(n);
      if (entry && entry.validUntil > Date.now()) return entry;
      const pending = this.pending.get(n);
      await (pending ?? this.fetchBatch(n));
    }
    throw new UploadError(`The case desk sent no URL for part ${n}; try again.`);
  }

  private async fetchBatch(n: number): Promise<void> {
    const now = Date.now();
    const wanted = [n];
    for (const other of this.order.slice((this.position.get(n) ?? this.order.length) + 1)) {
      if (wanted.length >= URL_BATCH) break;
      if (!this.done.has(other) && !this.valid(other, now) && !this.pending.has(other)) wanted.push(other);
    }
    const request = (async () => {
      const answer = await call(
        () =>
          api.POST("/cases/{caseNumber}/uploads/{uploadId}/part-urls", {
            params: { path: { caseNumber: this.caseNumber, uploadId: this.uploadId } },
            body: { parts: wanted.map((p) => ({ partNumber: p, checksum: this.checksums.get(p) ?? "" })) },
          }),
        2,
      );
      const fetched = Date.now();
      for (const item of answer.urls) {
        const expires = Date.parse(item.expiresAt);
        const lifetime = Math.min(Number.isNaN(expires) ? URL_LIFETIME_MS : expires - fetched, URL_LIFETIME_MS);
        this.cache.set(item.partNumber, {
          url: item.url,
          headers: item.headers,
          validUntil: fetched + Math.max(lifetime - URL_MARGIN_MS, 30_000),
          length: item.contentLength,
        });
      }
    })();
    for (const p of wanted) this.pending.set(p, request);
    try {
      await request;
    } finally {
      for (const p of wanted) if (this.pending.get(p) === request) this.pending.delete(p);
    }
  }

  invalidate(n: number): void {
    this.cache.delete(n);
  }

  finished(n: number): void {
    this.cache.delete(n);
    this.done.add(n);
  }
}

/** S3's error code from its XML answer ("" when there is none). */
async function s3Code(response: Response): Promise<string> {
  try {
    return /<Code>([^<]*)<\/Code>/.exec(await response.text())?.[1] ?? "";
  } catch {
    return "";
  }
}

async function sendPart(
  file: File,
  part: PartRange,
  checksum: string,
  urls: PartUrls,
  signal: AbortSignal,
): Promise<void> {
  let refreshed = false;
  let last = "";
  for (let attempt = 1; attempt <= PART_ATTEMPTS; ) {
    if (signal.aborted) throw new UploadError("Stopped.");
    const target = await urls.get(part.number);
    if (target.length !== part.length) {
      throw new UploadError(`The case desk signed part ${part.number} for ${target.length} bytes, but it holds ${part.length}.`);
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(target.headers)) headers[name.toLowerCase()] = value;
    if ((headers["x-amz-checksum-crc32"] ?? checksum) !== checksum) {
      throw new UploadError(`The case desk signed part ${part.number} with another checksum than the one sent.`);
    }
    headers["x-amz-checksum-crc32"] = checksum;
    let response: Response;
    try {
      // A Blob slice has no type: no Content-Type is sent (it is not signed into the URL).
      const body = file.slice(part.offset, part.offset + part.length);
      response = await fetch(target.url, { method: "PUT", body, headers, signal, credentials: "omit", mode: "cors" });
    } catch {
      if (signal.aborted) throw new UploadError("Stopped.");
      last = "the storage could not be reached";
      if (attempt < PART_ATTEMPTS) await sleep(1000 * 2 ** (attempt - 1), signal);
      attempt++;
      continue;
    }
    if (response.ok) {
      urls.finished(part.number);
      return;
    }
    const code = await s3Code(response);
    last = `HTTP ${response.status}${code ? ` ${code}` : ""}`;
    if (response.status === 403) {
      urls.invalidate(part.number); // expired (or clock skew): ask for a fresh URL
      if (!refreshed) refreshed = true; // a first refresh is not a failure
      else attempt++;
      continue;
    }
    if (response.status === 400 && CORRUPT_CODES.has(code)) {
      throw new UploadError(
        `${file.name} changed while it was being sent (part ${part.number} no longer matches its checksum): choose it again once it no longer changes.`,
      );
    }
    if (response.status === 408 || response.status === 429 || response.status >= 500 || RETRY_CODES.has(code)) {
      if (attempt < PART_ATTEMPTS) await sleep(1000 * 2 ** (attempt - 1), signal);
      attempt++;
      continue;
    }
    throw new UploadError(`The storage refused part ${part.number} of ${file.name} (${last}).`);
  }
  throw new UploadError(`Part ${part.number} of ${file.name} failed ${PART_ATTEMPTS} times (last: ${last}); use Resume to try again.`);
}

/** The parts S3 does not hold with exactly their size and checksum (a part listed without a checksum is trusted by its size). */
function missingParts(parts: PartRange[], held: StoredPart[], checksums: Map<number, string>): PartRange[] {
  const byNumber = new Map(held.map((p) => [p.partNumber, p]));
  return parts.filter((part) => {
    const stored = byNumber.get(part.number);
    if (!stored || stored.size !== part.length) return true;
    return stored.checksum !== null && stored.checksum !== undefined && stored.checksum !== checksums.get(part.number);
  });
}

export type UploadOptions = {
  /** An unfinished upload of this file to continue: the file must have its size and CRC32. */
  resume?: Upload;
  onProgress: (progress: Progress) => void;
  signal: AbortSignal;
};

export async function uploadFile(caseNumber: string, file: File, options: UploadOptions): Promise<CaseFile> {
  const { signal, onProgress } = options;
  const size = file.size;
  onProgress({ phase: "checksum", done: 0, total: size });
  const blocks = await digestFile(file, (done) => onProgress({ phase: "checksum", done, total: size }), signal);
  const checksum = crcToB64(rangeCrc(blocks, size, 0, size));

  let upload: Upload;
  let held: StoredPart[] = [];
  const resumed = options.resume !== undefined;
  if (options.resume) {
    if (options.resume.size !== size || options.resume.checksum.value !== checksum) {
      throw new UploadError(
        `${file.name} is not the file this upload began with (its size or CRC32 differs): choose the same file, or discard the upload.`,
      );
    }
    const detail = await getUpload(caseNumber, options.resume.uploadId);
    upload = detail;
    held = detail.parts;
  } else {
    const key = `portal-${newIdempotencyKey()}`;
    upload = await call(
      () =>
        api.POST("/cases/{caseNumber}/uploads", {
          params: { path: { caseNumber }, header: { "idempotency-key": key } },
          body: {
            fileName: file.name,
            size,
            contentType: file.type || "application/octet-stream",
            checksum: { algorithm: "CRC32", value: checksum },
          },
        }),
      2, // the same key: a retried start returns the same upload
    );
  }

  const parts = partRanges(size, upload.partSize);
  if (parts.length !== upload.partCount) {
    throw new UploadError(`The case desk chose ${upload.partCount} parts of ${upload.partSize} bytes, which cannot hold ${size} bytes.`);
  }
  let checksums: Map<number, string>;
  try {
    checksums = new Map(parts.map((p) => [p.number, crcToB64(rangeCrc(blocks, size, p.offset, p.length))]));
  } catch {
    throw new UploadError(`The case desk chose parts of ${upload.partSize} bytes, not whole MiB: the portal cannot upload them.`);
  }

  const send = async (missing: PartRange[]) => {
    if (signal.aborted) throw new UploadError("Stopped.");
    let done = size - missing.reduce((sum, p) => sum + p.length, 0);
    onProgress({ phase: "upload", done, total: size, resumed });
    const urls = new PartUrls(caseNumber, upload.uploadId, checksums, missing.map((p) => p.number));
    let next = 0;
    let failure: unknown = null;
    const stop = new AbortController();
    const abort = () => stop.abort();
    signal.addEventListener("abort", abort, { once: true });
    if (signal.aborted) stop.abort();
    const lane = async () => {
      while (failure === null && !stop.signal.aborted && next < missing.length) {
        const part = missing[next++];
        try {
          await sendPart(file, part, checksums.get(part.number) ?? "", urls, stop.signal);
          done += part.length;
          onProgress({ phase: "upload", done, total: size, resumed });
        } catch (error) {
          failure ??= error;
          stop.abort(); // the parts in flight stop too: Resume sends what is missing
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(PARALLEL, missing.length) }, lane));
    } finally {
      signal.removeEventListener("abort", abort);
    }
    if (failure !== null) throw failure;
    if (signal.aborted) throw new UploadError("Stopped.");
  };

  await send(missingParts(parts, held, checksums));
  if (signal.aborted) throw new UploadError("Stopped.");
  onProgress({ phase: "complete", done: size, total: size });
  const completeKey = `portal-${newIdempotencyKey()}`;
  for (let round = 1; ; round++) {
    try {
      return await call(
        () =>
          api.POST("/cases/{caseNumber}/uploads/{uploadId}/complete", {
            params: { path: { caseNumber, uploadId: upload.uploadId }, header: { "idempotency-key": completeKey } },
          }),
        2,
      );
    } catch (error) {
      const code = error instanceof UploadError ? error.code : undefined;
      if (round === 1 && (code === "parts_missing" || code === "part_size_mismatch")) {
        // S3 lost or never got a part we thought sent: ask what it holds and send the rest once more.
        const detail = await getUpload(caseNumber, upload.uploadId);
        await send(missingParts(parts, detail.parts, checksums));
        continue;
      }
      throw error;
    }
  }
}

export function getUpload(caseNumber: string, uploadId: string) {
  return call(() => api.GET("/cases/{caseNumber}/uploads/{uploadId}", { params: { path: { caseNumber, uploadId } } }), 2);
}

export function discardUpload(caseNumber: string, uploadId: string) {
  return call(() => api.DELETE("/cases/{caseNumber}/uploads/{uploadId}", { params: { path: { caseNumber, uploadId } } }));
}

export function downloadUrl(caseNumber: string, fileId: string) {
  return call(() => api.GET("/cases/{caseNumber}/files/{fileId}/download", { params: { path: { caseNumber, fileId } } }));
}

/** Every page of a listing (follow nextToken). */
async function allPages<T, P extends { items: T[]; nextToken?: string | null }>(
  page: (nextToken: string | undefined) => Promise<Outcome<P>>,
): Promise<{ items: T[]; first: P }> {
  const items: T[] = [];
  let first: P | undefined;
  let nextToken: string | undefined;
  for (let n = 0; n < 50; n++) {
    const data: P = await call(() => page(nextToken), 1);
    first ??= data;
    items.push(...data.items);
    if (!data.nextToken) break;
    nextToken = data.nextToken;
  }
  return { items, first: first as P };
}

export async function listFiles(caseNumber: string) {
  const { items, first } = await allPages<CaseFile, Schemas["CaseFileList"]>((nextToken) =>
    api.GET("/cases/{caseNumber}/files", { params: { path: { caseNumber }, query: { limit: 100, nextToken } } }),
  );
  return { items, purgeAt: first.purgeAt ?? null, filesPurgedAt: first.filesPurgedAt ?? null };
}

export async function listUploads(caseNumber: string): Promise<Upload[]> {
  const { items } = await allPages<Upload, Schemas["UploadList"]>((nextToken) =>
    api.GET("/cases/{caseNumber}/uploads", { params: { path: { caseNumber }, query: { limit: 100, nextToken } } }),
  );
  return items;
}
