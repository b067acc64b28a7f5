/**
 * The script a platform runs for each submission (Gradescope's
 * `run_autograder`, PrairieLearn's entrypoint): `deno task probe
 * --submission` on the student's files, writing the platform's results.
 * Whatever happens, it leaves one valid results file and exits 0:
 *
 *     fallback document, kept aside (nothing has run yet)
 *       --> probe, under a deadline (timeout; SIGKILL 10 s later), writing its
 *           document after every check into a folder only root can read
 *       --> kill every process still carrying this run's token (what the
 *           submission left running)
 *       --> copy the probe's last document into place; none: the fallback,
 *           saying why (deadline, or the probe's exit status)
 *
 * Writing the results only after the sweep means that nothing the
 * submission left running can write them after the probe has.
 *
 * @module
 */

/** The most one submission's grading may take, in seconds; SIGKILL follows 10 s later. Well inside Gradescope's default of 10 minutes. (`PROBE_DEADLINE_S` in the script's environment overrides it, for tests.) */
export const DEADLINE_S = 150;

/** The variable that marks every process of one grading run. */
const TOKEN = "PROBE_GRADING_TOKEN";

/** What differs between platforms. */
export interface GradingScript {
  /** Comment lines at the top: what runs this script, with the platform's docs cited. */
  about: string[];
  /** Where the probe's files are (deno.json with the `probe` task). */
  source: string;
  /** The student's files. */
  submission: string;
  /** Where the platform reads the results. */
  results: string;
  /** The probe's flag for this platform's document (`--gradescope`). */
  flag: string;
  /** More words for the probe (`--rubric`, `--visibility`), each safe in a shell as it is. */
  extra: string[];
  /**
   * The platform's document when the probe wrote none, as one line of JSON
   * with `@REASON@` inside a string where the reason goes (plain words) and,
   * if it says so, `"@SECONDS@"` where the seconds taken go.
   */
  fallback: string;
}

/** Words a script may hold as they are: no quoting needed. */
const PLAIN = /^[\w./=,:@+-]+$/;

/** `printf`'s format for the fallback, and its arguments in their order: the reason (`%s`), the seconds (`%d`) if it holds them. */
function printfFormat(fallback: string): { format: string; args: string } {
  const count = (marker: string) => fallback.split(marker).length - 1;
  if (count("@REASON@") !== 1 || count('"@SECONDS@"') > 1) {
    throw new Error(
      'a fallback holds @REASON@ once, and "@SECONDS@" at most once',
    );
  }
  const reason = fallback.indexOf("@REASON@");
  const seconds = fallback.indexOf('"@SECONDS@"');
  const format = fallback.replaceAll("\\", "\\\\").replaceAll("%", "%%")
    .replace("@REASON@", "%s").replace('"@SECONDS@"', "%d");
  const args = seconds < 0
    ? ['"$1"']
    : reason < seconds
    ? ['"$1"', '"$((SECONDS - started))"']
    : ['"$((SECONDS - started))"', '"$1"'];
  return { format: format.replaceAll("'", "'\\''"), args: args.join(" ") };
}

/** The bash script for `script`. */
export function gradingScript(script: GradingScript): string {
  for (const word of [script.source, script.submission, script.results]) {
    if (!PLAIN.test(word)) throw new Error(`not a plain path: ${word}`);
  }
  for (const word of script.extra) {
    if (!PLAIN.test(word)) throw new Error(`not a plain word: ${word}`);
  }
  const { format, args } = printfFormat(script.fallback);
  return `#!/usr/bin/env bash
${script.about.map((line) => `# ${line}`.trimEnd()).join("\n")}
#
# Whatever happens, this leaves one valid results file and exits 0: the probe
# writes its document after every check; past the deadline it is stopped and
# the checks it did not reach score 0; if it wrote nothing, the document below
# says why. Made by \`deno task probe --autograder\`; see
# docs/grading-a-class.md in the project.
set -u
source=${script.source}
submission=${script.submission}
results=${script.results}
deadline=\${PROBE_DEADLINE_S:-${DEADLINE_S}}
started=$SECONDS
mkdir -p "$(dirname "$results")"
# Only root can read it: the probe's document waits here until the end.
work=$(mktemp -d)
token=$(cat /proc/sys/kernel/random/uuid)

# The document when the probe wrote none: $1 is the reason (plain words).
fallback() {
  printf '${format}\\n' ${args} >"$work/results.json"
}

# Kills every process that carries this run's token: what the submission left
# (three rounds, for what forked meanwhile).
sweep() {
  local round environ pid found
  for round in 1 2 3; do
    found=$(grep -slaF "${TOKEN}=$token" /proc/[0-9]*/environ)
    [ -n "$found" ] || return 0
    for environ in $found; do
      pid=\${environ#/proc/}
      kill -KILL "\${pid%/environ}" 2>/dev/null
    done
  done
  return 0
}

cd "$source" || { fallback "the grader's files are missing"; cp "$work/results.json" "$results"; exit 0; }
env "${TOKEN}=$token" DENO_NO_UPDATE_CHECK=1 NO_COLOR=1 \\
  timeout --kill-after=10 "$deadline" \\
  deno task -q probe --submission "$submission" ${script.flag} "$work/results.json"${
    script.extra.length ? ` ${script.extra.join(" ")}` : ""
  } -q
status=$?
sweep
case $status in
  0 | 1) echo "graded in $((SECONDS - started)) s" ;;
  124 | 137) echo "stopped at the deadline of $deadline s" ;;
  *) echo "the probe exited with status $status" ;;
esac
if [ ! -s "$work/results.json" ]; then
  case $status in
    124 | 137) fallback "the grading passed its deadline of $deadline s before its first check" ;;
    *) fallback "the probe exited with status $status before its first check" ;;
  esac
fi
cp "$work/results.json" "$results.partial" && mv "$results.partial" "$results"
rm -rf "$work"
exit 0
`;
}
