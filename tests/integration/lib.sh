# shellcheck shell=bash
# Helpers for the integration test scripts. Each test script is run by CTest as
#   bash tests/integration/<name>.sh <env-file>
# where <env-file> holds the export lines of `scripts/testenv up` (written by the
# testenv.up fixture). Tests assert on the real servers, never skip, and fail with a
# message saying what is missing.
set -euo pipefail

IT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034  # used by the scripts that source this file
REPO_ROOT=$(cd "$IT_DIR/../.." && pwd)
TEST_NAME=$(basename "$0" .sh)
CHECKS=0

fail() { printf 'FAIL [%s]: %s\n' "$TEST_NAME" "$*" >&2; exit 1; }
pass() { CHECKS=$((CHECKS + 1)); printf 'ok %d - %s\n' "$CHECKS" "$*"; }
note() { printf '# %s\n' "$*"; }

# load_env FILE: source the testenv export lines; fail if the environment is not up.
load_env() {
  local f=${1:-${FERRY_TESTENV_ENV_FILE:-}}
  require_tool curl "Install it: apt-get install curl (or scripts/install-deps)."
  require_tool jq "Install it: apt-get install jq (or scripts/install-deps)."
  [ -n "$f" ] || fail "usage: $0 <testenv env file> (written by: scripts/testenv up --env-file FILE)"
  [ -s "$f" ] || fail "env file $f missing or empty: the testenv.up fixture did not run or failed (see its output)"
  # shellcheck disable=SC1090
  . "$f"
  [ -n "${FERRY_TESTENV_DIR:-}" ] && [ -d "$FERRY_TESTENV_DIR" ] ||
    fail "the test environment of $f is not running (FERRY_TESTENV_DIR=${FERRY_TESTENV_DIR:-unset})"
  [ -f "$FERRY_TESTENV_DIR/up-complete" ] || fail "the test environment in $FERRY_TESTENV_DIR did not finish starting"
}

# require_vars NAME...: every variable is set and non-empty.
require_vars() {
  local v
  for v in "$@"; do
    [ -n "${!v:-}" ] || fail "$v is not set by scripts/testenv up"
  done
}

# require_tool CMD HINT
require_tool() {
  command -v "$1" >/dev/null 2>&1 || fail "'$1' is needed. $2"
}

# expect_fail DESC CMD...: CMD must fail.
expect_fail() {
  local desc=$1
  shift
  if "$@" >"$WORK/expect_fail.out" 2>&1; then
    cat "$WORK/expect_fail.out" >&2
    fail "expected to fail but succeeded: $desc"
  fi
  pass "$desc"
}

# expect_ok DESC CMD...: CMD must succeed.
expect_ok() {
  local desc=$1
  shift
  if ! "$@" >"$WORK/expect_ok.out" 2>&1; then
    cat "$WORK/expect_ok.out" >&2
    fail "$desc"
  fi
  pass "$desc"
}

# A scratch directory per test, removed at exit.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ferry-it-$TEST_NAME.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# done_checks: closing line; a test that checked nothing fails.
done_checks() {
  [ "$CHECKS" -gt 0 ] || fail "no checks ran"
  printf '%s: %d checks passed\n' "$TEST_NAME" "$CHECKS"
}
