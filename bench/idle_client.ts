/**
 * The client side of the idle-memory scenario, run as its own process so its
 * sockets and memory are not the bench's.
 *
 * Usage: `deno run --allow-net bench/idle_client.ts <port> <count>`
 *
 * Opens `count` keep-alive connections to 127.0.0.1:`port`, sends one request
 * on each and reads its response, then prints `ready <count>` and holds them
 * all idle. Each line on stdin is answered with `open <n>`: how many are
 * still open (not closed by the server). Exits when stdin closes.
 *
 * @module
 */

const port = Number(Deno.args[0]);
const count = Number(Deno.args[1]);
/** Connections opened at once: stays under the default listen backlog. */
const BATCH = 100;

const request = new TextEncoder().encode(
  "GET /idle HTTP/1.1\r\nHost: bench\r\n\r\n",
);
let open = 0;

/** Opens one connection, completes one request on it, and watches it for closing. */
async function openIdle(): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(request);
  const buffer = new Uint8Array(512);
  let seen = "";
  while (!seen.includes("hello, /idle")) {
    const n = await conn.read(buffer);
    if (n === null) throw new Error("closed before answering");
    seen += new TextDecoder().decode(buffer.subarray(0, n));
  }
  open++;
  // Any later read result means the server closed (or broke) the connection.
  conn.read(buffer).then(() => open--, () => open--);
}

for (let started = 0; started < count; started += BATCH) {
  const batch = Math.min(BATCH, count - started);
  await Promise.all(Array.from({ length: batch }, openIdle));
}
console.log(`ready ${open}`);

const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream());
for await (const chunk of lines) {
  for (const _ of chunk.split("\n").slice(1)) console.log(`open ${open}`);
}
Deno.exit(0);
