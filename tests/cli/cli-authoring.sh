#!/usr/bin/env bash
# The authoring commands as a user meets them: exit codes, output formats, fmt modes.
#   cli-authoring.sh FERRY
set -uo pipefail
ferry=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_exit() { # expected-code description command...
    local want=$1 what=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local got=$?
    [[ $got == "$want" ]] || fail "$what: exit $got, expected $want (stderr: $(head -3 "$tmp/err"))"
}
command -v jq >/dev/null || { echo "jq is missing: run scripts/install-deps"; exit 1; }

good=$root/examples/bulletin-board/Jenkinsfile
bad=$root/examples/mistakes/Jenkinsfile

expect_exit 0 "--version" "$ferry" --version
grep -q '^ferry [0-9]' "$tmp/out" || fail "--version prints 'ferry X.Y.Z'"
expect_exit 0 "--help" "$ferry" --help
grep -q 'check' "$tmp/out" || fail "--help lists check"
expect_exit 0 "help check" "$ferry" help check
grep -q -- '--format' "$tmp/out" || fail "help check shows --format"
expect_exit 2 "help of an unknown command" "$ferry" help nosuch
expect_exit 2 "an unknown option" "$ferry" check --nosuch
expect_exit 2 "an unknown command" "$ferry" nosuch

expect_exit 0 "check of a clean file" "$ferry" check "$good"
expect_exit 1 "check of a broken file" "$ferry" check --no-color "$bad"
grep -q 'Jenkinsfile:[0-9]*:[0-9]*: error\[E[0-9]*\]' "$tmp/err" || fail "text diagnostics have path:line:col: error[CODE]"
grep -q '\^' "$tmp/err" || fail "text diagnostics have a caret"
[[ $(grep -c ': error\[' "$tmp/err") -ge 5 ]] || fail "errors accumulate (expected at least 5)"
expect_exit 2 "check of a missing file" "$ferry" check "$tmp/none"
grep -q 'no such file' "$tmp/err" || fail "a missing file is named"

expect_exit 1 "check --format json" "$ferry" check --format json "$bad"
jq -e '.diagnostics | length > 0' "$tmp/out" >/dev/null || fail "json has diagnostics"
jq -e '.diagnostics | all(has("file") and has("line") and has("column") and has("severity") and has("code") and has("message"))' \
    "$tmp/out" >/dev/null || fail "json entries have file, line, column, severity, code, message"
jq -e '.diagnostics | all(.severity == "error" or .severity == "warning" or .severity == "note")' \
    "$tmp/out" >/dev/null || fail "json severities are error|warning|note"
expect_exit 1 "check --format sarif" "$ferry" check --format sarif "$bad"
jq -e '.version == "2.1.0" and (.runs[0].tool.driver.name == "ferry") and (.runs[0].results | length > 0)' \
    "$tmp/out" >/dev/null || fail "sarif 2.1.0 with results"
jq -e '.runs[0].results | all(.ruleId and .level and .message.text and .locations[0].physicalLocation.region.startLine)' \
    "$tmp/out" >/dev/null || fail "sarif results carry rule, level, message and region"
jq -e '[.runs[0].results[].ruleIndex] | all(. != null)' "$tmp/out" >/dev/null || fail "sarif results point at their rules"

# A directory is searched; the default file is Ferryfile, else Jenkinsfile.
mkdir -p "$tmp/dir/sub" && cp "$good" "$tmp/dir/sub/Jenkinsfile" && cp "$bad" "$tmp/dir/Jenkinsfile.broken"
expect_exit 1 "check of a directory" "$ferry" check "$tmp/dir"
(cd "$tmp/dir/sub" && "$ferry" check >/dev/null 2>&1) || fail "check with no path uses ./Jenkinsfile"
(cd "$tmp" && "$ferry" check >/dev/null 2>&1; [[ $? == 2 ]]) || fail "check with no path and no file: exit 2"

# Bad input: empty, binary, huge nesting. A clear error, never a crash.
: >"$tmp/empty.groovy"
expect_exit 1 "check of an empty file" "$ferry" check "$tmp/empty.groovy"
head -c 4096 /dev/urandom >"$tmp/binary.groovy"
expect_exit 1 "check of binary garbage" "$ferry" check "$tmp/binary.groovy"

# fmt: print, --check (diff, exit 1), --write (in place), idempotent.
printf 'pipeline {\nagent any\n  stages {  stage("a") { steps { sh  "make" } } }\n}\n' >"$tmp/ugly.groovy"
cp "$tmp/ugly.groovy" "$tmp/ugly.orig"
expect_exit 1 "fmt --check of an unformatted file" "$ferry" fmt --check "$tmp/ugly.groovy"
grep -q '^@@' "$tmp/out" || fail "fmt --check prints a unified diff"
cmp -s "$tmp/ugly.groovy" "$tmp/ugly.orig" || fail "fmt --check changes nothing"
expect_exit 0 "fmt to stdout" "$ferry" fmt "$tmp/ugly.groovy"
cp "$tmp/out" "$tmp/expected.groovy"
expect_exit 0 "fmt --write" "$ferry" fmt --write "$tmp/ugly.groovy"
cmp -s "$tmp/ugly.groovy" "$tmp/expected.groovy" || fail "fmt --write writes what fmt prints"
expect_exit 0 "fmt --check after --write" "$ferry" fmt --check "$tmp/ugly.groovy"
expect_exit 2 "fmt --check --write together" "$ferry" fmt --check --write "$tmp/ugly.groovy"
printf 'pipeline { stages {\n' >"$tmp/broken.groovy"
expect_exit 1 "fmt of a file that does not parse" "$ferry" fmt --write "$tmp/broken.groovy"
[[ $(cat "$tmp/broken.groovy") == 'pipeline { stages {' ]] || fail "fmt leaves a broken file alone"

expect_exit 0 "explain a code" "$ferry" explain E0101
expect_exit 2 "explain an unknown code" "$ferry" explain E9999

if ((failures)); then
    echo "$failures failure(s)"
    exit 1
fi
echo "cli-authoring: all checks passed"
