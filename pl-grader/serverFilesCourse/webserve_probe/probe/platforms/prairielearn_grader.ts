/**
 * `deno task probe --autograder prairielearn --out DIR`: what a course adds
 * to its PrairieLearn repository to grade the brief there. PrairieLearn's
 * "External Grading" page (docs/Dev-Guide/How-To-Guide/externalGrading.md of
 * PrairieLearn/PrairieLearn): a question's `info.json` sets
 * `externalGradingOptions` (`image`, `entrypoint`, `serverFilesCourse`,
 * `timeout` in seconds, at most 600); the grader's files are copied from the
 * course's `serverFilesCourse/` to `/grade/serverFilesCourse/`, the student's
 * files to `/grade/student/`, and the entrypoint must leave
 * `/grade/results/results.json` (a folder it must make itself).
 *
 *     DIR/serverFilesCourse/webserve_probe/   the probe's files, run.sh (the entrypoint)
 *     DIR/questions/webserve/info.json        the question, graded externally
 *     DIR/questions/webserve/question.html    a file upload, and the results
 *     DIR/grader-image/Dockerfile, install.sh the image: Deno, python3, the box's tools
 *
 * @module
 */

import { DEADLINE_S, gradingScript } from "./grading_script.ts";
import {
  type AutograderOptions,
  installScript,
  probeArguments,
  probeEntries,
} from "./gradescope_autograder.ts";

/** Where the grader's files go under the course's `serverFilesCourse/`. */
export const GRADER_FOLDER = "webserve_probe";

/** The default name of the grader's image (`--image`). */
export const DEFAULT_IMAGE = "webserve-probe";

/** PrairieLearn's timeout for one grading job, in seconds: the script's deadline, its SIGKILL 10 s later, and room to start. */
export const TIMEOUT_S = DEADLINE_S + 30;

/** A fixed UUID for the question (PrairieLearn needs one per question; a course may change it). */
const QUESTION_UUID = "3f0f8b52-5a3e-4b8e-9d7c-2f61c1a9e0b7";

/** The entrypoint's path inside the grading container. */
const ENTRYPOINT = `/grade/serverFilesCourse/${GRADER_FOLDER}/run.sh`;

/** The question's `info.json`. */
export function questionInfo(image: string): Record<string, unknown> {
  return {
    uuid: QUESTION_UUID,
    title: "A web server, blocking and non-blocking",
    topic: "Network programming",
    tags: ["webserve"],
    type: "v3",
    singleVariant: true,
    gradingMethod: "External",
    externalGradingOptions: {
      enabled: true,
      image,
      serverFilesCourse: [`${GRADER_FOLDER}/`],
      entrypoint: ENTRYPOINT,
      timeout: TIMEOUT_S,
    },
  };
}

const QUESTION_HTML = `<pl-question-panel>
  <p>
    Upload your blocking server <code>webserve.py</code>, your non-blocking
    server <code>webserve_nb.py</code>, and any module of yours they import.
    They are graded by what they answer over the wire.
  </p>
  <pl-file-upload file-names="webserve.py, webserve_nb.py" optional-file-patterns="*.py"></pl-file-upload>
</pl-question-panel>

<pl-submission-panel>
  <pl-external-grader-results></pl-external-grader-results>
  <pl-file-preview></pl-file-preview>
</pl-submission-panel>
`;

/** The fallback when the probe wrote nothing: not gradable, so the student loses no attempt. */
const FALLBACK = JSON.stringify({
  gradable: false,
  format_errors: [
    "The grader could not grade this submission: @REASON@. No attempt was used; tell your instructor.",
  ],
  message: "The grader did not finish.",
});

/** One file of the output folder. */
export interface OutputFile {
  /** Its path under DIR. */
  path: string;
  /** Its contents. */
  data: Uint8Array;
  /** Its Unix mode. */
  mode: number;
}

/** Every file of the folder, for `options` and `image`. */
export async function prairieLearnFiles(
  options: AutograderOptions & { image?: string },
): Promise<OutputFile[]> {
  const encoder = new TextEncoder();
  const text = (path: string, content: string, mode = 0o644) => ({
    path,
    data: encoder.encode(content),
    mode,
  });
  const grader = `serverFilesCourse/${GRADER_FOLDER}/`;
  const { visibility: _, ...pl } = options; // Gradescope's alone
  return [
    ...await probeEntries(pl, grader),
    text(
      `${grader}run.sh`,
      gradingScript({
        about: [
          "PrairieLearn runs this for every submission (externalGradingOptions.entrypoint),",
          "with the student's files in /grade/student, and reads",
          "/grade/results/results.json (docs/Dev-Guide/How-To-Guide/externalGrading.md",
          "of PrairieLearn/PrairieLearn).",
        ],
        source: `/grade/serverFilesCourse/${GRADER_FOLDER}`,
        submission: "/grade/student",
        results: "/grade/results/results.json",
        flag: "--prairielearn",
        extra: probeArguments(pl),
        fallback: FALLBACK,
      }),
      0o755,
    ),
    text(
      "questions/webserve/info.json",
      JSON.stringify(questionInfo(options.image ?? DEFAULT_IMAGE), null, 2) +
        "\n",
    ),
    text("questions/webserve/question.html", QUESTION_HTML),
    text(
      "grader-image/Dockerfile",
      `# The image PrairieLearn grades in (externalGradingOptions.image in
# questions/webserve/info.json): Ubuntu with Deno, python3 and the box's tools.
# Build and push it under the name info.json gives, e.g.
#   docker build -t ${
        options.image ?? DEFAULT_IMAGE
      } grader-image && docker push ${options.image ?? DEFAULT_IMAGE}
FROM ubuntu:24.04
COPY install.sh /tmp/install.sh
RUN bash /tmp/install.sh && rm /tmp/install.sh && rm -rf /var/lib/apt/lists/*
`,
    ),
    text(
      "grader-image/install.sh",
      installScript([
        "The grader image's Dockerfile runs this once, as root, when the image is built.",
      ]),
      0o755,
    ),
  ];
}

/** Writes `files` under `dir` (made if missing). */
export async function writeFiles(
  dir: string,
  files: readonly OutputFile[],
): Promise<void> {
  for (const file of files) {
    const path = `${dir}/${file.path}`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.writeFile(path, file.data, { mode: file.mode });
    await Deno.chmod(path, file.mode);
  }
}
