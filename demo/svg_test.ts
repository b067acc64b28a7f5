import assert from "node:assert/strict";
import { BLOCKING_RUN, NON_BLOCKING_RUN } from "./_fixture_runs.ts";
import { timelineSvg } from "./svg.ts";
import { MARKS } from "./timeline.ts";

const ENTITY = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/y;
const TAG = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/y;

/**
 * Asserts that `xml` is well-formed as the SVG writer produces it: one root
 * element, every tag closed in order, attribute values quoted, no stray `<`
 * or `&` in text or attributes. (No comments, CDATA or processing
 * instructions are expected.)
 */
function assertWellFormed(xml: string): void {
  const open: string[] = [];
  let roots = 0;
  for (let at = 0; at < xml.length;) {
    const char = xml[at];
    if (char === "&") {
      ENTITY.lastIndex = at;
      assert.ok(
        ENTITY.test(xml),
        `stray & at ${at}: ${xml.slice(at, at + 20)}`,
      );
      at = ENTITY.lastIndex;
    } else if (char === "<") {
      TAG.lastIndex = at;
      const tag = TAG.exec(xml);
      assert.ok(tag, `malformed tag at ${at}: ${xml.slice(at, at + 40)}`);
      const [, closing, name, attributes, selfClosing] = tag;
      for (const [, value] of attributes.matchAll(/="([^"]*)"/g)) {
        assert.doesNotMatch(
          value.replace(/&(?:amp|lt|gt|quot|apos|#[0-9]+);/g, ""),
          /&/,
          `stray & in ${name}`,
        );
      }
      if (closing) {
        assert.equal(
          open.pop(),
          name,
          `</${name}> closes the wrong element at ${at}`,
        );
      } else {
        if (open.length === 0) roots++;
        if (!selfClosing) open.push(name);
      }
      at = TAG.lastIndex;
    } else {
      if (open.length === 0) {
        assert.match(char, /\s/, `text outside the root at ${at}`);
      }
      at++;
    }
  }
  assert.deepEqual(open, [], "elements left open");
  assert.equal(roots, 1, "one root element");
}

const PANELS = [
  {
    heading: "webserve (blocking)",
    summary: "8 ordinary clients answered after 1.9 s",
    run: BLOCKING_RUN,
  },
  {
    heading: "webserve_nb (non-blocking)",
    summary: "8 ordinary clients answered after 7 ms",
    run: NON_BLOCKING_RUN,
  },
];

Deno.test("timelineSvg writes one well-formed SVG document", () => {
  const svg = timelineSvg({ title: "The same crowd", panels: PANELS });
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assertWellFormed(svg);
});

Deno.test("assertWellFormed, the check above, catches what it is for", () => {
  assert.throws(() => assertWellFormed("<svg><g></svg>"));
  assert.throws(() => assertWellFormed("<svg><text>a & b</text></svg>"));
  assert.throws(() => assertWellFormed("<svg><text>a < b</text></svg>"));
  assert.throws(() => assertWellFormed('<svg x="1"/><svg x="2"/>'));
  assert.throws(() => assertWellFormed("<svg x=1/>"));
  assertWellFormed('<svg a="&amp;"><text>&lt;ok&gt;</text></svg>\n');
});

Deno.test("timelineSvg escapes text from the headings and summaries", () => {
  const svg = timelineSvg({
    title: "a <b> & c",
    panels: [{ ...PANELS[0], heading: 'x "y" <z>', summary: "1 & 2" }],
  });
  assertWellFormed(svg);
  assert.ok(svg.includes("<title>a &lt;b&gt; &amp; c</title>"));
  assert.ok(svg.includes("x &quot;y&quot; &lt;z&gt;"));
  assert.ok(svg.includes(">1 &amp; 2</text>"));
});

Deno.test("timelineSvg draws one row per client in each panel, and a legend of every mark", () => {
  const svg = timelineSvg({ title: "t", panels: PANELS });
  const rows = [...svg.matchAll(/<g><title>([^<]*)<\/title>/g)].map((m) =>
    m[1]
  );
  assert.equal(rows.length, 20);
  assert.equal(rows[0], "idle: 200 after 4 ms, closed at 1008 ms");
  assert.equal(rows[10], "idle: 200 after 6 ms, open at the end");
  // Waits are vermillion bars, in row order (the idle client's short one,
  // then the ordinary clients'), then the legend's swatch: long for the
  // blocking server's ordinary clients, slivers for the non-blocking one's.
  const waits = [
    ...svg.matchAll(/<rect [^>]*width="([\d.]+)" [^>]*fill="#D55E00"/g),
  ].map((m) => Number(m[1]));
  assert.equal(waits.length, 9 + 9 + 1);
  assert.ok(waits.slice(1, 9).every((width) => width > 300), `${waits}`);
  assert.ok(waits.slice(10, 18).every((width) => width <= 2), `${waits}`);
  for (const mark of Object.values(MARKS)) {
    assert.ok(svg.includes(`>${mark.meaning}</text>`), mark.meaning);
  }
});

Deno.test("timelineSvg keeps every mark inside the picture", () => {
  const svg = timelineSvg({ title: "t", panels: PANELS });
  const [, width, height] = svg.match(/width="(\d+)" height="(\d+)"/)!.map(
    Number,
  );
  for (
    const [, name, value] of svg.matchAll(/ (c?x|c?y|x1|x2|y1|y2)="([-\d.]+)"/g)
  ) {
    const limit = name.includes("x") ? width : height;
    assert.ok(Number(value) >= 0 && Number(value) <= limit, `${name}=${value}`);
  }
});
