import assert from "node:assert/strict";
import { shellWords } from "./shell_words.ts";

Deno.test("shellWords splits on spaces and keeps quoted words whole", () => {
  assert.deepEqual(shellWords("python3 webserve.py {port}"), [
    "python3",
    "webserve.py",
    "{port}",
  ]);
  assert.deepEqual(shellWords(`  sh -c 'cd x && ./run {port}'  `), [
    "sh",
    "-c",
    "cd x && ./run {port}",
  ]);
  assert.deepEqual(shellWords(`python3 -c "print(\\"hi\\")" a\\ b ''`), [
    "python3",
    "-c",
    'print("hi")',
    "a b",
    "",
  ]);
  assert.deepEqual(shellWords(`a"b c"'d'`), ["ab cd"]);
});

Deno.test("shellWords refuses an unclosed quote", () => {
  assert.throws(() => shellWords(`python3 'webserve.py {port}`), SyntaxError);
  assert.throws(() => shellWords(`python3 "webserve.py {port}`), /unclosed "/);
});
