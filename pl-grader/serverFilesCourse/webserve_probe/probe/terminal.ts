/**
 * Where the probe talks to a person: lines on stdout, and on a terminal a
 * progress line on stderr that the next line replaces. Colour only on a
 * terminal and never with `NO_COLOR` (https://no-color.org), decided once.
 * Both `cli.ts` (one server or submission) and `class/class_run.ts` (a class)
 * print through it.
 *
 * @module
 */

/** True when colour is wanted: the stream is a terminal and `NO_COLOR` is unset or empty. */
export function wantsColor(
  isTerminal: boolean,
  noColor: string | undefined,
): boolean {
  return isTerminal && (noColor === undefined || noColor === "");
}

const CODES = {
  pass: "32",
  fail: "31",
  warn: "33",
  bold: "1",
  dim: "2",
} as const;

/** A colour the terminal can paint text in. */
export type Colour = keyof typeof CODES;

/** The streams a terminal writes to (Deno's, or a test's). */
export interface Streams {
  /** Where the lines go. */
  stdout: { writeSync(bytes: Uint8Array): number; isTerminal(): boolean };
  /** Where the progress line and the errors go. */
  stderr: { writeSync(bytes: Uint8Array): number; isTerminal(): boolean };
  /** The value of `NO_COLOR`, if set. */
  noColor?: string;
}

/** The probe's terminal: lines, one progress line, colour. */
export class Terminal {
  /** Whether lines on stdout may carry colour. */
  readonly color: boolean;
  readonly #streams: Streams;
  readonly #progressShown: boolean;
  readonly #encoder = new TextEncoder();
  #progress = false;
  #muted = false;

  /** A terminal on `streams` (default: this process's stdout and stderr, and its `NO_COLOR`). */
  constructor(
    streams: Streams = {
      stdout: Deno.stdout,
      stderr: Deno.stderr,
      noColor: Deno.env.get("NO_COLOR"),
    },
  ) {
    this.#streams = streams;
    this.color = wantsColor(streams.stdout.isTerminal(), streams.noColor);
    this.#progressShown = streams.stderr.isTerminal();
  }

  /** Prints `text` as a line on stdout, replacing the progress line. */
  line(text: string): void {
    if (this.#muted) return;
    this.clearProgress();
    this.#streams.stdout.writeSync(this.#encoder.encode(text + "\n"));
  }

  /** Prints `text` as a line on stderr (a warning or an error), replacing the progress line. */
  error(text: string): void {
    this.clearProgress();
    this.#streams.stderr.writeSync(this.#encoder.encode(text + "\n"));
  }

  /** Shows `text` as the progress line, on a terminal only. */
  progress(text: string): void {
    if (!this.#progressShown || this.#muted) return;
    this.#streams.stderr.writeSync(this.#encoder.encode(`\r\x1b[K${text}`));
    this.#progress = true;
  }

  /** Clears the progress line, if one is shown. */
  clearProgress(): void {
    if (!this.#progress) return;
    this.#streams.stderr.writeSync(this.#encoder.encode("\r\x1b[K"));
    this.#progress = false;
  }

  /** Stops all output on stdout and the progress line (after an interrupt, what follows is noise). */
  mute(): void {
    this.clearProgress();
    this.#muted = true;
  }

  /** `text` in `colour` when colour is wanted, else as it is. */
  paint(colour: Colour, text: string): string {
    return this.color ? `\x1b[${CODES[colour]}m${text}\x1b[0m` : text;
  }
}
