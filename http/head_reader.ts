/**
 * Reading a request head off a connection's input: the parser, then the
 * framing rules. This is one of the speed layer's two seams (the other is
 * the response writer, `response.ts`'s `ResponseWriter`): the message
 * machine asks a {@linkcode HeadReader} for the next head and knows nothing
 * of how it is found. {@linkcode PLAIN_HEAD_READER} parses every head; the
 * memo (`memo/`) wraps a reader and recalls repeated heads instead.
 *
 * @module
 */

import { frameRequest, type Framing, requestOf } from "./framing.ts";
import { HeadParser, type HeadText, PLAIN_TEXT } from "./head_parser.ts";
import type { Limits } from "./limits.ts";
import type { ReadBuffer } from "./read_buffer.ts";
import type { HttpRequest } from "./types.ts";

/** Where a connection keeps the head it is reading between calls. */
export interface HeadSlot {
  /** The parser of a head begun but not yet whole; `null` between requests. */
  parser: HeadParser | null;
}

/**
 * A whole request head: the request it makes, and how its body is framed.
 * A reader may hand out the same record again on its next read (the
 * parsing reader does, so a head costs no object of its own): take what
 * you need of it at once.
 */
export interface RequestHead {
  /** The request, for the app. */
  readonly request: HttpRequest;
  /** Its framing, for the message machine. */
  readonly framing: Framing;
}

/** Finds the next request head in a connection's input. */
export interface HeadReader {
  /**
   * Reads from `input` (its unconsumed bytes), advancing `input.start`
   * past what it consumed; a head not yet whole waits in `slot.parser`.
   *
   * @returns the head once it is whole; `null` when more input is needed
   * @throws {HttpError} when the head is malformed, over a limit, or
   * breaks the framing rules
   */
  read(input: ReadBuffer, slot: HeadSlot, limits: Limits): RequestHead | null;
}

/** Parses every head, turning its bytes into strings with `text`. */
export class ParsingHeadReader implements HeadReader {
  readonly #text: HeadText;
  /** The record every read hands out, filled anew. */
  readonly #head: { request: HttpRequest | null; framing: Framing | null } = {
    request: null,
    framing: null,
  };

  /** @param text how the parser turns bytes into strings */
  constructor(text: HeadText) {
    this.#text = text;
  }

  /** Parses what has arrived; see {@linkcode HeadReader.read}. */
  read(input: ReadBuffer, slot: HeadSlot, limits: Limits): RequestHead | null {
    // A parser per request: an idle connection holds none.
    const parser = slot.parser ??= new HeadParser(limits, this.#text);
    input.start += parser.parse(input.bytes, input.start, input.end);
    const head = parser.head;
    if (head === null) return null;
    // The target before the framing rules: a bad request line is a 400
    // whatever its fields say.
    const request = requestOf(head);
    const framing = frameRequest(head);
    // Kept until the head is accepted: a refusal is logged with its request line.
    slot.parser = null;
    const whole = this.#head;
    whole.request = request;
    whole.framing = framing;
    return whole as RequestHead;
  }
}

/** The plain way: every head parsed, every string decoded. */
export const PLAIN_HEAD_READER: HeadReader = new ParsingHeadReader(PLAIN_TEXT);
