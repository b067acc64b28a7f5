/**
 * Every message template of the probe (`messages.ts`), rendered with sample
 * values as the card prints it (`got: ...`), reads as one sentence: no word
 * twice in a row, no second "got" after "got:", no second sentence, nothing
 * left empty or dangling, brackets and quotes closed. The samples reach every
 * branch of every template; a template without samples does not type-check.
 * Every check's title, expectation and hint are held to the same.
 */

import assert from "node:assert/strict";
import { serverChecks } from "./checks.ts";
import * as messages from "./messages.ts";
import { structureChecks } from "./structure.ts";

/** The line a fragment is printed on: after its field's label, or alone. */
type Field =
  | "sent"
  | "got"
  | "expected"
  | "differs"
  | "note"
  | "summary"
  | "line"
  | "format";

type Templates = typeof messages;

/** Per template, the field it fills and sample arguments for each branch. */
const SAMPLES: {
  [K in keyof Templates]: {
    field: Field;
    args: Parameters<Templates[K]>[];
  };
} = {
  seconds: { field: "format", args: [[250], [2000], [999.6]] },
  quote: { field: "format", args: [["hello, /"], ["x".repeat(80), 60]] },
  requestSent: {
    field: "sent",
    args: [["GET / HTTP/1.1", 41], ["GET /", 5]],
  },
  thenSent: {
    field: "sent",
    args: [[
      '"GET /first HTTP/1.1", 46 bytes',
      '"GET /second HTTP/1.1", 47 bytes',
    ]],
  },
  sentInWrites: {
    field: "sent",
    args: [['"GET /split/two HTTP/1.1", 50 bytes', "head", 2, 150], [
      '"POST /pieces HTTP/1.1", 3070 bytes',
      "body",
      3,
      150,
    ]],
  },
  bodyAfterAnswer: {
    field: "sent",
    args: [['"POST /expect HTTP/1.1", 90 bytes', "100"], [
      '"POST /expect HTTP/1.1", 90 bytes',
      "final",
    ]],
  },
  headAlone: { field: "sent", args: [['"POST /expect HTTP/1.1", 90 bytes']] },
  caseSent: {
    field: "sent",
    args: [["chunk size not hex", '"POST / HTTP/1.1", 67 bytes']],
  },
  casesSent: { field: "sent", args: [[["missing target", "no version"]]] },
  secondClientSent: { field: "sent", args: [["idles after GET /first"]] },
  answerSaid: {
    field: "got",
    args: [
      [200, "hello, /", false],
      [200, undefined, false],
      [100, "", false],
      [
        200,
        "hello, /ten",
        true,
      ],
    ],
  },
  exchangeGot: {
    field: "got",
    args: [
      [['200 "hello, /"']],
      [[]],
      [['200 "hello, /first"'], { stop: "closed" }],
      [[], { stop: "closed" }],
      [['200 "hello, /"'], { stop: "closed", cutOff: "truncated body" }],
      [['200 "hello, /"'], { stop: "reset" }],
      [[], { stop: "reset" }],
      [[], { stop: "timeout", ms: 2000 }],
      [['200 "hello, /1"'], { stop: "timeout", ms: 2000, had: '"HTTP/1.1 2"' }],
      [[], { stop: "not-http", error: 'not an HTTP response: "hello, /"' }],
    ],
  },
  thenGot: {
    field: "got",
    args: [['200 "hello, /form"', "no answer: the connection closed"]],
  },
  moreBytes: {
    field: "got",
    args: [["200 (no body)", 12, '"hello, world"', "head"], [
      '200 "hello, /close"',
      1,
      '"x"',
      "answer",
    ]],
  },
  stillOpen: { field: "got", args: [['200 "hello, /close"', 2000]] },
  closedAfter: { field: "got", args: [['200 "hello, /close"', 3]] },
  noContinue: { field: "got", args: [["no answer within 1.0 s"]] },
  casesGot: {
    field: "got",
    args: [['200 "hello, /"', [], 5], [
      '200 "hello, /"',
      ["empty chunk size"],
      5,
    ]],
  },
  secondAnswered: {
    field: "got",
    args: [[12, true, 3000], [2100, false, 5000]],
  },
  answeredOnlyOnce: {
    field: "got",
    args: [[4, messages.letGo("closed", "first")], [
      9,
      messages.letGo("sent", "first"),
    ], [30, messages.letGo("reset", "flooding")]],
  },
  letGo: {
    field: "line",
    args: [["closed", "first"], ["reset", "flooding"], ["sent", "first"]],
  },
  noVerdictWithin: { field: "got", args: [[6000]] },
  refused: { field: "got", args: [["127.0.0.1:8080"]] },
  probeError: { field: "got", args: [["Bad resource ID"]] },
  notRun: {
    field: "got",
    args: [[messages.prerequisiteFailed("framing.keep-alive")], [
      messages.serverDidNotStart("the submission has no webserve_nb.py"),
    ]],
  },
  prerequisiteFailed: { field: "line", args: [["framing.keep-alive"]] },
  serverDidNotStart: { field: "line", args: [["did not listen within 10 s"]] },
  differsAt: {
    field: "differs",
    args: [
      [14, "body", "llo, /search", "", "?q=hello&pag"],
      [0, "answer", "", "HTTP/1.1 200", "hello, /"],
      [120, "answer", "\r\n\r\n", undefined, "hello, /some"],
    ],
  },
  rubricCount: {
    field: "summary",
    args: [[8, 14, 0, 4], [3, 3, 2, 0], [1, 1, 0, 0]],
  },
  checksPassed: {
    field: "summary",
    args: [[38, 59, 0, 19], [26, 26, 0, 0], [1, 1, 2, 0], [1, 2, 1, 1]],
  },
  explains: {
    field: "line",
    args: [[19, ["webserve_nb.py"]], [1, []], [0, ["webserve_nb.py"]]],
  },
  nothingListening: { field: "line", args: [["127.0.0.1:8080"]] },
  importSent: { field: "sent", args: [["webserve"]] },
  importGot: {
    field: "got",
    args: [
      [{ returned: false, error: "the import did not return within 2 s" }, [
        "('0.0.0.0', 8080)",
      ]],
      [{ returned: true, error: "NameError: name 'x' is not defined" }, []],
      [{ returned: true }, ["('0.0.0.0', 8080)"]],
      [{ returned: true }, []],
    ],
  },
  handlerUnseen: {
    field: "got",
    args: [["webserve", "missing"], ["webserve", "not callable"], [
      "webserve_nb",
      { importFailed: "SyntaxError: invalid syntax" },
    ]],
  },
  handlerTakes: {
    field: "got",
    args: [
      ["(client_sock, stuff=None)", "handler.py:74", true, true],
      ["(client_sock)", undefined, true, false],
      ["(a, b)", "webserve.py:3", false, true],
      ["()", undefined, false, false], // printed as handle_connection()
    ],
  },
  sharedGot: {
    field: "got",
    args: [[true, "handler, handler.py:74", "handler, handler.py:74"], [
      false,
      "webserve, webserve.py:10",
      "webserve_nb, webserve_nb.py:12",
    ]],
  },
  cannotCompare: { field: "got", args: [["ImportError: no module named x"]] },
  pythonSilent: {
    field: "got",
    args: [[{ withinMs: 8000 }], [{ ended: "exit 1", stderr: "" }], [{
      ended: "killed by SIGKILL",
      stderr: "MemoryError",
    }]],
  },
  notHttpResponse: { field: "got", args: [['"hello, /"']] },
};

/** The labels the card prints before each field (`got:`), and the one word the text after it may not repeat. */
const LABELS: Partial<Record<Field, string>> = {
  sent: "sent",
  got: "got",
  expected: "expected",
  differs: "differs",
};

/** `text` with quoted strings (JSON's, with escapes) replaced by a mark, so their content cannot trip a rule. */
function unquoted(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"/g, "«»");
}

/** What keeps `line` from reading as one sentence, if anything. */
export function sentenceProblems(line: string, label?: string): string[] {
  const problems: string[] = [];
  const text = unquoted(line);
  // Words in a row, with nothing but a space between them.
  const tokens = text.toLowerCase().split(/\s+/);
  for (let i = 1; i < tokens.length; i++) {
    if (/^[a-z]/.test(tokens[i]) && tokens[i] === tokens[i - 1]) {
      problems.push(`"${tokens[i]}" twice`);
    }
  }
  const words = text.toLowerCase().match(/[a-z][a-z0-9'_-]*/g) ?? [];
  if (label && words.slice(1).includes(label)) {
    problems.push(`"${label}" again after "${label}:"`);
  }
  if (/[.!?]\s+[A-Z]/.test(text)) problems.push("two sentences");
  if (/\b(undefined|NaN|null)\b|\[object/.test(text)) {
    problems.push("a value left out");
  }
  if (
    /\s{2,}|\s[,;:.)]|\(\s|(?<!\w)\(\)|[,;:]\s*[,;:]|^\s|\s$|[,;:]$/.test(text)
  ) {
    problems.push("an empty or dangling part");
  }
  if ((line.match(/"/g) ?? []).length - (line.match(/\\"/g) ?? []).length & 1) {
    problems.push("a quote left open");
  }
  let depth = 0;
  for (const char of text) {
    depth += char === "(" ? 1 : char === ")" ? -1 : 0;
    if (depth < 0) break;
  }
  if (depth !== 0) problems.push("a bracket left open");
  return problems;
}

Deno.test("every template of messages.ts has samples", () => {
  assert.deepEqual(
    Object.keys(SAMPLES).sort(),
    Object.keys(messages).sort(),
  );
});

for (const [name, sample] of Object.entries(SAMPLES)) {
  Deno.test(`message ${name} reads as one sentence on its line, for every sample`, () => {
    const template = messages[name as keyof Templates] as (
      ...args: unknown[]
    ) => string;
    for (const args of sample.args) {
      const text = template(...args);
      const label = LABELS[sample.field];
      const line = label ? `${label}: ${text}` : text;
      assert.deepEqual(sentenceProblems(line, label), [], line);
    }
  });
}

Deno.test("sentenceProblems finds the glued sentences the card once printed", () => {
  assert.notDeepEqual(
    sentenceProblems("got: the first client got 200", "got"),
    [],
  );
  assert.notDeepEqual(
    sentenceProblems(
      "got: the check could not go on. Connection refused",
      "got",
    ),
    [],
  );
  assert.notDeepEqual(sentenceProblems("got: 200 (no body)  ", "got"), []);
  assert.notDeepEqual(sentenceProblems("got: 200 then then", "got"), []);
  assert.notDeepEqual(sentenceProblems("got: 200 ()", "got"), []);
  assert.deepEqual(
    sentenceProblems('got: 200 "hello, /first"; then no answer', "got"),
    [],
  );
});

Deno.test("every check's title, expectation and hint read as one sentence each", () => {
  const checks = [
    ...serverChecks("blocking"),
    ...serverChecks("nb"),
    ...serverChecks(undefined),
    ...structureChecks(".", "python3"),
  ];
  for (const check of checks) {
    for (
      const [label, text] of [
        [undefined, check.title],
        ["expected", check.expected],
        ["hint", check.hint],
      ] as const
    ) {
      const line = label ? `${label}: ${text}` : text;
      assert.deepEqual(
        sentenceProblems(line, label),
        [],
        `${check.group}.${check.name}: ${line}`,
      );
    }
  }
});
