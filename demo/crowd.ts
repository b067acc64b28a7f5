/**
 * The scripted crowd the demo sends to a server, and what each client saw.
 *
 * ```text
 * time ->   0                 a moment later (100 ms)
 * idle      connect, GET /idle, answer ~~~ stays connected, sends nothing
 * trickling connect, the head of GET /trickle one byte every 20-50 ms ...
 * ordinary                    8 at once: connect, GET /ordinary/N, answer, close
 * ```
 *
 * The idle client waits for its answer before the trickling one starts, and
 * the trickling one has sent its first byte before the ordinary ones start,
 * so a server that accepts one connection at a time meets them in that
 * order. Times are milliseconds since the run began, on the monotonic clock.
 *
 * @module
 */

import { closeQuietly } from "../wire/socket.ts";
import { delay, raceTimeout, TIMED_OUT } from "../wire/timers.ts";
import { writeAll } from "../wire/socket.ts";
import { parseResponseStream, saysClose } from "../wire/response_parser.ts";

/** The part a client plays in the crowd. */
export type ClientRole = "idle" | "trickling" | "ordinary";

/**
 * How a client's connection ended:
 * - `server`: the server closed it (end of stream);
 * - `client`: the client closed it after its answer (the ordinary ones);
 * - `reset`: the connection was reset;
 * - `demo`: still open when the run ended, so the demo closed it;
 * - `refused`: it could not connect.
 */
export type ClientEnd = "server" | "client" | "reset" | "demo" | "refused";

/** What one client did and saw. */
export interface ClientRecord {
  /** `idle`, `trickling`, `ordinary 1` ... */
  readonly name: string;
  /** Its part in the crowd. */
  readonly role: ClientRole;
  /** When it began to connect. */
  readonly startedAt: number;
  /** When its connection was made; absent when it was refused. */
  readonly connectedAt?: number;
  /** Its own port, as the server sees it (`peer=127.0.0.1:<port>` in a trace). */
  readonly localPort?: number;
  /** When the last byte of its request was written; absent when it never was. */
  readonly sentAt?: number;
  /** Bytes of its request written. */
  readonly bytesSent: number;
  /** Bytes its request has. */
  readonly requestBytes: number;
  /** When its first whole response had arrived; absent when none did. */
  readonly answeredAt?: number;
  /** That response's status. */
  readonly status?: number;
  /** True when that response said `Connection: close`: the server was done with the client. */
  readonly answerSaysClose?: boolean;
  /** When its connection ended. */
  readonly endedAt: number;
  /** How it ended. */
  readonly end: ClientEnd;
}

/** One run of the crowd against one server. */
export interface CrowdRun {
  /** From the first connect to the last client's end. */
  readonly durationMs: number;
  /** Idle first, then trickling, then the ordinary ones in order. */
  readonly clients: readonly ClientRecord[];
}

/** How to run the crowd. */
export interface CrowdOptions {
  /** The server's port on `hostname`. */
  port: number;
  /** Default `127.0.0.1`. */
  hostname?: string;
  /**
   * The run ends when every client has ended, or `holdMs` after it began:
   * then the demo closes whatever is still open.
   */
  holdMs: number;
  /** Ordinary clients; default {@link ORDINARY_CLIENTS}. */
  ordinaryClients?: number;
  /** Pause before the ordinary clients start; default {@link ORDINARY_DELAY_MS}. */
  ordinaryDelayMs?: number;
  /** A number in [0, 1) for each trickle gap; default `Math.random`. */
  random?: () => number;
  /** Called at the start and whenever a client ends, with how many have ended of how many. */
  onProgress?: (ended: number, total: number) => void;
}

/** How many ordinary clients the crowd has. */
export const ORDINARY_CLIENTS = 8;

/** The "moment later" at which the ordinary clients start. */
export const ORDINARY_DELAY_MS = 100;

/** The trickling client's gap between bytes, at least and at most. */
export const TRICKLE_GAP_MS = { min: 20, max: 50 } as const;

/**
 * The trickling client's head: what a browser sends, about 300 bytes, so at
 * 20-50 ms a byte it takes 6-15 s, longer than any run of the demo.
 */
export function trickleHead(host: string): string {
  return [
    "GET /trickle HTTP/1.1",
    `Host: ${host}`,
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language: en-GB,en;q=0.5",
    "Accept-Encoding: gzip, deflate",
    "Connection: keep-alive",
    "",
    "",
  ].join("\r\n");
}

/** A plain GET, as curl sends it (keep-alive; the client closes after the answer). */
function getRequest(path: string, host: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: demo\r\nAccept: */*\r\n\r\n`;
}

const encoder = new TextEncoder();

/** One client's connection and the record it fills in. */
class Client {
  readonly name: string;
  readonly role: ClientRole;
  readonly request: Uint8Array;
  readonly #clock: () => number;
  readonly startedAt: number;
  connectedAt?: number;
  localPort?: number;
  sentAt?: number;
  bytesSent = 0;
  answeredAt?: number;
  status?: number;
  answerSaysClose?: boolean;
  endedAt?: number;
  end?: ClientEnd;
  #conn?: Deno.TcpConn;
  #answered!: () => void;
  /** Resolves once the first whole response has arrived, or the client ended without one. */
  readonly answered: Promise<void> = new Promise((resolve) =>
    this.#answered = resolve
  );
  /** Resolves once the connection has ended. */
  readonly ended: Promise<void>;

  constructor(
    name: string,
    role: ClientRole,
    request: string,
    clock: () => number,
    connect: () => Promise<Deno.TcpConn>,
    send: (client: Client, conn: Deno.TcpConn) => Promise<void>,
  ) {
    this.name = name;
    this.role = role;
    this.request = encoder.encode(request);
    this.#clock = clock;
    this.startedAt = clock();
    this.ended = this.#run(connect, send);
  }

  /** Milliseconds since the run began. */
  now(): number {
    return this.#clock();
  }

  get open(): boolean {
    return this.end === undefined;
  }

  async #run(
    connect: () => Promise<Deno.TcpConn>,
    send: (client: Client, conn: Deno.TcpConn) => Promise<void>,
  ): Promise<void> {
    let conn: Deno.TcpConn;
    try {
      conn = await connect();
    } catch {
      this.finish("refused");
      return;
    }
    if (this.end !== undefined) {
      // The run ended while this client was still connecting.
      closeQuietly(conn);
      return;
    }
    this.#conn = conn;
    this.connectedAt = this.#clock();
    this.localPort = conn.localAddr.port;
    conn.setNoDelay(true);
    // The writer may stop early (the connection closed under it); the reader decides the end.
    const sending = send(this, conn).catch(() => {});
    await this.#read(conn);
    await sending;
  }

  async #read(conn: Deno.TcpConn): Promise<void> {
    const received: Uint8Array[] = [];
    let size = 0;
    const buffer = new Uint8Array(16 * 1024);
    for (;;) {
      let n: number | null;
      try {
        n = await conn.read(buffer);
      } catch (error) {
        this.finish(
          error instanceof Deno.errors.ConnectionReset ? "reset" : "demo",
        );
        return;
      }
      if (n === null) {
        this.finish("server");
        return;
      }
      if (this.answeredAt !== undefined) continue;
      received.push(buffer.slice(0, n));
      size += n;
      const bytes = new Uint8Array(size);
      let at = 0;
      for (const part of received) bytes.set(part, at), at += part.length;
      const [response] = parseResponseStream(bytes, {
        requireEngineHeaders: false,
      }).responses;
      if (response === undefined) continue;
      this.answeredAt = this.#clock();
      this.status = response.status;
      this.answerSaysClose = saysClose(response);
      this.#answered();
      if (this.role === "ordinary") {
        this.finish("client");
        return;
      }
    }
  }

  /** Records the end (the first one counts) and closes the connection. */
  finish(end: ClientEnd): void {
    if (this.end === undefined) {
      this.end = end;
      this.endedAt = this.#clock();
    }
    this.#answered();
    if (this.#conn) closeQuietly(this.#conn);
  }

  record(): ClientRecord {
    return {
      name: this.name,
      role: this.role,
      startedAt: this.startedAt,
      connectedAt: this.connectedAt,
      localPort: this.localPort,
      sentAt: this.sentAt,
      bytesSent: this.bytesSent,
      requestBytes: this.request.length,
      answeredAt: this.answeredAt,
      status: this.status,
      answerSaysClose: this.answerSaysClose,
      endedAt: this.endedAt ?? this.#clock(),
      end: this.end ?? "demo",
    };
  }
}

/** Sends the whole request in one write. */
async function sendAtOnce(client: Client, conn: Deno.TcpConn): Promise<void> {
  await writeAll(conn, client.request);
  client.bytesSent = client.request.length;
  client.sentAt = client.now();
}

/** Runs the crowd against one server and returns what every client saw. */
export async function runCrowd(options: CrowdOptions): Promise<CrowdRun> {
  const hostname = options.hostname ?? "127.0.0.1";
  const random = options.random ?? Math.random;
  const ordinaryCount = options.ordinaryClients ?? ORDINARY_CLIENTS;
  const total = ordinaryCount + 2;
  const began = performance.now();
  const clock = () => performance.now() - began;
  // Rounded up: a timer may fire up to a millisecond early on a fraction.
  const left = () => Math.ceil(options.holdMs - clock());
  const connect = () => Deno.connect({ hostname, port: options.port });
  const clients: Client[] = [];
  let ended = 0;
  options.onProgress?.(0, total);
  const start = (
    name: string,
    role: ClientRole,
    request: string,
    send: (client: Client, conn: Deno.TcpConn) => Promise<void>,
  ): Client => {
    const client = new Client(name, role, request, clock, connect, send);
    clients.push(client);
    client.ended.then(() => options.onProgress?.(++ended, total));
    return client;
  };

  const trickle = async (client: Client, conn: Deno.TcpConn) => {
    const gap = TRICKLE_GAP_MS.max - TRICKLE_GAP_MS.min;
    for (let at = 0; at < client.request.length; at++) {
      if (!client.open || client.answeredAt !== undefined) return;
      await writeAll(conn, client.request.subarray(at, at + 1));
      client.bytesSent = at + 1;
      if (at === 0) firstByte();
      await delay(TRICKLE_GAP_MS.min + random() * gap);
    }
    client.sentAt = clock();
  };
  let firstByte!: () => void;
  const firstByteSent = new Promise<void>((resolve) => firstByte = resolve);

  const idle = start("idle", "idle", getRequest("/idle", hostname), sendAtOnce);
  await raceTimeout(idle.answered, left());
  const trickling = start(
    "trickling",
    "trickling",
    trickleHead(hostname),
    trickle,
  );
  await raceTimeout(Promise.race([firstByteSent, trickling.ended]), left());
  if (left() > 0) {
    await delay(Math.min(options.ordinaryDelayMs ?? ORDINARY_DELAY_MS, left()));
  }
  for (let n = 1; n <= ordinaryCount; n++) {
    start(
      `ordinary ${n}`,
      "ordinary",
      getRequest(`/ordinary/${n}`, hostname),
      sendAtOnce,
    );
  }
  const everyEnd = Promise.all(clients.map((client) => client.ended));
  if (await raceTimeout(everyEnd, left()) === TIMED_OUT) {
    for (const client of clients) client.finish("demo");
    await everyEnd;
  }
  const records = clients.map((client) => client.record());
  return {
    durationMs: Math.max(...records.map((record) => record.endedAt)),
    clients: records,
  };
}
