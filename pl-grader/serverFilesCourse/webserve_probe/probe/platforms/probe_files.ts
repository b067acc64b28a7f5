/**
 * The probe's own files: what an autograder ships, and what its version is
 * made of. They are the modules `deno info` finds from the entry point of
 * deno.json's `probe` task, plus the files those modules open beside
 * themselves (`new URL("./structure_check.py", import.meta.url)`). Nothing
 * else of the project: not its servers, docs, tests or fixtures.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { sha256Hex } from "../class/hex.ts";

/** The project's root, where deno.json is. */
export const PROJECT_ROOT: string = fileURLToPath(
  new URL("../../", import.meta.url),
);

/** deno.json's parts that an autograder's copy keeps. */
export interface ProbeConfig {
  /** The `probe` task's command line, as deno.json has it. */
  task: string;
  /** The entry point it runs, relative to the root (`probe/main.ts`). */
  entry: string;
  /** deno.json's `unstable` list and compiler options, kept so the copy runs as the project does. */
  unstable?: string[];
  compilerOptions?: Record<string, unknown>;
}

/** Reads the `probe` task and what goes with it from the project's deno.json. */
export async function probeConfig(): Promise<ProbeConfig> {
  const json = JSON.parse(
    await Deno.readTextFile(`${PROJECT_ROOT}deno.json`),
  ) as {
    tasks?: Record<string, string>;
    unstable?: string[];
    compilerOptions?: Record<string, unknown>;
  };
  const task = json.tasks?.probe;
  const entry = task?.split(/\s+/).filter((word) => word.endsWith(".ts"))
    .pop();
  if (task === undefined || entry === undefined) {
    throw new Error("deno.json has no probe task running a .ts file");
  }
  return {
    task,
    entry,
    ...(json.unstable ? { unstable: json.unstable } : {}),
    ...(json.compilerOptions ? { compilerOptions: json.compilerOptions } : {}),
  };
}

/** `new URL("./x.py", import.meta.url)`: a file a module opens beside itself. */
const BESIDE = /new URL\(\s*"(\.\.?\/[^"]+)",\s*import\.meta\.url\s*\)/g;

/** The probe's own files, relative to the project's root, sorted. */
export async function probeFiles(entry?: string): Promise<string[]> {
  const from = entry ?? (await probeConfig()).entry;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", from],
    cwd: PROJECT_ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  }).output();
  if (!output.success) {
    throw new Error(
      `deno info ${from} failed: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
  const graph = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    modules: { specifier: string; error?: string }[];
  };
  const root = new URL(`file://${PROJECT_ROOT}`);
  const files = new Set<string>();
  for (const { specifier, error } of graph.modules) {
    if (error) throw new Error(`deno info ${from}: ${error}`);
    if (!specifier.startsWith(root.href)) continue; // node: built-ins
    files.add(specifier.slice(root.href.length));
    const source = await Deno.readTextFile(new URL(specifier));
    for (const [, relative] of source.matchAll(BESIDE)) {
      const beside = new URL(relative, specifier);
      if (!beside.href.startsWith(root.href)) continue;
      const stat = await Deno.stat(beside).catch(() => undefined);
      if (stat?.isFile) files.add(beside.href.slice(root.href.length));
    }
  }
  return [...files].sort();
}

/**
 * The probe's version: a SHA-256 over its own files' paths and contents
 * (12 hex digits). The same files give the same version wherever they are,
 * in the project or unpacked from an autograder.
 */
export async function probeVersion(files?: string[]): Promise<string> {
  const paths = files ?? await probeFiles();
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const path of paths) {
    const bytes = await Deno.readFile(`${PROJECT_ROOT}${path}`);
    parts.push(encoder.encode(`${path}\0${bytes.length}\0`), bytes);
  }
  return (await sha256Hex(parts)).slice(0, 12);
}
