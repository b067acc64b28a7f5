import assert from "node:assert/strict";
import { parseRenderArgs } from "./cli_args.ts";

Deno.test("parseRenderArgs defaults to process_form.html and splits at the first =", () => {
  const args = parseRenderArgs([
    "firstname=Ada",
    "lastname=a=b",
    "--out",
    "x.html",
  ]);
  assert.equal(args.template, "process_form.html");
  assert.deepEqual(args.values, { firstname: "Ada", lastname: "a=b" });
  assert.equal(args.out, "x.html");
  assert.equal(parseRenderArgs(["form.html"]).template, "form.html");
});

Deno.test("parseRenderArgs rejects a bad name, a repeated name and two templates", () => {
  assert.throws(() => parseRenderArgs(["1x=2"]), /"1x" is not a variable name/);
  assert.throws(
    () => parseRenderArgs(["a=1", "a=2"]),
    /variable "a" given twice/,
  );
  assert.throws(
    () => parseRenderArgs(["a.html", "b.html"]),
    /one template at a time/,
  );
  assert.throws(() => parseRenderArgs(["--bogus"]), /Unknown option '--bogus'/);
});
