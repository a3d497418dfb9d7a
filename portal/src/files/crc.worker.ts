// Reads a File once in 1 MiB blocks off the main thread and answers with every block's CRC32.
import { BLOCK_SIZE, crc32 } from "./crc32";

export type DigestRequest = { file: Blob };
export type DigestMessage =
  | { kind: "progress"; done: number }
  | { kind: "done"; blocks: Uint32Array }
  | { kind: "error"; message: string };

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<DigestRequest>) => void) | null;
  postMessage(message: DigestMessage, transfer?: Transferable[]): void;
};

scope.onmessage = async ({ data: { file } }) => {
  try {
    const blocks = new Uint32Array(Math.max(1, Math.ceil(file.size / BLOCK_SIZE)));
    let lastReport = 0;
    for (let index = 0, offset = 0; offset < file.size; index++, offset += BLOCK_SIZE) {
      const bytes = new Uint8Array(await file.slice(offset, offset + BLOCK_SIZE).arrayBuffer());
      blocks[index] = crc32(bytes);
      const now = Date.now();
      if (now - lastReport > 100) {
        lastReport = now;
        scope.postMessage({ kind: "progress", done: offset + bytes.length });
      }
    }
    scope.postMessage({ kind: "done", blocks }, [blocks.buffer]);
  } catch (error) {
    scope.postMessage({ kind: "error", message: error instanceof Error ? error.message : String(error) });
  }
};
