import assert from "node:assert/strict";
import type { AccessLogEntry } from "../http/types.ts";
import {
  AccessLog,
  formatLogLine,
  formatPeer,
  LOG_FLUSH_BYTES,
  LOG_MAX_PENDING_BYTES,
} from "./access_log.ts";
import type { LogWriter } from "./options.ts";

/** A writer that keeps what it is given, taking at most `most` bytes per write. */
class MemoryWriter implements LogWriter {
  chunks: Uint8Array[] = [];
  constructor(readonly most = Infinity) {}
  write(p: Uint8Array): Promise<number> {
    const n = Math.min(p.length, this.most);
    this.chunks.push(p.slice(0, n));
    return Promise.resolve(n);
  }
  get text(): string {
    return this.chunks.map((c) => new TextDecoder().decode(c)).join("");
  }
}

const entry = (target: string): AccessLogEntry => ({
  method: "GET",
  target,
  status: 200,
  bytes: 130,
  durationMs: 0.25,
});

const LINE =
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z 10\.0\.0\.1 "GET (\S+)" 200 130 0\.3ms$/;

Deno.test("AccessLog writes every line, in order, once flushed, even through short writes", async () => {
  const writer = new MemoryWriter(7);
  const log = new AccessLog(writer);
  for (let i = 0; i < 100; i++) log.add("10.0.0.1", entry(`/${i}`));
  assert.equal(writer.chunks.length, 0, "nothing is written before a flush");
  await log.close();
  const lines = writer.text.split("\n");
  assert.equal(lines.pop(), "");
  assert.deepEqual(
    lines.map((line) => line.match(LINE)?.[1]),
    Array.from({ length: 100 }, (_, i) => `/${i}`),
  );
});

Deno.test("AccessLog writes a batch once it reaches LOG_FLUSH_BYTES, without waiting for the timer", async () => {
  const writer = new MemoryWriter();
  const log = new AccessLog(writer);
  let added = 0;
  while (writer.chunks.length === 0) {
    log.add("10.0.0.1", entry("/x"));
    added++;
    await Promise.resolve(); // let a started write reach the writer
  }
  const first = writer.chunks[0];
  assert.ok(first.length >= LOG_FLUSH_BYTES, `${first.length} bytes`);
  assert.equal(first.filter((b) => b === 0x0a).length, added);
  await log.close();
});

Deno.test("AccessLog encodes lines as UTF-8 and writes a line larger than a batch whole", async () => {
  const writer = new MemoryWriter();
  const log = new AccessLog(writer);
  const long = "/" + "é".repeat(LOG_FLUSH_BYTES);
  log.add("10.0.0.1", entry("/before"));
  log.add("10.0.0.1", entry(long));
  log.add("10.0.0.1", entry("/after"));
  await log.close();
  const targets = writer.text.split("\n").slice(0, -1).map((line) =>
    line.match(LINE)?.[1]
  );
  assert.deepEqual(targets, ["/before", long, "/after"]);
});

Deno.test("AccessLog drops lines behind a stalled writer and says how many", async () => {
  let release!: () => void;
  const stalled = new Promise<void>((resolve) => release = resolve);
  const written: Uint8Array[] = [];
  const log = new AccessLog({
    async write(p) {
      await stalled;
      written.push(p.slice());
      return p.length;
    },
  });
  const lineBytes = 60;
  const lines = Math.ceil(LOG_MAX_PENDING_BYTES / lineBytes) + 1_000;
  for (let i = 0; i < lines; i++) log.add("10.0.0.1", entry("/slow"));
  assert.ok(log.dropped > 0, "nothing was dropped");
  release();
  await log.close();
  const text = written.map((c) => new TextDecoder().decode(c)).join("");
  const kept = text.split("\n").filter((line) => LINE.test(line)).length;
  const report = text.match(/access log: (\d+) lines dropped/);
  assert.ok(report, "no drop report");
  assert.equal(kept + Number(report[1]), lines);
});

Deno.test("AccessLog turns itself off when its writer fails, without throwing", async () => {
  let writes = 0;
  const log = new AccessLog({
    write() {
      writes++;
      return Promise.reject(new Error("stdout closed"));
    },
  });
  log.add("10.0.0.1", entry("/a"));
  await log.flush();
  log.add("10.0.0.1", entry("/b"));
  await log.close();
  assert.equal(writes, 1);
});

Deno.test("AccessLog writes exactly the lines formatLogLine formats", async () => {
  const writer = new MemoryWriter();
  let now = Date.UTC(2026, 10, 25, 12, 0, 0, 0);
  const log = new AccessLog(writer, () => now);
  const entries: [string, AccessLogEntry][] = [
    ["10.0.0.1", entry("/a")],
    ["10.0.0.1", entry("/a")],
    ["::1", entry("/a")],
    ["::1", { ...entry("/a"), method: "POST", status: 404, bytes: 0 }],
    ["::1", { ...entry('/q"uote\x01'), durationMs: 0.35 }],
    ["::1", { ...entry("/slow"), durationMs: 1234.5, bytes: 1_234_567_890 }],
    ["::1", { ...entry("/caf\u00e9"), status: 500, durationMs: 9.96 }],
  ];
  const expected: string[] = [];
  for (const [address, e] of entries) {
    now += 1; // every other line in a new millisecond
    log.add(address, e);
    expected.push(formatLogLine(address, e, now));
    log.add(address, e);
    expected.push(formatLogLine(address, e, now));
  }
  await log.close();
  assert.deepEqual(writer.text.split("\n").slice(0, -1), expected);
});

Deno.test("formatLogLine escapes quotes and control characters and formatPeer unmaps IPv4", () => {
  const line = formatLogLine(
    "10.0.0.1",
    {
      method: "GET",
      target: '/a"b\r\nc',
      status: 400,
      bytes: 120,
      durationMs: 1.234,
    },
    0,
  );
  assert.equal(
    line,
    '1970-01-01T00:00:00.000Z 10.0.0.1 "GET /a\\x22b\\x0d\\x0ac" 400 120 1.2ms',
  );
  // The next line's time, method and target are its own, not the last line's.
  const next = formatLogLine(
    "::1",
    { method: "POST", target: "/d", status: 200, bytes: 9, durationMs: 12.6 },
    1_500,
  );
  assert.equal(next, '1970-01-01T00:00:01.500Z ::1 "POST /d" 200 9 13ms');
  assert.equal(
    formatPeer({ transport: "tcp", hostname: "::ffff:127.0.0.1", port: 1 }),
    "127.0.0.1",
  );
  assert.equal(
    formatPeer({ transport: "tcp", hostname: "::1", port: 1 }),
    "::1",
  );
});
