/**
 * Opening the listening sockets: every interface, IPv6 and IPv4, by default.
 *
 * On Linux one socket bound to `::` also accepts IPv4 (as v4-mapped
 * addresses) unless the host sets `bindv6only`; then a second socket on
 * `0.0.0.0` is opened on the same port. Without IPv6, `0.0.0.0` alone.
 *
 * Workers each open their own sockets on the addresses found that way, with
 * `SO_REUSEPORT` ({@linkcode listenShared}): the kernel then hands each new
 * connection to one of them.
 *
 * An accept that fails is retried, unless the failure says the listening
 * socket itself is broken ({@linkcode acceptCanHeal}); each kind of failure
 * is reported once, through the error log's limiter.
 *
 * Beside them, two helpers for the connections accepted:
 * {@linkcode turnOffNagle} and {@linkcode closeQuietly}.
 *
 * @module
 */

import {
  type ErrorHook,
  logInternalError,
  reportError,
} from "../http/error_log.ts";
import { delay } from "./timers.ts";

/** Pause after a failed accept (e.g. out of file descriptors) before trying again. */
export const ACCEPT_RETRY_MS = 50;

/** What `accept(2)` fails with when the listening socket itself is broken (see its man page): no retry can help. */
const BROKEN_LISTENER_CODES = new Set([
  "EBADF",
  "EFAULT",
  "EINVAL",
  "ENOTSOCK",
  "EOPNOTSUPP",
]);

/**
 * Whether an accept that failed with `error` may succeed if tried again:
 * yes for a lack of file descriptors or memory, or a peer gone before it
 * was accepted; no when the listening socket is closed or broken.
 */
export function acceptCanHeal(error: unknown): boolean {
  if (error instanceof Deno.errors.BadResource) return false;
  return !BROKEN_LISTENER_CODES.has(failureKind(error));
}

/** A failure's kind, as reported once: its errno name (`EMFILE`), else its class. */
function failureKind(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : error.name;
}

/** The listening sockets of one server, accepted from as one. */
export class Listeners {
  readonly #listeners: Deno.TcpListener[];
  readonly #waiting = new Map<
    Deno.TcpListener,
    Promise<[Deno.TcpListener, Deno.TcpConn | Error]>
  >();
  #closed = false;
  readonly #onError: ErrorHook;
  /** The kinds of failure reported so far: each is reported once. */
  readonly #reported = new Set<string>();
  readonly #gaveUp = Promise.withResolvers<string>();
  /** Which IP families reach the server, e.g. `"IPv4 and IPv6"`. */
  readonly families: string;

  /**
   * Wraps already-open listeners; `families` describes what they reach.
   *
   * @param onError told of accept failures, once per kind (default: the
   * engine's rate-limited error log)
   */
  constructor(
    listeners: Deno.TcpListener[],
    families: string,
    onError: ErrorHook = logInternalError,
  ) {
    this.#listeners = listeners;
    this.families = families;
    this.#onError = onError;
  }

  /**
   * Resolves to why, once accepting has failed for good (the listening
   * socket is broken) and the listeners have closed; a server then stops
   * on its own. Never resolves otherwise.
   */
  get gaveUp(): Promise<string> {
    return this.#gaveUp.promise;
  }

  /** The addresses listened on, the first being the main one. */
  get addrs(): Deno.NetAddr[] {
    return this.#listeners.map((listener) => listener.addr);
  }

  /**
   * Accepts the next connection from any listener; `null` once closed.
   * Transient failures (too many open files, a peer that reset before being
   * accepted) are retried after {@linkcode ACCEPT_RETRY_MS}; one that
   * cannot heal closes the listeners ({@linkcode Listeners.gaveUp}). One socket (one
   * family, or a dual-stack `::`) is the plain case and costs no more than
   * its own `accept`: with a new connection per request every allocation
   * here counts.
   */
  accept(): Promise<Deno.TcpConn | null> {
    if (this.#closed) return Promise.resolve(null);
    return this.#listeners.length === 1 ? this.#acceptOne() : this.#acceptAny();
  }

  /** Several sockets: the first connection any of them accepts. */
  async #acceptAny(): Promise<Deno.TcpConn | null> {
    for (;;) {
      const result = await this.#raceAccepts();
      if (!(result instanceof Error)) return result;
      if (!this.#failed(result)) return null;
      await delay(ACCEPT_RETRY_MS);
    }
  }

  /** One accept on every socket, raced: a connection, a failure, or `null` once closed. */
  async #raceAccepts(): Promise<Deno.TcpConn | Error | null> {
    if (this.#closed) return null;
    for (const listener of this.#listeners) {
      if (!this.#waiting.has(listener)) {
        this.#waiting.set(
          listener,
          listener.accept().then(
            (conn): [Deno.TcpListener, Deno.TcpConn] => [listener, conn],
            (
              error,
            ): [Deno.TcpListener, Error] => [
              listener,
              error instanceof Error ? error : new Error(String(error)),
            ],
          ),
        );
      }
    }
    const [listener, result] = await Promise.race(this.#waiting.values());
    this.#waiting.delete(listener);
    if (this.#closed) {
      if (!(result instanceof Error)) closeQuietly(result);
      return null;
    }
    return result;
  }

  /** One socket: its own `accept`, with none of the bookkeeping of a race between sockets. */
  async #acceptOne(): Promise<Deno.TcpConn | null> {
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.#listeners[0].accept();
      } catch (error) {
        if (this.#closed || !this.#failed(error)) return null;
        await delay(ACCEPT_RETRY_MS);
        if (this.#closed) return null;
        continue;
      }
      if (this.#closed) {
        closeQuietly(conn); // accepted as the listener closed
        return null;
      }
      return conn;
    }
  }

  /**
   * An accept failed: says so once per kind of failure, and gives up on a
   * failure that cannot heal. Returns whether to try again.
   */
  #failed(error: unknown): boolean {
    const kind = failureKind(error);
    const canHeal = acceptCanHeal(error);
    if (!this.#reported.has(kind)) {
      this.#reported.add(kind);
      const what = canHeal
        ? `retrying every ${ACCEPT_RETRY_MS} ms (${kind} is not reported again)`
        : "the server stops, as it cannot accept connections any more";
      reportError(
        this.#onError,
        new Error(`Accepting a connection failed: ${what}`, { cause: error }),
      );
    }
    if (canHeal) return true;
    this.close();
    const message = error instanceof Error ? error.message : String(error);
    this.#gaveUp.resolve(`cannot accept connections: ${message}`);
    return false;
  }

  /** Stops listening; a pending `accept` resolves `null`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of this.#listeners) closeQuietly(listener);
    // Connections accepted after the close but before anyone looked.
    for (const waiting of this.#waiting.values()) {
      waiting.then(([, result]) => {
        if (!(result instanceof Error)) closeQuietly(result);
      });
    }
  }
}

/**
 * Turns off Nagle's algorithm (`TCP_NODELAY`) on a connection, so that a
 * small response is sent at once even while an earlier one is not yet
 * acknowledged. The servers call it once a connection outlives its first
 * call, not on accept: Linux holds a small segment back only behind an
 * unacknowledged small one, so a connection's first write goes out at once
 * anyway, and a connection per request is spared the system call (about
 * 2.5% of the server's time in a CPU profile of `Connection: close`, wrk,
 * 8 clients).
 */
export function turnOffNagle(conn: Deno.TcpConn): void {
  try {
    conn.setNoDelay(true);
  } catch {
    // The peer may already be gone; the next read or write will say so.
  }
}

/** Closes a resource that may already be closed. */
export function closeQuietly(resource: { close(): void }): void {
  try {
    resource.close();
  } catch {
    // Already closed: nothing to do.
  }
}

/**
 * Opens one listener on each of `addrs` (with their real ports) with
 * `SO_REUSEPORT`, so that every worker holds its own sockets on the same
 * ports; `families` is what the first {@linkcode listen} found they reach.
 * Needs Linux and Deno's `--unstable-net` (see `worker_count.ts`). Throws
 * what `Deno.listen` throws, having closed what it opened.
 */
export function listenShared(
  addrs: readonly Deno.NetAddr[],
  families: string,
): Listeners {
  const opened: Deno.TcpListener[] = [];
  try {
    for (const { hostname, port } of addrs) {
      opened.push(Deno.listen({ hostname, port, reusePort: true }));
    }
  } catch (error) {
    for (const listener of opened) closeQuietly(listener);
    throw error;
  }
  return new Listeners(opened, families);
}

/**
 * Listens on `hostname:port`, or on every interface when no hostname is
 * given. Throws what `Deno.listen` throws (see `describeListenError`).
 */
export function listen(port: number, hostname?: string): Listeners {
  if (hostname !== undefined) {
    const listener = Deno.listen({ hostname, port });
    return new Listeners([listener], hostname.includes(":") ? "IPv6" : "IPv4");
  }
  let v6: Deno.TcpListener;
  try {
    v6 = Deno.listen({ hostname: "::", port });
  } catch (error) {
    if (!isNoIpv6(error)) throw error;
    return new Listeners(
      [Deno.listen({ hostname: "0.0.0.0", port })],
      "IPv4 only: this host has no IPv6",
    );
  }
  // Probe: when `::` already covers IPv4, binding 0.0.0.0 on its port fails.
  try {
    const v4 = Deno.listen({ hostname: "0.0.0.0", port: v6.addr.port });
    return new Listeners([v6, v4], "IPv4 and IPv6");
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      return new Listeners([v6], "IPv4 and IPv6");
    }
    closeQuietly(v6);
    throw error;
  }
}

function isNoIpv6(error: unknown): boolean {
  if (error instanceof Deno.errors.AddrNotAvailable) return true;
  // EAFNOSUPPORT (97) has no class of its own.
  return error instanceof Error &&
    /os error 97\b|address family not supported/i.test(error.message);
}

/** Formats a listening address as a URL: `http://[::]:8080/`. */
export function addressUrl(addr: Deno.NetAddr): string {
  const host = addr.hostname.includes(":")
    ? `[${addr.hostname}]`
    : addr.hostname;
  return `http://${host}:${addr.port}/`;
}

/**
 * Turns a failure to listen into one line a user can act on, e.g.
 * `port 8080 is already in use`.
 */
export function describeListenError(
  error: unknown,
  port: number,
  hostname?: string,
): string {
  const where = hostname === undefined
    ? `port ${port}`
    : `${hostname} port ${port}`;
  if (error instanceof Deno.errors.AddrInUse) {
    return `cannot listen on ${where}: it is already in use (choose another port, or 0 for any free one)`;
  }
  if (error instanceof Deno.errors.NotCapable) {
    return `cannot listen on ${where}: network access not granted (run with --allow-net)`;
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return port > 0 && port < 1024
      ? `cannot listen on ${where}: permission denied (ports below 1024 need privileges; use a port from 1024 up)`
      : `cannot listen on ${where}: permission denied`;
  }
  if (error instanceof Deno.errors.AddrNotAvailable) {
    return `cannot listen on ${where}: no such address on this host`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `cannot listen on ${where}: ${message.split("\n")[0]}`;
}
