import assert from "node:assert/strict";
import { ACCEPT_RETRY_MS, acceptCanHeal, Listeners } from "./listen.ts";

/** An error as Deno's accept throws it: `code` holds the errno's name. */
function osError(code: string, message: string): Error {
  return Object.assign(new Error(`${message} (os error)`), { code });
}

const EMFILE = () => osError("EMFILE", "Too many open files");
const ECONNABORTED = () =>
  Object.assign(new Deno.errors.ConnectionAborted("Software caused abort"), {
    code: "ECONNABORTED",
  });
const EINVAL = () => osError("EINVAL", "Invalid argument");

/** A connection the fake hands out. */
const CONN = { close() {} } as unknown as Deno.TcpConn;

/**
 * A listening socket whose accepts follow a script: each step fails with an
 * error or hands out {@linkcode CONN}; past the script, an accept waits
 * until the socket is closed.
 */
class ScriptedListener {
  readonly addr: Deno.NetAddr = {
    transport: "tcp",
    hostname: "127.0.0.1",
    port: 1,
  };
  accepts = 0;
  readonly #script: (() => Error | Deno.TcpConn)[];
  readonly #closed = Promise.withResolvers<never>();

  constructor(script: (() => Error | Deno.TcpConn)[]) {
    this.#script = script;
    this.#closed.promise.catch(() => {});
  }

  accept(): Promise<Deno.TcpConn> {
    this.accepts++;
    const step = this.#script.shift();
    if (step === undefined) return this.#closed.promise;
    const result = step();
    return result instanceof Error
      ? Promise.reject(result)
      : Promise.resolve(result);
  }

  close(): void {
    this.#closed.reject(
      new Deno.errors.BadResource("Listener has been closed"),
    );
  }
}

/** Listeners on `sockets`, and the errors they report. */
function listenersOn(...sockets: ScriptedListener[]) {
  const reported: Error[] = [];
  const listeners = new Listeners(
    sockets as unknown as Deno.TcpListener[],
    "IPv4",
    (error) => reported.push(error as Error),
  );
  /** The failures reported, by the error behind each. */
  const causes = () => reported.map((e) => (e.cause as Error).message);
  return { listeners, reported, causes };
}

/** Whether `promise` has settled by the next macrotask. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(() => done = true);
  await new Promise((resolve) => setTimeout(resolve, 0));
  return done;
}

Deno.test("acceptCanHeal retries a lack of descriptors or a peer gone, not a closed or broken socket", () => {
  assert.ok(acceptCanHeal(EMFILE()));
  assert.ok(acceptCanHeal(ECONNABORTED()));
  assert.ok(acceptCanHeal(new Error("something new")));
  assert.ok(!acceptCanHeal(EINVAL()));
  assert.ok(!acceptCanHeal(osError("EBADF", "Bad file descriptor")));
  assert.ok(!acceptCanHeal(new Deno.errors.BadResource("closed")));
});

Deno.test("Listeners.accept retries failures that can heal, and reports each kind of failure once", async () => {
  const socket = new ScriptedListener([
    EMFILE,
    EMFILE,
    ECONNABORTED,
    () => CONN,
  ]);
  const { listeners, causes, reported } = listenersOn(socket);
  const started = performance.now();
  assert.equal(await listeners.accept(), CONN);
  assert.ok(performance.now() - started >= 3 * ACCEPT_RETRY_MS - 5);
  assert.deepEqual(causes(), [
    "Too many open files (os error)",
    "Software caused abort",
  ]);
  assert.match(reported[0].message, /retrying every 50 ms/);
  assert.equal(await settled(listeners.gaveUp), false);
  listeners.close();
});

Deno.test("Listeners.accept gives up on a failure that cannot heal: says so once, closes, and gaveUp says why", async () => {
  const socket = new ScriptedListener([EMFILE, EINVAL]);
  const { listeners, causes, reported } = listenersOn(socket);
  assert.equal(await listeners.accept(), null);
  assert.deepEqual(causes(), [
    "Too many open files (os error)",
    "Invalid argument (os error)",
  ]);
  assert.match(reported[1].message, /the server stops/);
  assert.equal(
    await listeners.gaveUp,
    "cannot accept connections: Invalid argument (os error)",
  );
  assert.equal(await listeners.accept(), null, "closed");
  assert.equal(socket.accepts, 2, "no accept after giving up");
});

Deno.test("Listeners.accept on two sockets gives up when one of them breaks", async () => {
  const broken = new ScriptedListener([
    () => new Deno.errors.BadResource("Bad resource ID"),
  ]);
  const quiet = new ScriptedListener([]);
  const { listeners, causes } = listenersOn(quiet, broken);
  assert.equal(await listeners.accept(), null);
  assert.deepEqual(causes(), ["Bad resource ID"]);
  assert.equal(
    await listeners.gaveUp,
    "cannot accept connections: Bad resource ID",
  );
});

Deno.test("Listeners closed by the server report nothing and never give up", async () => {
  const { listeners, reported } = listenersOn(new ScriptedListener([]));
  const pending = listeners.accept();
  listeners.close();
  assert.equal(await pending, null);
  assert.deepEqual(reported, []);
  assert.equal(await settled(listeners.gaveUp), false);
});
