import assert from "node:assert/strict";
import { type Streams, Terminal, wantsColor } from "./terminal.ts";

/** Streams that record what was written, and say whether they are terminals. */
function recorded(terminal: boolean, noColor?: string) {
  const decoder = new TextDecoder();
  const written = { stdout: "", stderr: "" };
  const stream = (name: "stdout" | "stderr") => ({
    writeSync(bytes: Uint8Array) {
      written[name] += decoder.decode(bytes);
      return bytes.length;
    },
    isTerminal: () => terminal,
  });
  const streams: Streams = {
    stdout: stream("stdout"),
    stderr: stream("stderr"),
    ...(noColor === undefined ? {} : { noColor }),
  };
  return { streams, written };
}

Deno.test("wantsColor honours a terminal and NO_COLOR", () => {
  assert.equal(wantsColor(true, undefined), true);
  assert.equal(wantsColor(true, ""), true);
  assert.equal(wantsColor(true, "1"), false);
  assert.equal(wantsColor(false, undefined), false);
});

Deno.test("Terminal paints and shows progress only on a terminal", () => {
  const plain = recorded(false);
  const quiet = new Terminal(plain.streams);
  quiet.progress("1/3");
  quiet.line(quiet.paint("pass", "PASS"));
  assert.deepEqual(plain.written, { stdout: "PASS\n", stderr: "" });

  const tty = recorded(true);
  const terminal = new Terminal(tty.streams);
  terminal.progress("1/3");
  terminal.line(terminal.paint("fail", "FAIL"));
  assert.equal(tty.written.stdout, "\x1b[31mFAIL\x1b[0m\n");
  assert.equal(tty.written.stderr, "\r\x1b[K1/3\r\x1b[K");
});

Deno.test("Terminal leaves colour out with NO_COLOR, and prints nothing on stdout once muted", () => {
  const tty = recorded(true, "1");
  const terminal = new Terminal(tty.streams);
  assert.equal(terminal.paint("bold", "x"), "x");
  terminal.mute();
  terminal.line("after the interrupt");
  terminal.error("probe: interrupted");
  assert.deepEqual(tty.written, { stdout: "", stderr: "probe: interrupted\n" });
});
