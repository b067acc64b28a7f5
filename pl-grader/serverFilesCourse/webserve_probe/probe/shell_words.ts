/**
 * Splits a `--start` command line into words the way a POSIX shell would for
 * a simple command (spaces separate; single quotes, double quotes and
 * backslashes quote), so the probe starts the program itself and its
 * signals reach it, with no shell in between.
 *
 * @module
 */

/** Splits `line` into words; throws a `SyntaxError` for an unclosed quote. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (
        c === "\\" && i + 1 < line.length && '"\\$`'.includes(line[i + 1])
      ) word += line[++i];
      else word += c;
    } else if (c === " " || c === "\t" || c === "\n") {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (c === "\\" && i + 1 < line.length) {
      word = (word ?? "") + line[++i];
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote !== undefined) {
    throw new SyntaxError(`unclosed ${quote} in the command`);
  }
  if (word !== undefined) words.push(word);
  return words;
}
