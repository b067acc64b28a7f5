import assert from "node:assert/strict";
import { parseWrkDuration, parseWrkOutput, wrkCommand } from "./wrk.ts";

const KEEP_ALIVE_REPORT = `Running 2s test @ http://127.0.0.1:18080/a
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   701.45us    0.91ms   9.02ms   93.32%
    Req/Sec    75.00k    16.60k   84.79k    85.00%
  Latency Distribution
     50%  525.00us
     75%  575.00us
     90%  772.00us
     99%    5.34ms
  149203 requests in 2.00s, 17.64MB read
Requests/sec:  74560.42
Transfer/sec:      8.82MB
`;

const ERROR_REPORT = `Running 3s test @ http://127.0.0.1:8080/bench
  1 threads and 256 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.20s   300.00ms   1.99s    70.00%
    Req/Sec     1.00k   100.00     1.20k    80.00%
  Latency Distribution
     50%    1.02s
     75%    1.50s
     90%    1.80s
     99%    1.99s
  3000 requests in 3.00s, 300.00KB read
  Socket errors: connect 3, read 5, write 0, timeout 120
  Non-2xx or 3xx responses: 7
Requests/sec:   1000.00
Transfer/sec:    100.00KB
`;

Deno.test("parseWrkDuration converts each wrk unit to microseconds", () => {
  assert.equal(parseWrkDuration("525.00us"), 525);
  assert.equal(parseWrkDuration("5.34ms"), 5340);
  assert.equal(parseWrkDuration("1.02s"), 1_020_000);
  assert.equal(parseWrkDuration("2.00m"), 120_000_000);
});

Deno.test("parseWrkDuration rejects text that is not a duration", () => {
  assert.throws(() => parseWrkDuration("fast"), SyntaxError);
  assert.throws(() => parseWrkDuration("5.34"), SyntaxError);
});

Deno.test("parseWrkOutput reads rate, count and percentiles of a clean run", () => {
  assert.deepEqual(parseWrkOutput(KEEP_ALIVE_REPORT), {
    requestsPerSec: 74560.42,
    requests: 149203,
    p50Us: 525,
    p99Us: 5340,
    maxUs: 9020,
    socketErrors: 0,
    non2xx: 0,
  });
});

Deno.test("parseWrkOutput sums socket errors and counts non-2xx responses", () => {
  const result = parseWrkOutput(ERROR_REPORT);
  assert.equal(result.socketErrors, 3 + 5 + 0 + 120);
  assert.equal(result.non2xx, 7);
  assert.equal(result.p50Us, 1_020_000);
  assert.equal(result.maxUs, 1_990_000);
});

Deno.test("parseWrkOutput turns wrk's broken pipelining p99 (below the median) into NaN", () => {
  const report = KEEP_ALIVE_REPORT.replace("99%    5.34ms", "99%    0.00us");
  assert.ok(Number.isNaN(parseWrkOutput(report).p99Us));
});

Deno.test("parseWrkOutput throws SyntaxError when wrk printed no report", () => {
  assert.throws(
    () =>
      parseWrkOutput("unable to connect to 127.0.0.1:1 Connection refused\n"),
    SyntaxError,
  );
});

Deno.test("wrkCommand pins wrk and passes headers, script and script arguments", () => {
  assert.deepEqual(
    wrkCommand({
      url: "http://127.0.0.1:9/x",
      connections: 50,
      durationSec: 3,
      headers: ["Connection: close"],
      script: { path: "bench/pipeline.lua", args: ["16"] },
      cpu: 1,
    }),
    [
      "taskset",
      "-c",
      "1",
      "wrk",
      "-t1",
      "-c50",
      "-d3s",
      "--timeout",
      "2s",
      "--latency",
      "-H",
      "Connection: close",
      "-s",
      "bench/pipeline.lua",
      "http://127.0.0.1:9/x",
      "--",
      "16",
    ],
  );
});
