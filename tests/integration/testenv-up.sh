#!/usr/bin/env bash
# CTest fixture setup: start the test environment and write its export lines to ENV_FILE.
#   testenv-up.sh ENV_FILE [CLUSTERS]
# Also checks the contract of `up`: stdout holds only export lines, and every documented
# variable is there. Any leftover environment of an earlier run that died is stopped first.
. "$(dirname "$0")/lib.sh"
env_file=${1:?usage: testenv-up.sh ENV_FILE [CLUSTERS]}
clusters=${2:-2}

start=$(date +%s%3N)
if ! "$REPO_ROOT/scripts/testenv" up --clusters "$clusters" --env-file "$env_file" >"$WORK/stdout"; then
  fail "scripts/testenv up failed (its messages are above)"
fi
ms=$(( $(date +%s%3N) - start ))
pass "scripts/testenv up --clusters $clusters finished in $((ms / 1000)).$((ms % 1000 / 100)) s"

bad=$(grep -cvE '^export [A-Z_][A-Z0-9_]*=' "$WORK/stdout" || true)
[ "$bad" = 0 ] || { cat "$WORK/stdout" >&2; fail "stdout of up has $bad line(s) that are not export lines"; }
pass "stdout of up holds only export lines"
cmp -s "$WORK/stdout" "$env_file" || fail "the env file differs from what up printed"
pass "the env file holds the same lines"

( set +u
  # shellcheck disable=SC1090
  . "$env_file"
  for v in FERRY_TESTENV_DIR FERRY_TEST_REGISTRY FERRY_TEST_REGISTRY_CA FERRY_TEST_DOCKER_CONFIG \
           FERRY_TEST_REGISTRY_USER FERRY_TEST_REGISTRY_PASSWORD_FILE FERRY_TEST_GIT FERRY_TEST_GIT_HTTP \
           KUBECONFIG FERRY_TEST_KUBE_CONTEXT HELM KUBECTL FERRY_TEST_BASE_IMAGE; do
    [ -n "${!v}" ] || fail "up did not export $v"
  done
  if [ "$clusters" -ge 2 ]; then [ -n "$FERRY_TEST_KUBE_CONTEXT_2" ] || fail "up did not export FERRY_TEST_KUBE_CONTEXT_2"; fi
  [ -x "$HELM" ] && [ -x "$KUBECTL" ] || fail "HELM or KUBECTL is not executable"
)
pass "every documented variable is exported"
"$REPO_ROOT/scripts/testenv" status --env-file "$env_file" || fail "status reports a problem right after up"
pass "status: everything running"
done_checks
