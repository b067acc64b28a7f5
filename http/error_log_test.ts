import assert from "node:assert/strict";
import { delay } from "../wire/timers.ts";
import {
  createErrorLog,
  ERROR_LINES_PER_WINDOW,
  ERROR_WINDOW_MS,
  formatErrorLine,
} from "./error_log.ts";
import type { HttpRequest } from "./types.ts";

const REQUEST: HttpRequest = {
  method: "GET",
  target: "/a?b",
  path: "/a",
  query: "b",
  version: "HTTP/1.1",
  headers: [],
};

Deno.test("formatErrorLine gives the request, the message and the whole stack on one line", () => {
  const error = new TypeError("boom");
  const line = formatErrorLine(error, REQUEST);
  assert.ok(!line.includes("\n"), line);
  assert.ok(
    line.startsWith("internal error answering GET /a?b: TypeError: boom | at "),
    line,
  );
  // The frame of this test is in it: the stack is not lost.
  assert.match(line, /error_log_test\.ts:\d+:\d+/);
});

Deno.test("formatErrorLine names a cause, and a thrown value that is not an Error", () => {
  const error = new Error("outer", { cause: new RangeError("inner") });
  assert.match(
    formatErrorLine(error),
    /^internal error: Error: outer .*caused by: RangeError: inner/,
  );
  assert.equal(
    formatErrorLine("just a string"),
    "internal error: thrown value: just a string",
  );
});

Deno.test("createErrorLog writes a window's first lines and counts the rest", () => {
  const lines: string[] = [];
  let now = 0;
  const log = createErrorLog((line) => lines.push(line), () => now);
  for (let i = 0; i < 1000; i++) log(new Error(`e${i}`));
  assert.equal(lines.length, ERROR_LINES_PER_WINDOW);
  assert.match(lines[0], /^internal error: Error: e0 /);
  // The next window reports what the last one left out, then logs again.
  now = ERROR_WINDOW_MS;
  log(new Error("later"), REQUEST);
  assert.equal(
    lines[ERROR_LINES_PER_WINDOW],
    `internal error: ${1000 - ERROR_LINES_PER_WINDOW} more in the last ${
      ERROR_WINDOW_MS / 1000
    } s not shown`,
  );
  assert.match(
    lines.at(-1)!,
    /^internal error answering GET \/a\?b: Error: later/,
  );
  assert.equal(lines.length, ERROR_LINES_PER_WINDOW + 2);
});

Deno.test("createErrorLog reports the count when the window ends even if errors stop", async () => {
  const lines: string[] = [];
  let now = 0;
  const log = createErrorLog((line) => lines.push(line), () => now);
  for (let i = 0; i < ERROR_LINES_PER_WINDOW; i++) log(new Error("x"));
  // Late in the window: the count is due in 50 ms.
  now = ERROR_WINDOW_MS - 50;
  for (let i = 0; i < 3; i++) log(new Error("y"));
  assert.equal(lines.length, ERROR_LINES_PER_WINDOW);
  await delay(300);
  assert.equal(lines.length, ERROR_LINES_PER_WINDOW + 1);
  assert.match(lines.at(-1)!, /^internal error: 3 more in the last/);
});
