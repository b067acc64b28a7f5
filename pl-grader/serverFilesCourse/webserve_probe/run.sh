#!/usr/bin/env bash
# PrairieLearn runs this for every submission (externalGradingOptions.entrypoint),
# with the student's files in /grade/student, and reads
# /grade/results/results.json (docs/Dev-Guide/How-To-Guide/externalGrading.md
# of PrairieLearn/PrairieLearn).
#
# Whatever happens, this leaves one valid results file and exits 0: the probe
# writes its document after every check; past the deadline it is stopped and
# the checks it did not reach score 0; if it wrote nothing, the document below
# says why. Made by `deno task probe --autograder`; see
# docs/grading-a-class.md in the project.
set -u
source=/grade/serverFilesCourse/webserve_probe
submission=/grade/student
results=/grade/results/results.json
deadline=${PROBE_DEADLINE_S:-150}
started=$SECONDS
mkdir -p "$(dirname "$results")"
# Only root can read it: the probe's document waits here until the end.
work=$(mktemp -d)
token=$(cat /proc/sys/kernel/random/uuid)

# The document when the probe wrote none: $1 is the reason (plain words).
fallback() {
  printf '{"gradable":false,"format_errors":["The grader could not grade this submission: %s. No attempt was used; tell your instructor."],"message":"The grader did not finish."}\n' "$1" >"$work/results.json"
}

# Kills every process that carries this run's token: what the submission left
# (three rounds, for what forked meanwhile).
sweep() {
  local round environ pid found
  for round in 1 2 3; do
    found=$(grep -slaF "PROBE_GRADING_TOKEN=$token" /proc/[0-9]*/environ)
    [ -n "$found" ] || return 0
    for environ in $found; do
      pid=${environ#/proc/}
      kill -KILL "${pid%/environ}" 2>/dev/null
    done
  done
  return 0
}

cd "$source" || { fallback "the grader's files are missing"; cp "$work/results.json" "$results"; exit 0; }
env "PROBE_GRADING_TOKEN=$token" DENO_NO_UPDATE_CHECK=1 NO_COLOR=1 \
  timeout --kill-after=10 "$deadline" \
  deno task -q probe --submission "$submission" --prairielearn "$work/results.json" --limits cpu=30,as=1073741824,nproc=64,fsize=16777216 -q
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
