import assert from "node:assert/strict";
import {
  codeSpans,
  githubSlug,
  headingAnchors,
  headingText,
  markdownLinks,
  taskMentions,
} from "./markdown.ts";

const texts = (found: { text: string }[]) => found.map((f) => f.text);

Deno.test("githubSlug makes the anchors GitHub gives these headings", () => {
  const cases: [string, string][] = [
    ["Quick start", "quick-start"],
    ["The engine: `handleConnection`", "the-engine-handleconnection"],
    // Both hyphens of `--trace` stay, and the spaces around it become two more.
    [
      "Watch it: `--trace` and `deno task demo`",
      "watch-it---trace-and-deno-task-demo",
    ],
    ["`webserve_nb.ts`, the reader pool", "webserve_nbts-the-reader-pool"],
    [
      "Errors: 4xx for bad input, 500 for bugs",
      "errors-4xx-for-bad-input-500-for-bugs",
    ],
    ["The probe's checks", "the-probes-checks"],
    ["Grading _any_ **server** at ~~once~~", "grading-any-server-at-once"],
    ["A [linked](other.md) word", "a-linked-word"],
    ["Ünïcode and µs stay, ½ and © go", "ünïcode-and-µs-stay--and--go"],
    ["snake_case and __bold__", "snake_case-and-bold"],
  ];
  for (const [heading, anchor] of cases) {
    assert.equal(githubSlug(headingText(heading)), anchor, heading);
  }
});

Deno.test("headingAnchors numbers repeats as github-slugger does and skips code blocks", () => {
  const page = [
    "# Title",
    "## Notes",
    "## Notes",
    "## Notes-1",
    "```sh",
    "# not a heading",
    "```",
    "## Notes #",
    "#hashtag is prose",
    "  ### Indented, still a heading",
  ].join("\n");
  assert.deepEqual(headingAnchors(page), [
    "title",
    "notes",
    "notes-1",
    "notes-1-1",
    "notes-2",
    "indented-still-a-heading",
  ]);
});

Deno.test("markdownLinks finds links and images outside code, with their lines", () => {
  const page = [
    "See [the tests](docs/tests.md#where-tests-live) and ![a chart](bench/a.svg).",
    "`[not a link](nowhere.md)` and a [link split",
    'over lines](two.md "title").',
    "```md",
    "[in a fence](fenced.md)",
    "```",
    "[ref]: <ref target.md>",
  ].join("\n");
  assert.deepEqual(markdownLinks(page), [
    { text: "docs/tests.md#where-tests-live", line: 1 },
    { text: "bench/a.svg", line: 1 },
    { text: "two.md", line: 3 },
    { text: "ref target.md", line: 7 },
  ]);
});

Deno.test("codeSpans reads spans over a line break, and none in fences", () => {
  const page = [
    "Run `deno run --allow-net examples/<name>.ts",
    "8080` or ``a `tick` inside``.",
    "```",
    "`fenced`",
    "```",
    "` padded `",
  ].join("\n");
  assert.deepEqual(codeSpans(page), [
    { text: "deno run --allow-net examples/<name>.ts 8080", line: 1 },
    { text: "a `tick` inside", line: 2 },
    { text: "padded", line: 6 },
  ]);
});

Deno.test("taskMentions reads the task's name past deno task's own flags", () => {
  const page = [
    "deno task -q render firstname=Ada",
    "`deno task bench:engine`, and `deno task` itself, then deno task demo.",
    "deno task\n  probe --kind nb",
  ].join("\n");
  assert.deepEqual(texts(taskMentions(page)), [
    "render",
    "bench:engine",
    "demo",
    "probe",
  ]);
});
