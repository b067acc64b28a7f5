/**
 * The two socket chores every raw client does: write all of a buffer, and
 * close without caring whether the peer closed first.
 *
 * @module
 */

/** Writes all of `bytes`, however many writes it takes. */
export async function writeAll(
  conn: Deno.Conn,
  bytes: Uint8Array,
): Promise<void> {
  for (let at = 0; at < bytes.length;) {
    at += await conn.write(bytes.subarray(at));
  }
}

/** Closes `resource`, ignoring that it may be closed already. */
export function closeQuietly(resource: { close(): void }): void {
  try {
    resource.close();
  } catch {
    // Already closed: nothing to do.
  }
}
