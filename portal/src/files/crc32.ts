// CRC-32 as zlib computes it (ISO-HDLC, S3's x-amz-checksum-crc32), and zlib's crc32_combine.
//
// As the CLI does (dss_cli/checksums.py): one pass over the file gives the CRC of every 1 MiB block; a part's
// CRC and the whole file's CRC are combinations of block CRCs, so the file is read once before the upload.

export const BLOCK_SIZE = 1 << 20; // 1 MiB: the API's part sizes are whole MiB

const POLY = 0xedb88320;

// Slice-by-8 tables: TABLES[k][b] is the CRC of byte b followed by k zero bytes.
const TABLES: Uint32Array[] = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    tables[0][n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[0][n];
    for (let k = 1; k < 8; k++) {
      c = tables[0][c & 0xff] ^ (c >>> 8);
      tables[k][n] = c >>> 0;
    }
  }
  return tables;
})();

/** zlib's crc32(crc, data): pass the previous value to continue a running CRC. */
export function crc32(data: Uint8Array, crc = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
  let c = ~crc;
  let i = 0;
  const end8 = data.length - (data.length % 8);
  for (; i < end8; i += 8) {
    const a = (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)) ^ c;
    c =
      t7[a & 0xff] ^
      t6[(a >>> 8) & 0xff] ^
      t5[(a >>> 16) & 0xff] ^
      t4[a >>> 24] ^
      t3[data[i + 4]] ^
      t2[data[i + 5]] ^
      t1[data[i + 6]] ^
      t0[data[i + 7]];
  }
  for (; i < data.length; i++) c = t0[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

// --- crc32_combine (zlib 1.2.12+: multiplication modulo the CRC polynomial) ---------------------------

/** a(x) * b(x) modulo p(x), in the bit-reflected representation. */
function multmodp(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** X2N[k] = x^(2^k) modulo p(x). */
const X2N: Uint32Array = (() => {
  const table = new Uint32Array(32);
  let p = 0x40000000; // x^1
  table[0] = p;
  for (let n = 1; n < 32; n++) table[n] = p = multmodp(p, p);
  return table;
})();

/** x^(n * 2^k) modulo p(x); n may exceed 2^32 (up to 2^53). */
function x2nmodp(n: number, k: number): number {
  let p = 0x80000000; // x^0 == 1
  while (n > 0) {
    if (n % 2 === 1) p = multmodp(X2N[k & 31], p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/** CRC of A+B from crc(A), crc(B) and len(B) bytes: zlib's crc32_combine. */
export function crc32Combine(crc1: number, crc2: number, len2: number): number {
  return (multmodp(x2nmodp(len2, 3), crc1 >>> 0) ^ crc2) >>> 0;
}

const FULL_BLOCK_OP = x2nmodp(BLOCK_SIZE, 3);

/** The CRC of [offset, offset + length) from the file's block CRCs; both ends on block boundaries (or the end). */
export function rangeCrc(blocks: Uint32Array, size: number, offset: number, length: number): number {
  const end = offset + length;
  if (offset % BLOCK_SIZE !== 0 || (end % BLOCK_SIZE !== 0 && end !== size) || end > size) {
    throw new Error(`range ${offset}+${length} is not made of whole ${BLOCK_SIZE}-byte blocks`);
  }
  let crc = 0;
  for (let index = offset / BLOCK_SIZE; index * BLOCK_SIZE < end; index++) {
    const blockLength = Math.min(BLOCK_SIZE, size - index * BLOCK_SIZE);
    crc =
      blockLength === BLOCK_SIZE
        ? (multmodp(FULL_BLOCK_OP, crc) ^ blocks[index]) >>> 0
        : crc32Combine(crc, blocks[index], blockLength);
  }
  return crc;
}

/** S3's format: base64 of the 4 big-endian bytes. */
export function crcToB64(crc: number): string {
  const c = crc >>> 0;
  return btoa(String.fromCharCode(c >>> 24, (c >>> 16) & 0xff, (c >>> 8) & 0xff, c & 0xff));
}

export type PartRange = { number: number; offset: number; length: number };

/** Every part is partSize bytes except the last; a 0-byte file is one 0-byte part. */
export function partRanges(size: number, partSize: number): PartRange[] {
  const count = Math.max(1, Math.ceil(size / partSize));
  return Array.from({ length: count }, (_, i) => ({
    number: i + 1,
    offset: i * partSize,
    length: Math.min(partSize, size - i * partSize),
  }));
}
