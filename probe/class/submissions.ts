/**
 * A class on disk: one entry per student in a folder, each a folder or a
 * `.zip`. Each is copied (or unpacked) into a fresh folder of its own, the
 * files found there or one folder deeper (as course-site exports nest them),
 * and hashed, so `--resume` can tell when they changed.
 *
 * @module
 */

import { sha256Hex } from "./hex.ts";

/** One student's entry in the class folder. */
export interface Entry {
  /** The student's name: the entry's name, without `.zip`. */
  student: string;
  /** The entry's path. */
  path: string;
  /** A folder or a zip. */
  type: "folder" | "zip";
}

/** The entries of the class folder `dir`, by name, and the names skipped (neither a folder nor a .zip). */
export async function listEntries(
  dir: string,
): Promise<{ entries: Entry[]; skipped: string[] }> {
  const entries: Entry[] = [];
  const skipped: string[] = [];
  for await (const item of Deno.readDir(dir)) {
    if (item.name.startsWith(".")) continue;
    const path = `${dir}/${item.name}`;
    if (item.isDirectory) {
      entries.push({ student: item.name, path, type: "folder" });
    } else if (item.isFile && /\.zip$/i.test(item.name)) {
      entries.push({
        student: item.name.replace(/\.zip$/i, ""),
        path,
        type: "zip",
      });
    } else skipped.push(item.name);
  }
  entries.sort((a, b) =>
    a.student < b.student ? -1 : a.student > b.student ? 1 : 0
  );
  const seen = new Set<string>();
  for (const entry of entries) {
    // alice/ and alice.zip: both are graded, under distinct names.
    if (seen.has(entry.student)) entry.student += `.${entry.type}`;
    seen.add(entry.student);
  }
  return { entries, skipped: skipped.sort() };
}

/** The files of a folder, relative paths sorted; symbolic links are left out (they could point anywhere). */
async function filesOf(dir: string, prefix = ""): Promise<string[]> {
  const files: string[] = [];
  for await (const item of Deno.readDir(`${dir}/${prefix}`)) {
    const rel = prefix ? `${prefix}/${item.name}` : item.name;
    if (item.isDirectory) files.push(...await filesOf(dir, rel));
    else if (item.isFile) files.push(rel);
  }
  return files.sort();
}

/** A SHA-256 of the entry's bytes: the zip itself, or every file's path and contents. */
export async function hashEntry(entry: Entry): Promise<string> {
  const parts: Uint8Array[] = [];
  if (entry.type === "zip") parts.push(await Deno.readFile(entry.path));
  else {
    for (const file of await filesOf(entry.path)) {
      parts.push(new TextEncoder().encode(`${file}\0`));
      parts.push(await Deno.readFile(`${entry.path}/${file}`));
      parts.push(new Uint8Array([0]));
    }
  }
  return await sha256Hex(parts);
}

const UNZIP = new URL("./unzip.py", import.meta.url);

/** What preparing an entry gave: the folder to grade, or why there is none. */
export type Prepared = { dir: string; nested?: string } | { refused: string };

/** Copies (or unpacks) `entry` into the fresh folder `into`, made `owner`'s if given, and finds the submission's files there. */
export async function prepare(
  entry: Entry,
  into: string,
  owner?: number,
): Promise<Prepared> {
  await Deno.mkdir(into, { recursive: true });
  if (entry.type === "folder") {
    for (const file of await filesOf(entry.path)) {
      const target = `${into}/${file}`;
      await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), {
        recursive: true,
      });
      await Deno.copyFile(`${entry.path}/${file}`, target);
    }
  } else {
    const output = await new Deno.Command("python3", {
      args: [decodeURIComponent(UNZIP.pathname), entry.path, into],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { PYTHONDONTWRITEBYTECODE: "1" },
    }).output();
    const line = new TextDecoder().decode(output.stdout).trim().split("\n")
      .pop() ?? "";
    let answer: { files?: number; refused?: string };
    try {
      answer = JSON.parse(line);
    } catch {
      return {
        refused: `the zip could not be unpacked: ${
          new TextDecoder().decode(output.stderr).trim().split("\n").pop()
        }`,
      };
    }
    if (answer.refused) return { refused: `zip refused: ${answer.refused}` };
  }
  if (owner !== undefined) await chownTree(into, owner);
  return await locate(into);
}

/** Makes `path` and everything below it `uid`'s (a copy holds no symbolic links). */
async function chownTree(path: string, uid: number): Promise<void> {
  await Deno.chown(path, uid, uid);
  for await (const entry of Deno.readDir(path)) {
    if (entry.isDirectory) await chownTree(`${path}/${entry.name}`, uid);
    else await Deno.chown(`${path}/${entry.name}`, uid, uid);
  }
}

const SERVERS = ["webserve.py", "webserve_nb.py"];

/** The folder holding the servers: `dir` itself, or its one subfolder (macOS's __MACOSX aside). */
async function locate(dir: string): Promise<Prepared> {
  const names: string[] = [];
  const folders: string[] = [];
  for await (const item of Deno.readDir(dir)) {
    names.push(item.name);
    if (item.isDirectory && item.name !== "__MACOSX") folders.push(item.name);
  }
  if (SERVERS.some((file) => names.includes(file))) return { dir };
  if (folders.length === 1) {
    const inner = `${dir}/${folders[0]}`;
    const innerNames: string[] = [];
    for await (const item of Deno.readDir(inner)) innerNames.push(item.name);
    if (SERVERS.some((file) => innerNames.includes(file))) {
      return { dir: inner, nested: folders[0] };
    }
  }
  return {
    refused:
      `no webserve.py or webserve_nb.py, there or one folder deeper (found: ${
        names.length ? names.sort().slice(0, 8).join(", ") : "nothing"
      })`,
  };
}
