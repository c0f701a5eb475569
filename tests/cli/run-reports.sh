#!/usr/bin/env bash
# What `ferry run` leaves for people and tools, checked from outside: the JUnit report (by
# junit-validate.sh: xmllint against junit.xsd, and junitparser), the NDJSON events (by jq),
# CI conventions, and the run records as `ferry history` and `ferry logs` show them, damaged
# records included.
#   run-reports.sh FERRY
set -uo pipefail
ferry=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
command -v jq >/dev/null || { echo "run-reports: needs jq (apt-get install jq)"; exit 1; }

repo=$tmp/shop
mkdir -p "$repo"
cp "$root/tests/golden/run/ferry.yaml" "$root/tests/golden/run/kubeconfig" "$repo/"
cat >"$repo/Ferryfile" <<'EOF'
pipeline {
    agent any
    stages {
        stage('Build') { steps { sh 'echo compiling; echo "<&>"' } }
        stage('Tests') {
            parallel {
                stage('unit') { steps { sh 'for i in $(seq 1 70); do echo "unit line $i"; done' } }
                stage('lint') { steps { echo 'lint ok' } }
            }
        }
        stage('Package') { steps { sh 'echo packing; echo "it broke" >&2; exit 3' } }
        stage('Deploy') { steps { echo 'never' } }
    }
}
EOF
(
    cd "$repo" && git init -q -b main . && git add -A &&
        git -c user.name=t -c user.email=t@t -c commit.gpgsign=false commit -q -m one
) || { echo "run-reports: could not make the git repository"; exit 1; }
cd "$repo" || exit 1
run() { env -i PATH="$PATH" HOME="$tmp" "$@"; }

run "$ferry" run --offline --env test --no-color --junit "$tmp/r1.xml" \
    --events "$tmp/e1.ndjson" >"$tmp/out1" 2>&1
status=$?
[[ $status == 1 ]] || fail "a failing run exits 1, got $status ($(tail -3 "$tmp/out1"))"

# JUnit: Build, unit, lint, Package (failed), Deploy (skipped); "Tests" is a parent.
"$here/junit-validate.sh" "$tmp/r1.xml" tests=5 failures=1 skipped=1 errors=0 ||
    fail "the JUnit report is accepted by xmllint and junitparser with the expected counts"
grep -q 'type="FAILURE"' "$tmp/r1.xml" || fail "the failing stage has type FAILURE"
grep -q 'it broke' "$tmp/r1.xml" || fail "the failure holds the step's output tail"
grep -q '<skipped message="skipped due to earlier failure(s)"/>' "$tmp/r1.xml" ||
    fail "the later stage is <skipped>"

# Events: one JSON object a line, each with type and time.
jq -e -s 'all(.[]; (.type | type) == "string" and (.time | test("^[0-9-]+T[0-9:]+\\.[0-9]{3}Z$")))' \
    "$tmp/e1.ndjson" >/dev/null || fail "every event has a type and an RFC 3339 ms time"
jq -e -s 'map(select(.type == "step.finished" and .result == "FAILURE" and .line > 0)) | length >= 1' \
    "$tmp/e1.ndjson" >/dev/null || fail "the failing step.finished has its line"
grep -q '^\[Package\] sh: packing$' "$tmp/out1" || fail "plain console lines are [Stage] step: line"
grep -q '^Finished: FAILURE' "$tmp/out1" || fail "the console ends with the result"

# CI conventions.
run GITHUB_ACTIONS=true "$ferry" run --offline --env test >"$tmp/gh" 2>&1
grep -q '^::group::Build$' "$tmp/gh" || fail "GitHub Actions: ::group::Stage"
grep -q '^::endgroup::$' "$tmp/gh" || fail "GitHub Actions: ::endgroup::"
grep -q '^::error file=Ferryfile,line=[0-9]*,col=[0-9]*,title=' "$tmp/gh" ||
    fail "GitHub Actions: ::error at the failing step ($(grep '::error' "$tmp/gh" | head -1))"
run GITLAB_CI=true "$ferry" run --offline --env test >"$tmp/gl" 2>&1
grep -qa 'section_start:[0-9]*:ferry_1_Build' "$tmp/gl" || fail "GitLab CI: section_start"
grep -qa 'section_end:[0-9]*:ferry_1_Build' "$tmp/gl" || fail "GitLab CI: section_end"

# History: three runs, newest first.
run "$ferry" history >"$tmp/h" 2>"$tmp/h.err" || fail "history exits 0"
[[ $(sed -n 2p "$tmp/h" | awk '{print $1, $2}') == "3 FAILURE" ]] ||
    fail "history lists the newest run first: $(sed -n 2p "$tmp/h")"
[[ $(wc -l <"$tmp/h") == 4 ]] || fail "history has a header and three runs"
grep -q ' test ' "$tmp/h" || fail "history shows the environment"
run "$ferry" history --format json >"$tmp/h.json" || fail "history --format json exits 0"
jq -e '.runs | length == 3 and .[2].number == 1 and .[2].result == "FAILURE" and .[2].exit_code == 1
       and (.[2].commit | length) == 40' "$tmp/h.json" >/dev/null ||
    fail "history --format json: $(head -c 300 "$tmp/h.json")"

# Logs: every step in order, or one step; unknown runs and steps exit 2.
run "$ferry" logs 1 >"$tmp/l" 2>&1 || fail "logs 1 exits 0"
grep -q '^==> Build/1 (sh) <==$' "$tmp/l" || fail "logs heads each step: $(head -2 "$tmp/l")"
grep -q '^unit line 70$' "$tmp/l" || fail "logs prints the steps' output"
[[ $(grep -n '^compiling$' "$tmp/l" | cut -d: -f1) -lt $(grep -n '^packing$' "$tmp/l" | cut -d: -f1) ]] ||
    fail "logs prints steps in the order they ran"
run "$ferry" logs 1 --step Package/1 >"$tmp/s" 2>&1 || fail "logs --step exits 0"
[[ $(cat "$tmp/s") == $'packing\nit broke' || $(cat "$tmp/s") == *packing* ]] ||
    fail "logs --step prints that step's log: $(cat "$tmp/s")"
grep -q 'compiling' "$tmp/s" && fail "logs --step prints only that step"
run "$ferry" logs 42 >"$tmp/x" 2>&1
[[ $? == 2 ]] || fail "logs of an unknown run exits 2"
grep -q 'no run 42' "$tmp/x" || fail "logs names the unknown run: $(cat "$tmp/x")"
run "$ferry" logs 1 --step Nope/1 >"$tmp/x" 2>&1
[[ $? == 2 ]] || fail "logs of an unknown step exits 2"
grep -q "no step 'Nope/1'" "$tmp/x" || fail "logs names the unknown step: $(cat "$tmp/x")"

# Damaged and future-version records are listed and explained, never a crash.
runs=$repo/.ferry/runs/shop
printf 'garbage\n' >"$runs/2/journal.ndjson"
sed -i 's/"version": 1/"version": 7/' "$runs/3/result.json"
run "$ferry" history >"$tmp/h" 2>"$tmp/h.err"
[[ $? == 0 ]] || fail "history with damaged records exits 0"
# Run 3's result cannot be read: DAMAGED. Run 2's result can: its damaged journal is told on stderr.
[[ $(grep -c DAMAGED "$tmp/h") == 1 ]] || fail "a run with an unreadable result is DAMAGED: $(cat "$tmp/h")"
grep -q "runs/shop/2/journal.ndjson" "$tmp/h.err" || fail "the damaged journal is named"
grep -q "format version 7 is not known" "$tmp/h.err" || fail "the future version is named"
run "$ferry" logs 2 >"$tmp/l2" 2>&1
[[ $? == 0 ]] || fail "logs of a run with a damaged journal still prints its logs"
grep -q 'compiling' "$tmp/l2" || fail "logs of a damaged run prints the logs on disk"

[[ $failures == 0 ]] && echo "run-reports: all passed"
exit $((failures > 0))
