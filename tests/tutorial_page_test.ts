/**
 * `docs/tutorial.md` shows what its files and commands do: every listing is
 * the region of its file, every region of the tutorial's files is on the
 * page, and every command of the page, run in order as a learner runs it,
 * prints what the page shows (`deno task tutorial:page --check` does the
 * same from the command line).
 */

import assert from "node:assert/strict";
import { ROOT } from "../testing/commands.ts";
import { commandSucceeds } from "../wire/commands.ts";
import {
  checkCommands,
  checkListings,
  fences,
  PAGE,
} from "../tools/tutorial_page.ts";

const page = Deno.readTextFileSync(`${ROOT}${PAGE}`);

Deno.test("the page's listings are the regions of their files, and every region is on the page", async () => {
  const mismatches = await checkListings(page);
  assert.deepEqual(mismatches.map((m) => `${PAGE}:${m.line}: ${m.what}`), []);
  const listings = fences(page).filter((f) => f.listing !== undefined);
  assert.ok(listings.length >= 30, `${listings.length} listings`);
});

Deno.test("every command of the page prints what the page shows", async () => {
  const missing = [];
  for (const tool of ["curl", "nc", "diff"]) {
    // The page's commands need curl, nc and diff.
    if (!await commandSucceeds("sh", ["-c", `command -v ${tool}`])) {
      missing.push(tool);
    }
  }
  if (missing.length > 0) {
    console.log(`skipped: ${missing.join(" and ")} not installed`);
    return;
  }
  const mismatches = await checkCommands(page);
  const report = mismatches.map((m) =>
    `${PAGE}:${m.line}: ${m.what}; it prints:\n${m.want}`
  );
  assert.deepEqual(report, [], "run deno task tutorial:page to see them");
});
