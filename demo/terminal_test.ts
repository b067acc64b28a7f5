import assert from "node:assert/strict";
import {
  ANSI,
  paletteFor,
  PLAIN,
  ProgressLine,
  stripAnsi,
} from "./terminal.ts";

const terminal = { isTerminal: () => true };
const pipe = { isTerminal: () => false };

Deno.test("paletteFor colours a terminal only, and never under NO_COLOR", () => {
  assert.equal(paletteFor(terminal, false), ANSI);
  assert.equal(paletteFor(terminal, true), PLAIN);
  assert.equal(paletteFor(pipe, false), PLAIN);
  assert.equal(paletteFor(pipe, true), PLAIN);
});

Deno.test("ANSI paints what PLAIN leaves alone, and stripAnsi undoes it", () => {
  for (const ink of Object.keys(ANSI) as (keyof typeof ANSI)[]) {
    assert.equal(PLAIN[ink]("x"), "x");
    assert.notEqual(ANSI[ink]("x"), "x");
    assert.equal(stripAnsi(ANSI[ink]("x")), "x");
  }
  assert.equal(ANSI.waiting(""), "", "no codes around nothing");
});

/** What `run` writes to stderr through `writeSync`. */
function stderrWrites(run: () => void): string {
  const decoder = new TextDecoder();
  let written = "";
  const original = Deno.stderr.writeSync;
  Deno.stderr.writeSync = (bytes: Uint8Array) => {
    written += decoder.decode(bytes);
    return bytes.length;
  };
  try {
    run();
  } finally {
    Deno.stderr.writeSync = original;
  }
  return written;
}

Deno.test("ProgressLine on a terminal rewrites one line and erases it at the end", () => {
  const written = stderrWrites(() => {
    const progress = new ProgressLine(terminal);
    progress.update("demo: 1 of 10");
    progress.update("demo: 2 of 10");
    progress.clear();
    progress.clear();
  });
  assert.equal(
    written,
    "\r\x1b[2Kdemo: 1 of 10\r\x1b[2Kdemo: 2 of 10\r\x1b[2K",
  );
});

Deno.test("ProgressLine off a terminal writes nothing", () => {
  const written = stderrWrites(() => {
    const progress = new ProgressLine(pipe);
    progress.update("demo: 1 of 10");
    progress.clear();
  });
  assert.equal(written, "");
});
