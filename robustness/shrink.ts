/**
 * Shrinks a failing input to a small one that still fails the same way
 * (delta debugging by deleting ever smaller ranges).
 *
 * @module
 */

/** The part of a failure message that names its kind: the text before the first colon. */
export function failureKind(message: string): string {
  return message.slice(0, message.indexOf(":"));
}

/**
 * Returns a smaller input for which `stillFails` holds, trying at most
 * `budget` candidates. `stillFails(input)` must hold at the start.
 */
export async function shrink(
  input: Uint8Array,
  stillFails: (candidate: Uint8Array) => Promise<boolean>,
  budget = 2000,
): Promise<Uint8Array> {
  let current = input;
  let tries = 0;
  for (
    let size = Math.max(1, current.length >> 1);
    size >= 1;
    size = size >> 1
  ) {
    let progressed = true;
    while (progressed) {
      progressed = false;
      for (let start = 0; start < current.length; start += size) {
        if (tries++ >= budget) return current;
        const candidate = new Uint8Array([
          ...current.subarray(0, start),
          ...current.subarray(start + size),
        ]);
        if (candidate.length < current.length && await stillFails(candidate)) {
          current = candidate;
          progressed = true;
          start -= size;
        }
      }
    }
    if (size === 1) break;
  }
  return current;
}
