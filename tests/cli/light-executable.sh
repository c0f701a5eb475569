#!/usr/bin/env bash
# The light `ferry` executable: authoring commands run in it without loading the network
# libraries, everything else is handed to ferry-engine with the same arguments and exit code.
#   tests/cli/light-executable.sh BUILD/ferry
set -uo pipefail
ferry=${1:?usage: $0 path/to/ferry}
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
command -v readelf >/dev/null || { echo "FAIL: readelf is missing: apt-get install binutils (or scripts/install-deps)" >&2; exit 1; }

needed=$(readelf -d "$ferry" | awk '/NEEDED/ { print $NF }')
for lib in libcurl libgit2 libssl libcrypto libarchive; do
    grep -q "$lib" <<<"$needed" && fail "ferry loads $lib at start: $needed"
done
[[ -x $(dirname "$ferry")/ferry-engine ]] || fail "ferry-engine is not built beside ferry"

tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
printf "pipeline {\n  agent any\n  stages { stage('A') { steps { echo 'a' } } }\n}\n" >"$tmp/Jenkinsfile"

# Served by the light executable.
"$ferry" check -q "$tmp/Jenkinsfile" || fail "check of a valid file"
"$ferry" --version | grep -q '^ferry ' || fail "--version"
"$ferry" help fmt | grep -q -- '--check' || fail "help fmt"
# Handed to the engine: its commands, their help, and its exit codes.
"$ferry" --help | grep -q 'plan' || fail "--help lists the engine's commands"
"$ferry" help plan | grep -q -- '--env' || fail "help plan"
(cd "$tmp" && "$ferry" graph >/dev/null) || fail "graph through the engine"
"$ferry" no-such-command >/dev/null 2>&1
[[ $? == 2 ]] || fail "an unknown command exits 2"
# Without the engine: a clear message and exit 2, never a crash.
out=$(FERRY_ENGINE="$tmp/missing-engine" "$ferry" plan --env x 2>&1)
code=$?
[[ $code == 2 ]] || fail "missing engine: exit $code, expected 2"
grep -q 'cannot start .*missing-engine' <<<"$out" || fail "missing engine: message was: $out"
FERRY_ENGINE="$tmp/missing-engine" "$ferry" check -q "$tmp/Jenkinsfile" ||
    fail "check needs no engine"

((failures == 0)) && echo "light-executable: all checks passed"
exit $((failures > 0))
