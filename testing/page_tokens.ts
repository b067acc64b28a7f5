/**
 * Test support: reduces an HTML page to its sequence of tags and texts, so two
 * renderings compare as "same tags, same text" whatever the whitespace
 * between tags or the spelling of an escape (`&#34;` and `&quot;`).
 *
 * @module
 */

/** Matches one tag, comment or doctype; everything between is text. */
const TAG = /<!--[\s\S]*?-->|<[^>]*>/g;

/** Entities either engine writes when escaping; `&amp;` decoded last. */
const ENTITIES: ReadonlyArray<readonly [RegExp, string]> = [
  [/&lt;/g, "<"],
  [/&gt;/g, ">"],
  [/&quot;|&#34;|&#x22;/g, '"'],
  [/&#39;|&#x27;|&apos;/g, "'"],
  [/&amp;/g, "&"],
];

/**
 * Splits a page into `tag <...>` and `text ...` tokens: tags with their
 * inner whitespace collapsed and names lower-cased, texts with entities
 * decoded and whitespace collapsed; whitespace-only texts are dropped.
 *
 * Tags are cut from the raw HTML before any decoding, so an unescaped
 * `<script>` in a value shows up as a tag, never as equal text.
 *
 * @param html A rendered page.
 * @returns Its tokens in document order.
 */
export function pageTokens(html: string): string[] {
  const tokens: string[] = [];
  let last = 0;
  for (const match of html.matchAll(TAG)) {
    pushText(tokens, html.slice(last, match.index));
    tokens.push(`tag ${normaliseTag(match[0])}`);
    last = match.index + match[0].length;
  }
  pushText(tokens, html.slice(last));
  return tokens;
}

function pushText(tokens: string[], raw: string): void {
  let text = raw.replace(/\s+/g, " ").trim();
  if (text === "") return;
  for (const [entity, character] of ENTITIES) {
    text = text.replace(entity, character);
  }
  tokens.push(`text ${text}`);
}

function normaliseTag(tag: string): string {
  const collapsed = tag.replace(/\s+/g, " ").replace(/\s*(\/?>)$/, "$1");
  return collapsed.replace(
    /^<(\/?)([A-Za-z!][^\s>]*)/,
    (_all, slash, name) => `<${slash}${name.toLowerCase()}`,
  );
}
