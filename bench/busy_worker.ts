/**
 * What SO_REUSEPORT's hashing means for the blocking server with workers:
 * `webserve.ts --workers 4` with one client holding a keep-alive connection
 * idle (its worker waits for it, up to the 1 s idle timeout), then new
 * clients, one after another. The kernel picks each one's worker from a
 * hash of its addresses, whatever that worker is doing: a client that
 * lands on the busy worker waits in that worker's own queue while the
 * others are free. Ten rounds; prints how many waited, and how long.
 *
 * Usage: `deno run --allow-net --allow-read --unstable-net bench/busy_worker.ts [workers=4]`
 *
 * @module
 */

import { closeQuietly } from "../wire/socket.ts";
import { delay } from "../wire/timers.ts";
import { serve } from "../webserve.ts";

const workers = Number(Deno.args[0] ?? 4);
const server = serve({
  port: 0,
  hostname: "127.0.0.1",
  quiet: true,
  workers,
});
await server.ready;
const request = (path: string, close: boolean) =>
  new TextEncoder().encode(
    `GET ${path} HTTP/1.1\r\nHost: x\r\n${
      close ? "Connection: close\r\n" : ""
    }\r\n`,
  );

/** Connects, sends one request and waits for the first bytes of the answer; resolves to the connection and the milliseconds taken. */
async function ask(path: string, close: boolean): Promise<[Deno.Conn, number]> {
  const conn = await Deno.connect({
    hostname: "127.0.0.1",
    port: server.addr.port,
  });
  const start = performance.now();
  await conn.write(request(path, close));
  await conn.read(new Uint8Array(1024));
  return [conn, performance.now() - start];
}

const times: number[] = [];
for (let round = 0; round < 10; round++) {
  const [holder] = await ask("/hold", false);
  for (let i = 0; i < 8; i++) {
    const [conn, ms] = await ask(`/new/${i}`, true);
    closeQuietly(conn);
    times.push(ms);
  }
  closeQuietly(holder);
  await delay(1_100); // every worker free again
}
await server.stop();
const slow = times.filter((ms) => ms > 100).sort((a, b) => a - b);
const fast = times.filter((ms) => ms <= 100);
console.log(
  `webserve --workers ${workers}, one idle keep-alive client per round, 8 new clients after it, 10 rounds:\n` +
    `${fast.length} of ${times.length} answered within ${
      Math.max(...fast).toFixed(1)
    } ms; ${slow.length} landed on the busy worker and waited ${
      slow.length
        ? `${slow[0].toFixed(0)} to ${slow.at(-1)!.toFixed(0)} ms`
        : "-"
    } (the hold ends at the idle timeout; the later clients of that round found every worker free)`,
);
