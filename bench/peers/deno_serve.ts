/**
 * Peer for the benchmark: `Deno.serve` (hyper underneath) answering
 * `hello, <path>` like the project's servers.
 *
 * Usage: `deno run --allow-net bench/peers/deno_serve.ts <port>`
 *
 * @module
 */

const port = Number(Deno.args[0] ?? 8000);
Deno.serve(
  {
    port,
    hostname: "127.0.0.1",
    onListen: ({ hostname, port }) =>
      console.log(`Deno.serve listening on http://${hostname}:${port}/`),
  },
  (request) => new Response(`hello, ${new URL(request.url).pathname}`),
);
