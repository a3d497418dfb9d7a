// The case page's "Files" section: the case's files (Download), an upload control, and the unfinished
// uploads of the case (Resume with the same file, Discard).
import { useEffect, useRef, useState } from "preact/hooks";
import { Alert } from "../components";
import { bytes, when } from "../format";
import { personName } from "../people";
import {
  discardUpload,
  downloadUrl,
  listFiles,
  listUploads,
  uploadFile,
  UploadError,
  type CaseFile,
  type Progress,
  type Upload,
} from "../files/upload";

type Shown = { name: string; progress: Progress };

function message(error: unknown): string {
  if (error instanceof UploadError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function percent(progress: Progress): number {
  return progress.total === 0 ? (progress.phase === "checksum" ? 0 : 100) : Math.floor((progress.done / progress.total) * 100);
}

function phaseLabel({ name, progress }: Shown): string {
  if (progress.phase === "checksum") return `Checking ${name} (CRC32)`;
  if (progress.phase === "upload") return `${progress.resumed ? "Resuming" : "Uploading"} ${name}`;
  return `Completing ${name}`;
}

export function CaseFiles({ caseNumber, closed }: { caseNumber: string; closed: boolean }) {
  const [files, setFiles] = useState<CaseFile[] | null>(null);
  const [purgeAt, setPurgeAt] = useState<string | null>(null);
  const [purgedAt, setPurgedAt] = useState<string | null>(null);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [listError, setListError] = useState<string | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [status, setStatus] = useState("");
  const [shown, setShown] = useState<Shown | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const resumeInput = useRef<HTMLInputElement>(null);
  const resumeTarget = useRef<Upload | null>(null);
  const running = useRef<AbortController | null>(null);

  async function refresh() {
    try {
      const [list, open] = await Promise.all([listFiles(caseNumber), closed ? Promise.resolve([]) : listUploads(caseNumber)]);
      setFiles(list.items);
      setPurgeAt(list.purgeAt);
      setPurgedAt(list.filesPurgedAt);
      setUploads(open);
      setListError(null);
    } catch (error) {
      setListError(message(error));
    }
  }

  useEffect(() => {
    void refresh();
    return () => running.current?.abort();
  }, [caseNumber, closed]);

  // Leaving the page stops the upload; the browser asks first. Resume continues it later.
  useEffect(() => {
    if (!busy) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [busy]);

  /** Uploads the files one after the other (or continues `resume` with the one file). */
  async function run(chosen: File[], resume?: Upload) {
    const controller = new AbortController();
    running.current = controller;
    setBusy(true);
    setUploadError(null);
    const done: string[] = [];
    try {
      for (const file of chosen) {
        let phase = "";
        setStatus(`${resume ? "Resuming" : "Uploading"} ${file.name}: checking its CRC32 first.`);
        const caseFile = await uploadFile(caseNumber, file, {
          resume,
          signal: controller.signal,
          onProgress: (progress) => {
            setShown({ name: file.name, progress });
            if (progress.phase !== phase) {
              phase = progress.phase;
              if (phase === "upload") {
                const stored = progress.total ? Math.floor((progress.done / progress.total) * 100) : 0;
                setStatus(`Sending ${file.name}${stored ? ` (${stored}% already stored)` : ""}.`);
              } else if (phase === "complete") setStatus(`Completing ${file.name}.`);
            }
          },
        });
        done.push(caseFile.fileName);
        setStatus(`${caseFile.fileName} was uploaded.`);
      }
      if (input.current) input.current.value = "";
      if (done.length > 1) setStatus(`${done.length} files were uploaded: ${done.join(", ")}.`);
    } catch (error) {
      setUploadError(message(error));
      setStatus(done.length ? `Uploaded: ${done.join(", ")}. The next file failed.` : "The upload stopped.");
    } finally {
      running.current = null;
      setShown(null);
      setBusy(false);
      await refresh();
    }
  }

  function onUpload(event: Event) {
    event.preventDefault();
    const chosen = Array.from(input.current?.files ?? []);
    if (chosen.length === 0) {
      setUploadError("Choose a file to upload first.");
      input.current?.focus();
      return;
    }
    void run(chosen);
  }

  function startResume(upload: Upload, file: File) {
    if (file.name !== upload.fileName || file.size !== upload.size) {
      setUploadError(
        `To resume, choose ${upload.fileName} (${upload.size.toLocaleString()} bytes); ${file.name} (${file.size.toLocaleString()} bytes) is another file.`,
      );
      return;
    }
    void run([file], upload);
  }

  /** Resume: the file chosen under "File to upload" if it is the upload's (name and size), else the user picks it. */
  function onResume(upload: Upload) {
    const picked = Array.from(input.current?.files ?? []).find((f) => f.name === upload.fileName && f.size === upload.size);
    if (picked) {
      startResume(upload, picked);
      return;
    }
    resumeTarget.current = upload;
    setStatus(`Choose ${upload.fileName} again to resume its upload.`);
    resumeInput.current?.click();
  }

  function onResumeFile() {
    const upload = resumeTarget.current;
    const file = resumeInput.current?.files?.[0];
    resumeTarget.current = null;
    if (resumeInput.current) resumeInput.current.value = "";
    if (upload && file) startResume(upload, file);
  }

  async function onDiscard(upload: Upload) {
    setBusy(true);
    setUploadError(null);
    try {
      await discardUpload(caseNumber, upload.uploadId);
      setStatus(`The unfinished upload of ${upload.fileName} was discarded.`);
    } catch (error) {
      setUploadError(message(error));
    } finally {
      setBusy(false);
      await refresh();
    }
  }

  async function onDownload(file: CaseFile) {
    setListError(null);
    try {
      const answer = await downloadUrl(caseNumber, file.fileId);
      const link = document.createElement("a");
      link.href = answer.url; // S3 sends it as an attachment under its name
      link.download = answer.fileName;
      link.rel = "noopener";
      document.body.append(link);
      link.click();
      link.remove();
      setStatus(`Downloading ${file.fileName}.`);
    } catch (error) {
      setListError(message(error));
    }
  }

  const pct = shown ? percent(shown.progress) : 0;

  return (
    <section aria-labelledby="files-heading">
      <h2 id="files-heading">Files</h2>
      <Alert message={listError} />
      {purgedAt ? (
        <p class="callout">The files of this case were deleted on {when(purgedAt)}, 30 days after it closed.</p>
      ) : purgeAt ? (
        <p class="callout">
          This case is closed: its files will be deleted on <time dateTime={purgeAt}>{when(purgeAt)}</time>.
        </p>
      ) : null}
      {files === null && !listError ? <p>Loading the files…</p> : null}
      {files !== null && files.length === 0 && !purgedAt ? <p>No files yet.</p> : null}
      {files !== null && files.length > 0 ? (
        <div class="table-wrap">
          <table aria-labelledby="files-heading">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Size</th>
                <th scope="col">CRC32</th>
                <th scope="col">Uploaded by</th>
                <th scope="col">Uploaded</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {files.map((f) => (
                <tr key={f.fileId}>
                  <td class="prewrap">{f.fileName}</td>
                  <td>
                    <span title={`${f.size.toLocaleString()} bytes`}>{bytes(f.size)}</span>
                  </td>
                  <td class="checksum">{f.checksum.value}</td>
                  <td>{personName(f.uploadedBy)}</td>
                  <td>
                    <time dateTime={f.uploadedAt}>{when(f.uploadedAt)}</time>
                  </td>
                  <td>
                    {purgedAt ? null : (
                      <button type="button" class="secondary" onClick={() => void onDownload(f)}>
                        Download<span class="visually-hidden"> {f.fileName}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {!closed ? (
        <form class="files-upload" onSubmit={onUpload} noValidate>
          <Alert message={uploadError} />
          <div class="field">
            <label for="file-upload">File to upload</label>
            <p class="hint" id="file-upload-hint">
              One or more files. Your browser checks each one (CRC32) before sending it in parts; an interrupted upload
              can be resumed below.
            </p>
            <input id="file-upload" type="file" multiple ref={input} aria-describedby="file-upload-hint" disabled={busy} />
          </div>
          <button type="submit" disabled={busy}>
            Upload
          </button>
          {busy && running.current ? (
            <button type="button" class="secondary stop" onClick={() => running.current?.abort()}>
              Stop
            </button>
          ) : null}
          {shown ? (
            <div class="upload-progress">
              <label for="file-progress">{phaseLabel(shown)}</label>
              <progress id="file-progress" max={100} value={pct}>
                {pct}%
              </progress>
              <span aria-hidden="true">{pct}%</span>
            </div>
          ) : null}
          <p class="status" role="status" aria-live="polite">
            {status}
          </p>
        </form>
      ) : null}

      {!closed && uploads.length > 0 ? (
        <>
          <h3 id="unfinished-heading">Unfinished uploads</h3>
          <p class="hint">To resume, choose the same file again: only the parts not yet stored are sent.</p>
          <input type="file" hidden ref={resumeInput} onChange={onResumeFile} tabIndex={-1} aria-hidden="true" />
          <div class="table-wrap">
            <table aria-labelledby="unfinished-heading">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Size</th>
                  <th scope="col">Started by</th>
                  <th scope="col">Started</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {uploads.map((u) => (
                  <tr key={u.uploadId}>
                    <td class="prewrap">{u.fileName}</td>
                    <td>
                      <span title={`${u.size.toLocaleString()} bytes`}>{bytes(u.size)}</span>
                    </td>
                    <td>{personName(u.createdBy)}</td>
                    <td>
                      <time dateTime={u.createdAt}>{when(u.createdAt)}</time>
                    </td>
                    <td>
                      <time dateTime={u.expiresAt}>{when(u.expiresAt)}</time>
                    </td>
                    <td>
                      <div class="row-actions">
                        <button type="button" disabled={busy} onClick={() => onResume(u)}>
                          Resume<span class="visually-hidden"> {u.fileName}</span>
                        </button>
                        <button type="button" class="secondary" disabled={busy} onClick={() => void onDiscard(u)}>
                          Discard<span class="visually-hidden"> {u.fileName}</span>
                        </button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
