/**
 * What the demo does differently on a terminal: colour (never when
 * `NO_COLOR` is set) and a progress line on stderr that rewrites itself.
 * Elsewhere (a pipe, a file, CI) the output is plain text.
 *
 * @module
 */

/** The kinds of mark the timeline draws, each with its own colour. */
export type Ink =
  | "connected"
  | "sending"
  | "waiting"
  | "answered"
  | "refused"
  | "idle"
  | "closed"
  | "heading"
  | "muted";

/** Paints text by what it shows; the plain palette leaves it unchanged. */
export type Palette = Readonly<Record<Ink, (text: string) => string>>;

const keep = (text: string) => text;

/** No colour: every ink leaves the text as it is. */
export const PLAIN: Palette = {
  connected: keep,
  sending: keep,
  waiting: keep,
  answered: keep,
  refused: keep,
  idle: keep,
  closed: keep,
  heading: keep,
  muted: keep,
};

function sgr(code: string): (text: string) => string {
  return (text) => text === "" ? text : `\x1b[${code}m${text}\x1b[0m`;
}

/** ANSI colours, for a terminal. */
export const ANSI: Palette = {
  connected: sgr("34"), // blue
  sending: sgr("35"), // magenta
  waiting: sgr("33"), // yellow
  answered: sgr("1;32"), // bold green
  refused: sgr("1;31"), // bold red
  idle: sgr("36"), // cyan
  closed: sgr("1"), // bold
  heading: sgr("1"),
  muted: sgr("2"), // dim
};

/** Something that can tell whether it is a terminal, such as `Deno.stdout`. */
export interface MaybeTerminal {
  /** True when it is a terminal. */
  isTerminal(): boolean;
}

/** The palette for `stream`: colour on a terminal unless `NO_COLOR` is set. */
export function paletteFor(
  stream: MaybeTerminal,
  noColor = Deno.noColor,
): Palette {
  return stream.isTerminal() && !noColor ? ANSI : PLAIN;
}

/** Removes ANSI colour codes. */
export function stripAnsi(text: string): string {
  // deno-lint-ignore no-control-regex -- ESC is what this removes
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

const encoder = new TextEncoder();

/**
 * One line on stderr that each update overwrites, shown only on a terminal;
 * elsewhere every call does nothing, so logs and pipes stay clean.
 */
export class ProgressLine {
  readonly #enabled: boolean;
  #shown = false;

  /** Shows progress when `stream` (default: stderr) is a terminal. */
  constructor(stream: MaybeTerminal = Deno.stderr) {
    this.#enabled = stream.isTerminal();
  }

  /** Replaces the line with `text`. */
  update(text: string): void {
    if (!this.#enabled) return;
    this.#write(`\r\x1b[2K${text}`);
    this.#shown = true;
  }

  /** Erases the line, so what follows starts on a clean one. */
  clear(): void {
    if (!this.#enabled || !this.#shown) return;
    this.#write("\r\x1b[2K");
    this.#shown = false;
  }

  #write(text: string): void {
    const bytes = encoder.encode(text);
    for (let at = 0; at < bytes.length;) {
      at += Deno.stderr.writeSync(bytes.subarray(at));
    }
  }
}
