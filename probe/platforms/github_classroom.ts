/**
 * `deno task probe --autograder github-classroom --out DIR`: what the
 * assignment's template repository holds to be graded by GitHub Classroom.
 *
 *     DIR/.github/workflows/classroom.yml   one command-grader step per rubric entry, then the reporter
 *     DIR/.github/probe/                    the probe's files, its deno.json (and the rubric)
 *
 * The steps are `classroom-resources/autograding-command-grader@v1`, whose
 * inputs are `test-name`, `setup-command`, `command`, `timeout` (minutes)
 * and `max-score`; a command that exits 0 earns `max-score`, any other exit
 * earns 0 (its action.yml and src/main.js, which reads `max-score` with
 * `parseInt`: whole points only). Each step's result goes to
 * `classroom-resources/autograding-grading-reporter@v1` as the variable
 * `<STEP ID IN CAPITALS>_RESULTS`, with the step ids in `runners` (its
 * README and src/main.js). The job is named `run-autograding-tests`: the
 * reporter looks for that check run to post the total.
 *
 * Each step runs `deno task probe --submission ../.. --checks ENTRY`, which
 * exits 0 only when every check of that rubric entry passes. So an entry is
 * all or nothing here: one failed check of `hello` costs all of `hello`.
 * Finer credit comes from finer entries (`framing.firefox` on its own).
 *
 * @module
 */

import { maxScore, type Rubric } from "../class/rubric.ts";
import {
  type AutograderOptions,
  DENO_VERSION,
  probeEntries,
} from "./gradescope_autograder.ts";
import type { OutputFile } from "./prairielearn_grader.ts";

/** Where the probe's files go in the template repository. */
export const PROBE_FOLDER = ".github/probe";

/** Minutes one step may take (the action's `timeout`): one run of the probe, with room on a busy runner. */
export const STEP_MINUTES = 3;

/** A step id for a rubric entry: letters, digits and `-` (`framing.firefox` → `framing-firefox`). */
export function stepId(entry: string): string {
  return entry.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}

/**
 * The smallest whole number that makes every entry's points whole, since the
 * command grader takes whole points only (the default rubric's quarter
 * points: 4); past 100, the power of ten that does, up to 10,000.
 */
export function pointScale(rubric: Rubric): number {
  const whole = (scale: number) =>
    Object.values(rubric.points).every((points) =>
      Math.abs(points * scale - Math.round(points * scale)) < 1e-9
    );
  for (let scale = 1; scale <= 100; scale++) if (whole(scale)) return scale;
  for (let scale = 1_000; scale < 10_000; scale *= 10) {
    if (whole(scale)) return scale;
  }
  return 10_000;
}

/** One command-grader step, as its inputs. */
export interface ClassroomStep {
  /** The rubric entry. */
  entry: string;
  /** The step's id. */
  id: string;
  /** Installs Deno if it is missing. */
  setup: string;
  /** The probe, on this entry alone. */
  command: string;
  /** Whole points. */
  maxScore: number;
}

/** The steps for `rubric`, in its order; `rubricFile` when the rubric is not the default. */
export function classroomSteps(
  rubric: Rubric,
  rubricFile?: string,
): ClassroomStep[] {
  const scale = pointScale(rubric);
  const setup =
    `command -v deno >/dev/null 2>&1 || npm install -g deno@${DENO_VERSION}`;
  return Object.entries(rubric.points).filter(([, points]) => points > 0).map((
    [entry, points],
  ) => ({
    entry,
    id: stepId(entry),
    setup,
    command:
      `cd ${PROBE_FOLDER} && deno task -q probe --submission ../.. --missing-ok --checks ${entry}${
        rubricFile ? ` --rubric ${rubricFile}` : ""
      } -q`,
    maxScore: Math.round(points * scale),
  }));
}

/** A YAML scalar: JSON's double-quoted string is one. */
const quoted = (text: string) => JSON.stringify(text);

/** The workflow's text. */
export function classroomWorkflow(steps: readonly ClassroomStep[]): string {
  const lines = [
    "# GitHub Classroom's autograding: one command-grader step per rubric entry,",
    "# each earning its points when every check of that entry passes, then the",
    "# reporter, which sums them. Made by `deno task probe --autograder",
    "# github-classroom`; see docs/grading-a-class.md in the project.",
    "name: Autograding Tests",
    '"on":',
    "  - push",
    "  - repository_dispatch",
    "permissions:",
    "  checks: write",
    "  actions: read",
    "  contents: read",
    "jobs:",
    "  run-autograding-tests:",
    "    runs-on: ubuntu-latest",
    "    if: github.actor != 'github-classroom[bot]'",
    "    steps:",
    "      - name: Checkout code",
    "        uses: actions/checkout@v4",
  ];
  for (const step of steps) {
    lines.push(
      `      - name: ${quoted(step.entry)}`,
      `        id: ${step.id}`,
      "        uses: classroom-resources/autograding-command-grader@v1",
      "        with:",
      `          test-name: ${quoted(step.entry)}`,
      `          setup-command: ${quoted(step.setup)}`,
      `          command: ${quoted(step.command)}`,
      `          timeout: ${STEP_MINUTES}`,
      `          max-score: ${step.maxScore}`,
    );
  }
  lines.push(
    "      - name: Autograding Reporter",
    "        uses: classroom-resources/autograding-grading-reporter@v1",
    "        env:",
    ...steps.map((step) =>
      `          ${step.id.toUpperCase()}_RESULTS: ${
        quoted(`\${{steps.${step.id}.outputs.result}}`)
      }`
    ),
    "        with:",
    `          runners: ${steps.map((step) => step.id).join(",")}`,
  );
  return lines.join("\n") + "\n";
}

/** Every file of the folder, for `options`. */
export async function classroomFiles(
  rubric: Rubric,
  options: AutograderOptions,
): Promise<OutputFile[]> {
  const { visibility: _, ...classroom } = options; // Gradescope's alone
  const steps = classroomSteps(
    rubric,
    classroom.rubric ? "rubric.json" : undefined,
  );
  return [
    ...await probeEntries(classroom, `${PROBE_FOLDER}/`),
    {
      path: ".github/workflows/classroom.yml",
      data: new TextEncoder().encode(classroomWorkflow(steps)),
      mode: 0o644,
    },
  ];
}

/** The total the workflow's steps add up to, and the scale from the rubric's points. */
export function classroomTotal(
  rubric: Rubric,
): { total: number; scale: number } {
  const scale = pointScale(rubric);
  return { total: Math.round(maxScore(rubric) * scale), scale };
}
