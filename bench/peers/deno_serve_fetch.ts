/**
 * Peer for the benchmark's 2-core rows: the `export default { fetch }`
 * module `deno serve --parallel` runs in each of its workers, answering
 * `hello, <path>` like the project's servers.
 *
 * Usage: `DENO_JOBS=2 deno serve --parallel --allow-net --port <port> bench/peers/deno_serve_fetch.ts`
 *
 * @module
 */

export default {
  fetch(request: Request): Response {
    return new Response(`hello, ${new URL(request.url).pathname}`);
  },
} satisfies Deno.ServeDefaultExport;
