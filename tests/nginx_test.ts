/**
 * webserve_nb behind a real nginx (Debian's `nginx-light`): two instances
 * on loopback, nginx in front with the default `proxy_pass` (a new
 * connection per request) and with an `upstream` that keeps connections
 * alive, and a rolling restart of one instance under load.
 *
 * @module
 */

import assert from "node:assert/strict";
import { freePort } from "../bench/processes.ts";
import { closeQuietly } from "../wire/socket.ts";
import { delay } from "../wire/timers.ts";
import { get, RawClient } from "../testing/raw_client.ts";
import { bodyText, saysClose } from "../wire/response_parser.ts";
import { ServerProcess } from "../testing/server_launcher.ts";

/** Where Debian puts nginx; `sbin` is not on every user's PATH. */
const NGINX_PATHS = ["/usr/sbin/nginx", "/usr/local/sbin/nginx"];

function findNginx(): string | undefined {
  for (const path of NGINX_PATHS) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // Not there.
    }
  }
  return undefined;
}

const nginx = findNginx();
if (!nginx) {
  console.log(
    `nginx_test: skipped, nginx is not installed (apt-get install nginx-light; looked in ${
      NGINX_PATHS.join(", ")
    })`,
  );
}

/** The two configurations `docs/behind-a-reverse-proxy.md` gives, on `direct` and `pooled`, one nginx process. */
function nginxConfig(
  dir: string,
  direct: number,
  pooled: number,
  upstreams: number[],
): string {
  return `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream hello {
${
    upstreams.map((port) =>
      `    server 127.0.0.1:${port} max_fails=1 fail_timeout=1s;`
    ).join("\n")
  }
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${direct};
    location / { proxy_pass http://127.0.0.1:${upstreams[0]}; }
  }
  server {
    listen 127.0.0.1:${pooled};
    location / {
      proxy_pass http://hello;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

/** Waits until something accepts connections on `port`. */
async function waitForPort(port: number, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  for (;;) {
    try {
      closeQuietly(await Deno.connect({ hostname: "127.0.0.1", port }));
      return;
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await delay(50);
    }
  }
}

function startInstance(port: number, quiet = true): Promise<ServerProcess> {
  return ServerProcess.start("webserve_nb.ts", [
    String(port),
    "--host",
    "127.0.0.1",
    ...(quiet ? ["--quiet"] : []),
  ]);
}

async function stopInstance(server: ServerProcess): Promise<number> {
  try {
    server.kill("SIGTERM");
  } catch {
    // Already gone.
  }
  return (await server.finish()).code;
}

Deno.test({
  name:
    "webserve_nb behind nginx answers through proxy_pass and upstream keepalive, and a rolling restart under load loses no request",
  ignore: !nginx,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "webserve_nginx_" });
    let first = await startInstance(0);
    const second = await startInstance(0);
    const direct = freePort(), pooled = freePort();
    await Deno.writeTextFile(
      `${dir}/nginx.conf`,
      nginxConfig(dir, direct, pooled, [first.port, second.port]),
    );
    const proxy = new Deno.Command(nginx!, {
      args: ["-p", dir, "-e", `${dir}/error.log`, "-c", `${dir}/nginx.conf`],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const proxyErrors = new Response(proxy.stderr).text();
    try {
      await waitForPort(direct);
      await waitForPort(pooled);
      for (
        const [port, path] of [[direct, "/direct/a"], [
          pooled,
          "/pooled/b",
        ]] as const
      ) {
        const response = await fetch(`http://127.0.0.1:${port}${path}?q=1`);
        assert.equal(response.status, 200);
        assert.equal(await response.text(), `hello, ${path}`);
      }

      // Keep-alive clients through the pooled server, every answer checked.
      const failures: string[] = [];
      let answered = 0;
      let loading = true;
      const clients = await Promise.all(
        Array.from({ length: 8 }, () => RawClient.connect(pooled)),
      );
      const load = Promise.all(clients.map(async (client, c) => {
        for (let i = 0; loading; i++) {
          const path = `/roll/${c}/${i}`;
          try {
            await client.send(get(path));
            const response = await client.readResponse();
            const body = bodyText(response);
            if (response.status !== 200 || body !== `hello, ${path}`) {
              failures.push(`${path}: ${response.status} ${body}`);
            } else {
              answered++;
            }
            // nginx ends a client's connection after keepalive_requests
            // (1,000), saying so: a client then opens another.
            if (saysClose(response)) {
              client.close();
              clients[c] = client = await RawClient.connect(pooled);
            }
          } catch (error) {
            failures.push(`${path}: ${(error as Error).message}`);
            return;
          }
        }
      }));

      // The rolling restart: one instance drains and exits, then comes back.
      await delay(500);
      const port = first.port;
      assert.equal(await stopInstance(first), 0);
      const beforeRestart = answered;
      first = await startInstance(port, false);
      await delay(2_500);
      loading = false;
      await load;
      for (const client of clients) client.close();

      assert.deepEqual(failures, [], "no client error and no wrong answer");
      assert.ok(answered > beforeRestart, "served after the restart");
      assert.match(
        first.stdout,
        /"GET \/roll\//,
        "nginx went back to the restarted instance",
      );
      assert.ok(answered > 100, `only ${answered} requests answered`);
    } finally {
      try {
        proxy.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      await proxy.status;
      await proxyErrors;
      await stopInstance(first);
      await stopInstance(second);
      await Deno.remove(dir, { recursive: true });
    }
  },
});
