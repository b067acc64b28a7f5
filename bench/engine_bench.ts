/**
 * `deno task bench:engine`: the engine alone, no sockets. The tests' scripted
 * socket, looping, hands `handleConnection` the same request bytes on every
 * read, so the figures are requests parsed and answered per second
 * on one core. In the pipelined cases one iteration answers about 16
 * requests (the name says how many on average): divide by that.
 *
 * @module
 */

import {
  type ConnectionHandler,
  type ConnectionState,
  createConnectionHandler,
  handleConnection,
  helloApp,
  holdDateClock,
  memoFor,
  newConnectionState,
  type SpeedLayer,
} from "../mod.ts";
import { fromLatin1 } from "../wire/bytes.ts";
import { ScriptedSocket } from "../testing/scripted_socket.ts";

// As the servers do while they serve: the Date value comes from a timer.
holdDateClock();

/** What wrk sends. */
const WRK_REQUEST = "GET /bench HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";

/** wrk's request for two paths by turns: no response is the same as the last. */
const ALTERNATING_REQUESTS = ["/bench-a", "/bench-b"].map((path) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n`
);

/** What a browser sends: a dozen fields, a query and a cookie. */
const BROWSER_REQUEST = [
  "GET /some/random/url?page=2&sort=name HTTP/1.1",
  "Host: localhost:8080",
  "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
  "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "Accept-Language: en-GB,en;q=0.5",
  "Accept-Encoding: gzip, deflate, br, zstd",
  "Connection: keep-alive",
  "Cookie: session=0123456789abcdef0123456789abcdef; theme=dark",
  "Upgrade-Insecure-Requests: 1",
  "Sec-Fetch-Dest: document",
  "Sec-Fetch-Mode: navigate",
  "Sec-Fetch-Site: none",
  "Sec-Fetch-User: ?1",
  "Priority: u=0, i",
  "",
  "",
].join("\r\n");

/** The browser's request for 64 paths in turn: no head is the same as the last, so each is parsed. */
const VARYING_BROWSER_REQUESTS = Array.from(
  { length: 64 },
  (_, i) =>
    BROWSER_REQUEST.replace(
      "/some/random/url",
      `/some/random/url-${String(i).padStart(2, "0")}`,
    ),
);

/** A small form POST with a Content-Length body. */
const FORM_BODY = "name=Ada&language=TypeScript";
const POST_REQUEST = "POST /form HTTP/1.1\r\nHost: localhost\r\n" +
  "Content-Type: application/x-www-form-urlencoded\r\n" +
  `Content-Length: ${FORM_BODY.length}\r\n\r\n${FORM_BODY}`;

interface Case {
  name: string;
  /** One request, sent `depth` times per read; or several, one per read in turn. */
  request: string | string[];
  /** Requests per read (pipelining depth). */
  depth: number;
  /** Whether an access-log callback is attached, as the servers do by default. */
  logged?: boolean;
}

const CASES: Case[] = [
  { name: "wrk GET, one request per read", request: WRK_REQUEST, depth: 1 },
  { name: "wrk GET, 16 pipelined per read", request: WRK_REQUEST, depth: 16 },
  {
    name: "wrk GET, two paths by turns, one per read",
    request: ALTERNATING_REQUESTS,
    depth: 1,
  },
  {
    name: "browser GET (13 fields), one per read",
    request: BROWSER_REQUEST,
    depth: 1,
  },
  {
    name: "browser GET (13 fields), a new path each time, one per read",
    request: VARYING_BROWSER_REQUESTS,
    depth: 1,
  },
  {
    name: "browser GET (13 fields), 16 pipelined per read",
    request: BROWSER_REQUEST,
    depth: 16,
  },
  {
    name: "form POST (28-byte body), one per read",
    request: POST_REQUEST,
    depth: 1,
  },
  {
    name: "wrk GET, one per read, access-log callback",
    request: WRK_REQUEST,
    depth: 1,
    logged: true,
  },
];

/** Calls measured while preparing a case, to count requests per call. */
const SAMPLE_CALLS = 64;

/**
 * A socket and state ready to serve `c`, checked to answer every request
 * with 200, and the mean requests answered per call (a pipelined batch larger
 * than the engine's read buffer is split across calls).
 */
async function prepare(
  c: Case,
  handleConnection: ConnectionHandler,
): Promise<{ sock: ScriptedSocket; state: ConnectionState; perCall: number }> {
  const reads = typeof c.request === "string"
    ? [c.request.repeat(c.depth)]
    : c.request;
  const sock = new ScriptedSocket(reads.map(fromLatin1), { loop: true });
  let logged = 0;
  const state = newConnectionState(
    c.logged ? { onResponse: () => logged++ } : {},
  );
  // Warm the buffers: the first reads may be split while the read buffer grows.
  sock.recording = false;
  for (let i = 0; i < 8; i++) await handleConnection(sock, state);
  sock.recording = true;
  for (let i = 0; i < SAMPLE_CALLS; i++) {
    const [close] = await handleConnection(sock, state);
    if (close) throw new Error(`engine bench "${c.name}": the engine closed`);
  }
  sock.recording = false;
  const text = sock.text;
  const answered = text.split("HTTP/1.1 ").length - 1;
  const ok = text.split("HTTP/1.1 200 OK").length - 1;
  if (answered === 0 || ok !== answered) {
    throw new Error(
      `engine bench "${c.name}": unexpected answer: ${
        JSON.stringify(text.slice(0, 200))
      }`,
    );
  }
  if (c.logged && logged === 0) {
    throw new Error(
      `engine bench "${c.name}": access-log callback never called`,
    );
  }
  return { sock, state, perCall: answered / SAMPLE_CALLS };
}

for (const c of CASES) {
  const { sock, state, perCall } = await prepare(c, handleConnection);
  Deno.bench({
    name: c.depth === 1
      ? c.name
      : `${c.name} (${perCall.toFixed(1)} requests/iter)`,
    group: c.depth === 1
      ? "one request per read"
      : "16 pipelined requests per read",
    baseline: c.name.startsWith("wrk GET") && !c.logged,
    async fn() {
      await handleConnection(sock, state);
    },
  });
}

/**
 * What each memo of the speed layer buys: the engine with all of them (as
 * the servers run), with one left out at a time, and with none.
 */
const ENGINES: [string, SpeedLayer | undefined][] = [
  ["speed layer on", memoFor],
  ["without the last head", (app) => memoFor(app, { lastHead: false })],
  [
    "without interned strings",
    (app) => memoFor(app, { internedText: false }),
  ],
  [
    "without the hello app's last answer",
    (app) => memoFor(app, { helloAnswers: false }),
  ],
  [
    "without the last response",
    (app) => memoFor(app, { lastResponse: false }),
  ],
  ["plain engine (no memo)", undefined],
];

for (const c of CASES.filter((c) => !c.logged)) {
  for (const [engine, memo] of ENGINES) {
    const handler = createConnectionHandler(helloApp, { memo });
    const { sock, state } = await prepare(c, handler);
    Deno.bench({
      name: `${c.name}: ${engine}`,
      group: `speed layer: ${c.name}`,
      baseline: memo === memoFor,
      async fn() {
        await handler(sock, state);
      },
    });
  }
}
