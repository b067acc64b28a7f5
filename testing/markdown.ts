/**
 * Reading a Markdown page the way GitHub renders it, for the tests that keep
 * the docs honest: the anchors its headings get, the links it makes, the code
 * spans it shows and the `deno task` names it mentions.
 *
 * It covers the CommonMark the docs use: ATX headings (`## Title`), fenced
 * code blocks (never read as prose), inline links and images, reference
 * definitions, and code spans, which may run over a line break. Setext
 * headings, indented code blocks and raw HTML links are not read.
 *
 * @module
 */

/** Something found on a page, with the 1-based line it starts on. */
export interface Found {
  /** What was found: a link's destination, a code span's text, a task name. */
  text: string;
  /** The line it starts on. */
  line: number;
}

/** A code span: a run of backticks, content, and a run of the same length. */
const CODE_SPAN = /(?<!`)(`+)(?!`)((?:(?!\n[ \t]*\n)[\s\S])*?[^`])\1(?!`)/g;

/** An inline link's or image's destination, with an optional title. */
const INLINE_LINK =
  /\]\(\s*(<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;

/** A reference definition: `[label]: destination`. */
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)/gm;

/** `deno task`, its own flags (`-q`), then the task's name. */
const TASK_MENTION =
  /\bdeno\s+task((?:\s+-{1,2}[A-Za-z][\w-]*)*)\s+([A-Za-z][\w:.-]*)/g;

/** What github-slugger deletes: all but letters, marks, digits, `_`, `-` and space. */
const NOT_IN_SLUG = /[^\p{L}\p{M}\p{Nd}\p{Nl}_ -]/gu;

/**
 * The page with every fenced code block blanked out (each line kept, empty),
 * so that prose offsets and line numbers stay those of the page.
 */
export function withoutFences(markdown: string): string {
  const lines = markdown.split("\n");
  let fence: string | undefined;
  return lines.map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined) {
      if (marker === undefined) return line;
      fence = marker;
      return "";
    }
    if (
      marker !== undefined && marker[0] === fence[0] &&
      marker.length >= fence.length && line.trim() === marker
    ) {
      fence = undefined;
    }
    return "";
  }).join("\n");
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** A code span's text as rendered: line breaks as spaces, one padding space stripped. */
function spanContent(raw: string): string {
  const text = raw.replace(/\n/g, " ");
  return /^ .*[^ ].* $/.test(text) ? text.slice(1, -1) : text;
}

/** Every code span outside fenced blocks, its content as rendered. */
export function codeSpans(markdown: string): Found[] {
  const prose = withoutFences(markdown);
  return [...prose.matchAll(CODE_SPAN)].map((m) => ({
    text: spanContent(m[2]),
    line: lineAt(prose, m.index),
  }));
}

/** The page's prose: fences blanked, code spans' contents blanked (newlines kept). */
function proseOnly(markdown: string): string {
  return withoutFences(markdown).replace(
    CODE_SPAN,
    (span) => span.replace(/[^\n]/g, " "),
  );
}

/**
 * Every link and image destination outside code, inline or in a reference
 * definition, as written (angle brackets removed).
 */
export function markdownLinks(markdown: string): Found[] {
  const prose = proseOnly(markdown);
  const found: Found[] = [];
  for (const pattern of [INLINE_LINK, REFERENCE_DEFINITION]) {
    for (const m of prose.matchAll(pattern)) {
      found.push({
        text: m[1].replace(/^<(.*)>$/, "$1"),
        line: lineAt(prose, m.index),
      });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

/**
 * A heading's source as GitHub renders its text: code spans become their
 * content, links their text, images nothing; emphasis markers, HTML tags and
 * backslash escapes go.
 */
export function headingText(source: string): string {
  const parts: string[] = [];
  let last = 0;
  for (const m of source.matchAll(CODE_SPAN)) {
    parts.push(inlineText(source.slice(last, m.index)), spanContent(m[2]));
    last = m.index + m[0].length;
  }
  parts.push(inlineText(source.slice(last)));
  return parts.join("").trim();
}

/** Text outside code spans, rendered. */
function inlineText(text: string): string {
  return text
    .replace(/!\[[^\]]*\]\([^)]*\)/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<(https?:[^>\s]*)>/g, "$1")
    .replace(/<\/?[A-Za-z][^>]*>/g, "")
    // `_` is emphasis only at a word's edge (`_any_`), never inside one
    // (`webserve_nb`); `*` and `~` are deleted from a slug anyway.
    .replace(
      /(^|[^\p{L}\p{N}_\\])(_{1,2})(?=\S)(.*?\S)\2(?![\p{L}\p{N}_])/gu,
      "$1$3",
    )
    .replace(/(?<!\\)(\*{1,2}|~~)/g, "")
    .replace(/\\([!-/:-@[-`{-~])/g, "$1");
}

/**
 * The anchor github-slugger (what GitHub uses) makes of a heading's rendered
 * text: lower case, every character but letters, digits, `_`, `-` and space
 * deleted, each space a hyphen. Nothing is trimmed or collapsed.
 */
export function githubSlug(text: string): string {
  return text.toLowerCase().replace(NOT_IN_SLUG, "").replace(/ /g, "-");
}

/**
 * The anchors of a page's ATX headings, in order, a repeated one numbered as
 * github-slugger numbers it (`a`, `a-1`, `a-2`; a slug already taken gets a
 * further number).
 */
export function headingAnchors(markdown: string): string[] {
  const taken = new Map<string, number>();
  const anchors: string[] = [];
  for (const line of withoutFences(markdown).split("\n")) {
    const m = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (m === null) continue;
    const base = githubSlug(headingText(m[1] ?? ""));
    let anchor = base;
    while (taken.has(anchor)) {
      const count = taken.get(base)! + 1;
      taken.set(base, count);
      anchor = `${base}-${count}`;
    }
    taken.set(anchor, 0);
    anchors.push(anchor);
  }
  return anchors;
}

/** Every `deno task NAME` on the page, in code blocks and spans too. */
export function taskMentions(markdown: string): Found[] {
  return [...markdown.matchAll(TASK_MENTION)].map((m) => ({
    text: m[2].replace(/[.:]+$/, ""),
    line: lineAt(markdown, m.index),
  }));
}
