/**
 * Reference for the benchmark, not a server: about the least any server
 * written on `Deno.Conn` can do per request. It finds each request head's
 * end (`\r\n\r\n`; the bench sends no bodies), answers `hello, <path>` with
 * the response for the last path reused while the path repeats, and closes
 * after a head that says `close`, saying so in its response. No validation,
 * no Date, no headers kept. What separates the project's servers from this
 * row is the engine's cost; what separates this row from Deno.serve is
 * Deno's socket API.
 *
 * Usage: `deno run --allow-net bench/peers/deno_tcp_floor.ts <port>`
 *
 * @module
 */

const port = Number(Deno.args[0] ?? 8000);
const encoder = new TextEncoder();
const listener = Deno.listen({ hostname: "127.0.0.1", port });
console.log(`Deno TCP floor listening on http://127.0.0.1:${port}/`);

const CR = 13, LF = 10, SP = 32, QUESTION = 63;
const CLOSE = [...encoder.encode("close")];

let lastPath = new Uint8Array(0);
let lastResponse = new Uint8Array(0);

/** The response to the head `buf[start, end)`: `hello, <path>`, built only when the path changes. */
function respond(buf: Uint8Array, start: number, end: number): Uint8Array {
  let pathStart = start;
  while (pathStart < end && buf[pathStart] !== SP) pathStart++;
  pathStart++;
  let pathEnd = pathStart;
  while (pathEnd < end && buf[pathEnd] !== SP && buf[pathEnd] !== QUESTION) {
    pathEnd++;
  }
  const path = buf.subarray(pathStart, pathEnd);
  if (
    path.length !== lastPath.length || path.some((b, i) => b !== lastPath[i])
  ) {
    lastPath = path.slice();
    const body = "hello, " + String.fromCharCode(...lastPath);
    lastResponse = encoder.encode(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n" +
        `Content-Length: ${body.length}\r\n\r\n${body}`,
    );
  }
  return lastResponse;
}

const CLOSE_FIELD = encoder.encode("Connection: close\r\n");

/** `response` with `Connection: close` after its status line, so clients expect the close (wrk counts a silent close as an error). */
function withClose(response: Uint8Array): Uint8Array {
  const statusLineEnd = response.indexOf(LF) + 1;
  const out = new Uint8Array(response.length + CLOSE_FIELD.length);
  out.set(response.subarray(0, statusLineEnd));
  out.set(CLOSE_FIELD, statusLineEnd);
  out.set(response.subarray(statusLineEnd), statusLineEnd + CLOSE_FIELD.length);
  return out;
}

/** Whether the head `buf[start, end)` contains `close` (the bench's `Connection: close`). */
function saysClose(buf: Uint8Array, start: number, end: number): boolean {
  outer: for (let i = start; i + CLOSE.length <= end; i++) {
    for (let j = 0; j < CLOSE.length; j++) {
      if (buf[i + j] !== CLOSE[j]) continue outer;
    }
    return true;
  }
  return false;
}

async function serve(conn: Deno.TcpConn): Promise<void> {
  conn.setNoDelay(true);
  let buf = new Uint8Array(1024); // the engine's idle read size
  let end = 0;
  try {
    for (;;) {
      if (end === buf.length) {
        const grown = new Uint8Array(buf.length * 2);
        grown.set(buf);
        buf = grown;
      }
      const n = await conn.read(buf.subarray(end));
      if (n === null) break;
      const responses: Uint8Array[] = [];
      let headStart = 0;
      let close = false;
      for (let i = Math.max(0, end - 3); i + 3 < end + n; i++) {
        if (
          buf[i] === CR && buf[i + 1] === LF && buf[i + 2] === CR &&
          buf[i + 3] === LF
        ) {
          close = saysClose(buf, headStart, i);
          responses.push(
            close
              ? withClose(respond(buf, headStart, i))
              : respond(buf, headStart, i),
          );
          headStart = i + 4;
          i += 3;
          if (close) break;
        }
      }
      end += n;
      buf.copyWithin(0, headStart, end);
      end -= headStart;
      let out = responses.length === 1 ? responses[0] : new Uint8Array(0);
      if (responses.length > 1) {
        out = new Uint8Array(responses.reduce((sum, r) => sum + r.length, 0));
        let at = 0;
        for (const r of responses) {
          out.set(r, at);
          at += r.length;
        }
      }
      for (let written = 0; written < out.length;) {
        written += await conn.write(out.subarray(written));
      }
      if (close) break;
    }
  } catch {
    // A reset peer ends the connection.
  }
  conn.close();
}

for await (const conn of listener) serve(conn);
