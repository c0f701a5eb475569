#!/usr/bin/env bash
# helm v4: ferry's helm steps (helmUpgrade, its plan, its rollback) against the testenv's
# clusters with helm v4 instead of v3. Runs deploy.sh, plan_deploy.sh and run_rollback.sh with
# HELM pointing at the v4 binary the testenv names (HELM4, built by scripts/build-tools helm4).
# Usage: helm4.sh <env file> <ferry_deploy_tool> <ferry>
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
DEPLOY_TOOL=${2:-}
FERRY=${3:-}
[ -x "$DEPLOY_TOOL" ] && [ -x "$FERRY" ] || fail "usage: $0 <env file> <ferry_deploy_tool> <ferry>"
[ -n "${HELM4:-}" ] && [ -x "$HELM4" ] ||
  fail "helm v4 is missing (HELM4=${HELM4:-unset}): build it with scripts/build-tools helm4, then restart the testenv"
version=$("$HELM4" version --template '{{.Version}}' 2>&1) || fail "$HELM4 version failed: $version"
case $version in v4.*) ;; *) fail "$HELM4 is not helm v4: $version" ;; esac
pass "helm $version at $HELM4"

# The same env file, with HELM replaced: each script reads HELM from it.
sed "s|^export HELM=.*|export HELM=$HELM4|" "$1" >"$WORK/env-helm4"
grep -q "^export HELM=$HELM4\$" "$WORK/env-helm4" || fail "could not point HELM at $HELM4 in a copy of $1"
for t in "deploy.sh $DEPLOY_TOOL" "plan_deploy.sh $FERRY" "run_rollback.sh $FERRY"; do
  read -r script tool <<<"$t"
  if bash "$IT_DIR/$script" "$WORK/env-helm4" "$tool" >"$WORK/$script.log" 2>&1; then
    pass "helm v4: $(tail -1 "$WORK/$script.log")"
  else
    cat "$WORK/$script.log" >&2
    fail "helm v4: $script failed (its output is above)"
  fi
done
done_checks
