/**
 * A small zip writer: files stored as they are (no compression), each with
 * its Unix mode, so that an unpacked `run_autograder` is still executable.
 * Every entry carries the same fixed date, so the same files always make the
 * same bytes. The layout is PKWARE's APPNOTE.TXT (section 4.3): a local header
 * and the data per file, then the central directory, then its end record.
 *
 * @module
 */

/** One file of the archive. */
export interface ZipEntry {
  /** Its path inside the archive, with `/` between folders. */
  path: string;
  /** Its contents. */
  data: Uint8Array;
  /** Its Unix permission bits (0o644, 0o755). */
  mode: number;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The CRC-32 zip uses (ISO-HDLC, reflected, 0xEDB88320). */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** 1980-01-01 00:00, the earliest date zip can hold, in DOS date and time form. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
/** "Made by" Unix (3), spec version 2.0: the external attributes hold a Unix mode. */
const MADE_BY = (3 << 8) | 20;
const NEEDED = 20;
/** Bit 11: names are UTF-8. */
const FLAGS = 1 << 11;
/** A regular file, in the high half of the external attributes. */
const REGULAR_FILE = 0o100000;

/** The archive of `entries`, in their order. Throws RangeError past zip's 32-bit sizes. */
export function zipFiles(entries: readonly ZipEntry[]): Uint8Array {
  const encoder = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.path);
    if (entry.data.length >= 0xffffffff || offset >= 0xffffffff) {
      throw new RangeError(`${entry.path}: too large for a zip without zip64`);
    }
    const crc = crc32(entry.data);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true); // local file header signature
    local.setUint16(4, NEEDED, true);
    local.setUint16(6, FLAGS, true);
    local.setUint16(8, 0, true); // stored
    local.setUint16(10, DOS_TIME, true);
    local.setUint16(12, DOS_DATE, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, entry.data.length, true); // compressed size
    local.setUint32(22, entry.data.length, true); // uncompressed size
    local.setUint16(26, name.length, true);
    local.setUint16(28, 0, true); // no extra field
    locals.push(new Uint8Array(local.buffer), name, entry.data);

    const central = new DataView(new ArrayBuffer(46));
    central.setUint32(0, 0x02014b50, true); // central directory header signature
    central.setUint16(4, MADE_BY, true);
    central.setUint16(6, NEEDED, true);
    central.setUint16(8, FLAGS, true);
    central.setUint16(10, 0, true);
    central.setUint16(12, DOS_TIME, true);
    central.setUint16(14, DOS_DATE, true);
    central.setUint32(16, crc, true);
    central.setUint32(20, entry.data.length, true);
    central.setUint32(24, entry.data.length, true);
    central.setUint16(28, name.length, true);
    central.setUint16(30, 0, true); // extra field
    central.setUint16(32, 0, true); // comment
    central.setUint16(34, 0, true); // disk number
    central.setUint16(36, 0, true); // internal attributes
    central.setUint32(38, ((REGULAR_FILE | entry.mode) << 16) >>> 0, true);
    central.setUint32(42, offset, true);
    centrals.push(new Uint8Array(central.buffer), name);
    offset += 30 + name.length + entry.data.length;
  }
  const directorySize = centrals.reduce((n, part) => n + part.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true); // end of central directory signature
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, directorySize, true);
  end.setUint32(16, offset, true);
  const parts = [...locals, ...centrals, new Uint8Array(end.buffer)];
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
