/**
 * `deno task probe --autograder PLATFORM --out OUT`: writes what a platform
 * needs to grade the brief with the probe, and says in a few lines what to
 * do with it.
 *
 * @module
 */

import { loadRubric } from "../class/rubric.ts";
import type { AutograderPlan } from "../plan.ts";
import { fromUserDir, UsageError } from "../usage.ts";
import { classroomFiles, classroomTotal } from "./github_classroom.ts";
import { gradescopeAutograder } from "./gradescope_autograder.ts";
import {
  DEFAULT_IMAGE,
  prairieLearnFiles,
  writeFiles,
} from "./prairielearn_grader.ts";

/** Writes the platform's files; resolves to the lines to print. Throws {@link UsageError} for a usage error. */
export async function writeAutograder(plan: AutograderPlan): Promise<string[]> {
  const rubric = await loadRubric(plan.rubric);
  const options = {
    ...(plan.rubric !== undefined ? { rubric } : {}),
    ...(plan.visibility ? { visibility: plan.visibility } : {}),
  };
  const out = fromUserDir(plan.out);
  const writing = async (write: () => Promise<void>) => {
    try {
      await write();
    } catch (error) {
      throw new UsageError(
        `--out ${plan.out}: cannot write there (${
          error instanceof Error ? error.message : error
        })`,
      );
    }
  };
  if (plan.platform === "gradescope") {
    if (!plan.out.endsWith(".zip")) {
      throw new UsageError(
        `--autograder gradescope writes a zip: give --out NAME.zip, not ${plan.out}`,
      );
    }
    const zip = await gradescopeAutograder(options);
    await writing(() => Deno.writeFile(out, zip));
    return [
      `wrote ${plan.out} (${
        Math.round(zip.length / 1024)
      } KiB): setup.sh, run_autograder and the probe's files`,
      "upload it on the assignment's Configure Autograder page (docs/grading-a-class.md, Gradescope)",
    ];
  }
  if (plan.platform === "prairielearn") {
    const image = plan.image ?? DEFAULT_IMAGE;
    const files = await prairieLearnFiles({ ...options, image });
    await writing(() => writeFiles(out, files));
    return [
      `wrote ${files.length} files to ${plan.out}: serverFilesCourse/webserve_probe/, questions/webserve/, grader-image/`,
      `build and push the image: docker build -t ${image} ${plan.out}/grader-image && docker push ${image}`,
      "then copy serverFilesCourse/ and questions/ into the course (docs/grading-a-class.md, PrairieLearn)",
    ];
  }
  const files = await classroomFiles(rubric, options);
  await writing(() => writeFiles(out, files));
  const { total, scale } = classroomTotal(rubric);
  return [
    `wrote ${plan.out}/.github/workflows/classroom.yml and ${plan.out}/.github/probe/ (${files.length} files)`,
    `${
      Object.values(rubric.points).filter((p) => p > 0).length
    } steps, ${total} points in all${
      scale > 1
        ? ` (the rubric's points times ${scale}: GitHub Classroom counts whole points)`
        : ""
    }`,
    "commit .github/ to the assignment's template repository (docs/grading-a-class.md, GitHub Classroom)",
  ];
}
