/**
 * What both minimal examples need before their loop: the port from the
 * command line, and a listener on every interface, or one clear line and an
 * exit status when either is wrong.
 *
 * @module
 */

/**
 * Listens on all interfaces on the port given as the first argument, and
 * prints where. On a bad argument or a port that cannot be bound, prints one
 * line on stderr and exits (2 for usage, 1 for the port).
 *
 * @param name the example's name, for its messages
 */
export function listenOrExit(name: string): Deno.TcpListener {
  const text = Deno.args[0] ?? "";
  const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port <= 65535)) {
    console.error(
      `usage: deno run --allow-net examples/${name}.ts <port>   (0 to 65535)`,
    );
    Deno.exit(2);
  }
  try {
    // 0.0.0.0: every IPv4 interface, as Python's '' in the brief.
    const listener = Deno.listen({ hostname: "0.0.0.0", port });
    console.log(`${name} listening on http://0.0.0.0:${listener.addr.port}/`);
    return listener;
  } catch (error) {
    console.error(
      `${name}: cannot listen on port ${port}: ${(error as Error).message}`,
    );
    Deno.exit(1);
  }
}
