import assert from "node:assert/strict";
import { utf8Length } from "./response.ts";

Deno.test("utf8Length counts what TextEncoder writes, surrogates paired, lone or last", () => {
  const encoder = new TextEncoder();
  const cases = [
    "",
    "hello, /",
    "caf\u00e9",
    "\u07ff\u0800",
    "\u20ac uro",
    "\ud83d\ude00 pair",
    "lone high \ud83d then text",
    "lone low \ude00",
    "high last \ud83d",
    "\ud83d\ud83d\ude00",
  ];
  for (const s of cases) {
    assert.equal(utf8Length(s), encoder.encode(s).length, JSON.stringify(s));
  }
});
