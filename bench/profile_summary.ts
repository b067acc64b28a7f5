/**
 * Summarises a V8 `.cpuprofile` (from `deno run --cpu-prof`): the functions
 * with the most self time, and the most inclusive time, as plain text.
 *
 * Usage: `deno run --allow-read bench/profile_summary.ts <file.cpuprofile> [top=25]`
 *
 * @module
 */

/** One node of a V8 CPU profile's call tree. */
export interface ProfileNode {
  /** Node id, referenced by `children` and `samples`. */
  id: number;
  /** Where the node's code is. */
  callFrame: {
    functionName: string;
    url: string;
    lineNumber: number;
    columnNumber: number;
  };
  /** Ids of the callees. */
  children?: number[];
}

/** A V8 CPU profile as `--cpu-prof` writes it. */
export interface CpuProfile {
  /** The call tree. */
  nodes: ProfileNode[];
  /** The node on top of the stack at each sample. */
  samples: number[];
  /** Microseconds since the previous sample, per sample. */
  timeDeltas: number[];
}

/** Time spent in one function (all nodes with the same name and place). */
export interface FunctionTime {
  /** `name (file:line)`. */
  key: string;
  /** Microseconds with this function on top of the stack. */
  selfUs: number;
  /** Microseconds with this function anywhere on the stack (counted once per sample). */
  totalUs: number;
}

/** The repository root, stripped from file names to keep them short. */
const ROOT_URL = new URL("..", import.meta.url).href;

function keyOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.startsWith(ROOT_URL)
    ? url.slice(ROOT_URL.length)
    : url.replace(/^file:\/\//, "");
  return `${functionName || "(anonymous)"} (${file || "native"}${
    file ? `:${lineNumber + 1}` : ""
  })`;
}

/** Self and inclusive time per function, most self time first. */
export function functionTimes(profile: CpuProfile): FunctionTime[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const times = new Map<string, FunctionTime>();
  const entry = (key: string) => {
    let t = times.get(key);
    if (!t) times.set(key, t = { key, selfUs: 0, totalUs: 0 });
    return t;
  };
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const top = byId.get(id);
    if (!top) return;
    entry(keyOf(top)).selfUs += delta;
    const seen = new Set<string>();
    for (
      let at: number | undefined = id;
      at !== undefined;
      at = parent.get(at)
    ) {
      const key = keyOf(byId.get(at)!);
      if (seen.has(key)) continue;
      seen.add(key);
      entry(key).totalUs += delta;
    }
  });
  return [...times.values()].sort((a, b) => b.selfUs - a.selfUs);
}

if (import.meta.main) {
  const [file, topText] = Deno.args;
  if (!file) {
    console.error(
      "Usage: deno run --allow-read bench/profile_summary.ts <file.cpuprofile> [top]",
    );
    Deno.exit(2);
  }
  const top = Number(topText ?? 25);
  let profile: CpuProfile;
  try {
    profile = JSON.parse(await Deno.readTextFile(file));
  } catch (error) {
    console.error(
      `profile_summary: cannot read ${file}: ${(error as Error).message}`,
    );
    Deno.exit(1);
  }
  const times = functionTimes(profile);
  const all = profile.timeDeltas.reduce((a, b) => a + b, 0);
  const idle = times.find((t) => t.key.startsWith("(idle)"))?.selfUs ?? 0;
  const busy = all - idle;
  const pct = (us: number) => `${(100 * us / busy).toFixed(1).padStart(5)}%`;
  console.log(
    `${(all / 1e6).toFixed(2)} s sampled, ${
      (busy / 1e6).toFixed(2)
    } s busy; percentages of busy time`,
  );
  console.log("\nself time:");
  for (
    const t of times.filter((t) => !t.key.startsWith("(idle)")).slice(0, top)
  ) {
    console.log(`${pct(t.selfUs)}  ${t.key}`);
  }
  console.log("\ninclusive time:");
  for (
    const t of [...times].sort((a, b) => b.totalUs - a.totalUs).filter((t) =>
      !t.key.startsWith("(")
    ).slice(0, top)
  ) {
    console.log(`${pct(t.totalUs)}  ${t.key}`);
  }
}
