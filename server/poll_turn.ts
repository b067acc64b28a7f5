/**
 * Waiting for the runtime's poller to deliver the socket reads it holds.
 *
 * Deno completes a socket read at once when its data has already arrived. A
 * read that has to wait is parked with the runtime's poller (epoll on Linux)
 * and is delivered between runs of such ready work, not during them. Under
 * load the ready kind can keep the loop busy for a long time: each answered
 * request lets the client send its next one, so some connections are served
 * over and over while reads parked with the poller wait. With 500 keep-alive
 * connections on one core, a bare loop over `Deno.Conn` timed 0.8% of its
 * reads at over 50 ms and the slowest at 0.8 s; `deno task bench` shows the
 * result as p99 latency at 500 connections: hundreds of milliseconds for its
 * "Deno TCP floor", a few for Deno.serve.
 *
 * A {@linkcode PollTurn} is a loopback socket pair: a read is parked on one
 * end, then a byte is sent from the other, which only the poller can
 * deliver. Reads the poller held before are delivered with it or earlier
 * (`poll_turn_test.ts` shows both halves). A timer would also let the loop
 * come round, but Deno's timers fire on whole milliseconds.
 *
 * @module
 */

const LOOPBACK = "127.0.0.1";

/** A socket pair whose reads complete only after the runtime has polled the OS. */
export class PollTurn {
  readonly #bell: Deno.TcpConn;
  readonly #ringer: Deno.TcpConn;
  readonly #buffer = new Uint8Array(16);
  readonly #byte = new Uint8Array(1);
  #waiting: Promise<void> | null = null;
  #closed = false;

  private constructor(bell: Deno.TcpConn, ringer: Deno.TcpConn) {
    this.#bell = bell;
    this.#ringer = ringer;
  }

  /**
   * Opens the pair on the IPv4 loopback, or resolves to `null` where it
   * cannot: net permission for the loopback not granted (it never prompts
   * for it), no IPv4 loopback, or another process that connected first.
   */
  static async open(): Promise<PollTurn | null> {
    const permission = Deno.permissions.querySync({
      name: "net",
      host: LOOPBACK,
    });
    if (permission.state !== "granted") return null;
    let listener: Deno.TcpListener | undefined;
    let ringer: Deno.TcpConn | undefined;
    let bell: Deno.TcpConn | undefined;
    try {
      listener = Deno.listen({ hostname: LOOPBACK, port: 0 });
      [ringer, bell] = await Promise.all([
        Deno.connect({ hostname: LOOPBACK, port: listener.addr.port }),
        listener.accept(),
      ]);
      // The port was open to every local process for a moment: make sure
      // the accepted end is ours.
      if (bell.remoteAddr.port !== ringer.localAddr.port) {
        throw new Error("Another process connected first");
      }
      ringer.setNoDelay(true);
      return new PollTurn(bell, ringer);
    } catch {
      for (const conn of [ringer, bell]) {
        try {
          conn?.close();
        } catch {
          // Already closed.
        }
      }
      return null;
    } finally {
      listener?.close();
    }
  }

  /**
   * Resolves once the runtime has polled the OS after this call; rejects if
   * the pair is closed or broken. Calls made while one is waiting share it.
   */
  next(): Promise<void> {
    return this.#waiting ??= this.#turn().finally(() => this.#waiting = null);
  }

  async #turn(): Promise<void> {
    if (this.#closed) throw new Error("The poll turn is closed");
    // The read is called first, finds nothing and is parked with the poller;
    // the byte then arrives, and only the poller can deliver it.
    const read = this.#bell.read(this.#buffer);
    await this.#ringer.write(this.#byte);
    if (await read === null) throw new Error("The poll turn was closed");
  }

  /** Closes the pair; a waiting {@linkcode PollTurn.next} rejects, and is awaited here. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#bell.close();
    this.#ringer.close();
    await this.#waiting?.catch(() => {});
  }
}
