/**
 * Reference for the benchmark, not a server: the least any server written
 * on `Deno.Conn` can do per request. It reads, counts the request heads that
 * ended (GET without a body, as the bench sends), and writes one precomputed
 * `hello, /bench` response per head. No parsing, no validation, no Date.
 * What separates the project's servers from this row is the engine's cost;
 * what separates this row from Deno.serve is Deno's socket API.
 *
 * Usage: `deno run --allow-net bench/peers/deno_tcp_floor.ts <port>`
 *
 * @module
 */

const port = Number(Deno.args[0] ?? 8000);
const response = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n" +
    "Content-Length: 13\r\n\r\nhello, /bench",
);
const listener = Deno.listen({ hostname: "127.0.0.1", port });
console.log(`Deno TCP floor listening on http://127.0.0.1:${port}/`);

/** Counts "\r\n\r\n" endings across reads, remembering how much of one the last read ended in. */
function countHeads(bytes: Uint8Array, n: number, matched: number[]): number {
  const pattern = [13, 10, 13, 10];
  let heads = 0;
  let m = matched[0];
  for (let i = 0; i < n; i++) {
    m = bytes[i] === pattern[m] ? m + 1 : bytes[i] === 13 ? 1 : 0;
    if (m === 4) {
      heads++;
      m = 0;
    }
  }
  matched[0] = m;
  return heads;
}

async function serve(conn: Deno.TcpConn): Promise<void> {
  conn.setNoDelay(true);
  const buf = new Uint8Array(1024); // the engine's idle read size
  const matched = [0];
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      const heads = countHeads(buf, n, matched);
      if (heads === 0) continue;
      let out = response;
      if (heads > 1) {
        out = new Uint8Array(response.length * heads);
        for (let i = 0; i < heads; i++) out.set(response, i * response.length);
      }
      for (let written = 0; written < out.length;) {
        written += await conn.write(out.subarray(written));
      }
    }
  } catch {
    // A reset peer ends the connection.
  }
  conn.close();
}

for await (const conn of listener) serve(conn);
