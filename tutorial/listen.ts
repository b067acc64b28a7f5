/**
 * What every server of the tutorial (and of `examples/`, its last step) does
 * before its loop, kept out of the steps so that their diffs show only the
 * HTTP: the port from the command line, a listener on every interface, and
 * one line saying where; or one line saying what is wrong, and an exit
 * status.
 *
 * @module
 */

/**
 * Listens on every IPv4 interface (0.0.0.0, as the brief's `''` in Python)
 * on the port given as the first argument, and prints where. On a bad
 * argument, prints the usage and exits 2; on a port that cannot be bound,
 * says why and exits 1.
 *
 * @param name the server's file name without `.ts`, for its messages
 */
export function listenOnArgs(name: string): Deno.Listener {
  const port = Number(Deno.args[0]);
  if (!/^[0-9]{1,5}$/.test(Deno.args[0] ?? "") || port > 65535) {
    // The script as the user named it: its folder and file.
    const script = Deno.mainModule.split("/").slice(-2).join("/");
    console.error(`usage: deno run --allow-net ${script} <port>`);
    Deno.exit(2);
  }
  let listener: Deno.Listener;
  try {
    listener = Deno.listen({ hostname: "0.0.0.0", port });
  } catch (error) {
    console.error(`${name}: cannot listen on port ${port}: ${error}`);
    Deno.exit(1);
  }
  const { port: bound } = listener.addr as Deno.NetAddr;
  console.log(`${name} listening on http://0.0.0.0:${bound}/`);
  return listener;
}
