/**
 * `deno task probe --autograder gradescope --out autograder.zip`: the zip
 * Gradescope asks for. Its "Autograder Specifications" (docs/specs.md of
 * gradescope/autograder_samples): `setup.sh` and `run_autograder` at the
 * root of the zip; Gradescope unpacks it into `/autograder/source`, runs
 * `setup.sh` once (as root) when it builds the image, then `run_autograder`
 * for each submission with the student's files in `/autograder/submission`,
 * and reads `/autograder/results/results.json`. Beside them: the probe's own
 * files (`probe_files.ts`), a deno.json holding only its `probe` task, and
 * the rubric if one was given.
 *
 * @module
 */

import { DEFAULT_LIMITS, formatLimits } from "../class/limits.ts";
import type { Rubric } from "../class/rubric.ts";
import type { Visibility } from "../class/gradescope.ts";
import { gradingScript } from "./grading_script.ts";
import { probeConfig, probeFiles, PROJECT_ROOT } from "./probe_files.ts";
import { type ZipEntry, zipFiles } from "./zip.ts";

/** The Deno release the probe is built and tested with; setup.sh installs it. */
export const DENO_VERSION = "2.9.6";

/** Debian and Ubuntu packages the probe needs besides Deno: python3 for the submission, and what its box uses. */
export const SYSTEM_PACKAGES = [
  "python3",
  "bubblewrap",
  "util-linux",
  "iproute2",
] as const;

/** What goes into a platform's copy of the probe besides its files. */
export interface AutograderOptions {
  /** The rubric, when not the default (copied as `rubric.json`). */
  rubric?: Rubric;
  /** Gradescope's visibility for the tests and stdout. */
  visibility?: Visibility;
}

/**
 * The script that readies an image (Gradescope's `setup.sh`, PrairieLearn's
 * image): installs what is missing, and only that, so that on an image that
 * has it all it never reaches for the network. Deno comes from npm: the
 * package of the platform's binary, unpacked (no install script runs, so
 * Ubuntu's own older Node.js is enough for `npm pack`). With `cache`, it
 * then resolves every module of the probe there.
 */
export function installScript(
  about: string[],
  cache?: { source: string; entry: string },
): string {
  return `#!/usr/bin/env bash
${about.map((line) => `# ${line}`).join("\n")}
# It installs only what is missing: Deno ${DENO_VERSION} (from npm),
# ${SYSTEM_PACKAGES.join(", ")}. Made by \`deno task probe --autograder\`.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive DENO_NO_UPDATE_CHECK=1
deno_version=${DENO_VERSION}

has_deno() {
  command -v deno >/dev/null 2>&1 && deno --version 2>/dev/null | head -n 1 | grep -q "^deno $deno_version "
}

missing=()
for package in ${SYSTEM_PACKAGES.join(" ")}; do
  dpkg-query -W -f='\${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if ! has_deno && ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
if [ \${#missing[@]} -gt 0 ]; then
  echo "$(basename "$0"): installing \${missing[*]}"
  apt-get update -q
  apt-get install -y -q --no-install-recommends "\${missing[@]}"
fi

if ! has_deno; then
  case "$(uname -m)" in
    x86_64) package=@deno/linux-x64-glibc ;;
    aarch64) package=@deno/linux-arm64-glibc ;;
    *) echo "$(basename "$0"): no Deno build for $(uname -m)" >&2; exit 1 ;;
  esac
  echo "$(basename "$0"): installing Deno $deno_version from npm ($package)"
  unpack=$(mktemp -d)
  (cd "$unpack" && npm pack --silent "$package@$deno_version" >/dev/null && tar -xzf ./*.tgz)
  install -m 755 "$unpack/package/deno" /usr/local/bin/deno
  rm -rf "$unpack"
  hash -r
fi
has_deno || { echo "$(basename "$0"): Deno $deno_version is not on PATH" >&2; exit 1; }

${
    cache
      ? `
# Every module of the probe resolves (a file missing shows here, once).
cd ${cache.source}
deno cache --quiet ${cache.entry}
`
      : ""
  }echo "$(basename "$0"): ready ($(deno --version | head -n 1), $(python3 --version))"
`;
}

/** The probe's command-line words for `options` (each plain, for a script). */
export function probeArguments(options: AutograderOptions): string[] {
  return [
    ...(options.rubric ? ["--rubric", "rubric.json"] : []),
    ...(options.visibility ? ["--visibility", options.visibility] : []),
    "--limits",
    formatLimits(DEFAULT_LIMITS),
  ];
}

/** The probe's files, its deno.json and the rubric, as zip entries under `prefix`. */
export async function probeEntries(
  options: AutograderOptions,
  prefix = "",
): Promise<ZipEntry[]> {
  const config = await probeConfig();
  const encoder = new TextEncoder();
  const entries: ZipEntry[] = [];
  for (const path of await probeFiles(config.entry)) {
    entries.push({
      path: `${prefix}${path}`,
      data: await Deno.readFile(`${PROJECT_ROOT}${path}`),
      mode: 0o644,
    });
  }
  const denoJson = {
    ...(config.compilerOptions
      ? { compilerOptions: config.compilerOptions }
      : {}),
    ...(config.unstable ? { unstable: config.unstable } : {}),
    tasks: { probe: config.task },
  };
  entries.push({
    path: `${prefix}deno.json`,
    data: encoder.encode(JSON.stringify(denoJson, null, 2) + "\n"),
    mode: 0o644,
  });
  if (options.rubric) {
    entries.push({
      path: `${prefix}rubric.json`,
      data: encoder.encode(JSON.stringify(options.rubric, null, 2) + "\n"),
      mode: 0o644,
    });
  }
  return entries;
}

/** The fallback results.json (see `grading_script.ts`): score 0, no tests, the reason. */
function gradescopeFallback(visibility?: Visibility): string {
  return JSON.stringify({
    score: 0,
    execution_time: "@SECONDS@",
    output:
      "The autograder could not grade this submission: @REASON@. Your instructor can see why in the autograder's log, and regrade it.",
    output_format: "text",
    ...(visibility ? { stdout_visibility: visibility } : {}),
    tests: [],
  });
}

/** The zip's bytes for `options`. */
export async function gradescopeAutograder(
  options: AutograderOptions,
): Promise<Uint8Array> {
  const { entry } = await probeConfig();
  const encoder = new TextEncoder();
  const runAutograder = gradingScript({
    about: [
      "Gradescope runs this for every submission, as root, with the student's files",
      "in /autograder/submission, and reads /autograder/results/results.json",
      "(docs/specs.md of gradescope/autograder_samples).",
    ],
    source: "/autograder/source",
    submission: "/autograder/submission",
    results: "/autograder/results/results.json",
    flag: "--gradescope",
    extra: probeArguments(options),
    fallback: gradescopeFallback(options.visibility),
  });
  return zipFiles([
    {
      path: "setup.sh",
      data: encoder.encode(installScript([
        "Gradescope runs this once, as root, when it builds the autograder's image",
        '(docs/specs.md of gradescope/autograder_samples: "setup.sh ... installs all',
        'your dependencies"; the base image is Ubuntu).',
      ], { source: "/autograder/source", entry })),
      mode: 0o755,
    },
    {
      path: "run_autograder",
      data: encoder.encode(runAutograder),
      mode: 0o755,
    },
    ...await probeEntries(options),
  ]);
}
