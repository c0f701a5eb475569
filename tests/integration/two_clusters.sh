#!/usr/bin/env bash
# One run deploying to two clusters is one transaction (issue 7): the environment's cluster
# (context 1) and a second cluster of ferry.yaml named by the step's `cluster:` (context 2).
# Before the run, cluster 1 holds release `web` at revision 1 (replicas 2) in namespace NS, and
# cluster 2 has no NS at all. The run upgrades `web` in cluster 1 (replicas 3), then installs
# `web` into cluster 2, creating NS there, and that release never becomes ready. Afterwards both
# clusters are as they were: cluster 1's `web` is back at revision 1's values (helm history says
# "Rollback to 1"), cluster 2 has neither the release nor NS. The plan names cluster 2's context
# for the second step, and a step naming an undeclared cluster is a plan error.
#   tests/integration/two_clusters.sh ENV_FILE BUILD/ferry
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
FERRY=${2:-}
[ -n "$FERRY" ] && [ -x "$FERRY" ] || fail "usage: $0 <env-file> <ferry> (build the ferry target)"
require_vars KUBECONFIG FERRY_TEST_KUBE_CONTEXT KUBECTL HELM FERRY_TEST_BASE_IMAGE
[ -n "${FERRY_TEST_KUBE_CONTEXT_2:-}" ] ||
  fail "FERRY_TEST_KUBE_CONTEXT_2 not set: start the environment with scripts/testenv up --clusters 2"
require_tool git "Install it: apt-get install git (or scripts/install-deps)."
K1() { "$KUBECTL" --kubeconfig "$KUBECONFIG" --context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
K2() { "$KUBECTL" --kubeconfig "$KUBECONFIG" --context "$FERRY_TEST_KUBE_CONTEXT_2" "$@"; }
H1() { "$HELM" --kubeconfig "$KUBECONFIG" --kube-context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
H2() { "$HELM" --kubeconfig "$KUBECONFIG" --kube-context "$FERRY_TEST_KUBE_CONTEXT_2" "$@"; }
NS=it-two-$$
export XDG_CACHE_HOME=$WORK/cache
trap 'K1 delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
      K2 delete namespace "$NS" --wait=false >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

ws=$WORK/ws
mkdir -p "$ws" && cp -r "$IT_DIR/charts/demo" "$ws/chart"
cat >"$ws/ferry.yaml" <<YAML
version: 1
clusters:
  lab: { kubeconfig: "$KUBECONFIG", context: "$FERRY_TEST_KUBE_CONTEXT" }
  edge: { kubeconfig: "$KUBECONFIG", context: "$FERRY_TEST_KUBE_CONTEXT_2" }
environments:
  test:
    cluster: lab
    namespace: $NS
    createNamespace: true
    variables:
      BASE: $FERRY_TEST_BASE_IMAGE
YAML
cat >"$ws/Ferryfile" <<'GROOVY'
pipeline {
    agent any
    stages {
        stage('Lab') {
            steps {
                helmUpgrade release: 'web', chart: 'chart', set: [image: "${BASE}", replicas: 3],
                    wait: true, timeout: '30s'
            }
        }
        stage('Edge') {
            steps {
                helmUpgrade release: 'web', chart: 'chart', cluster: 'edge',
                    set: [image: "${BASE}", neverReady: true], wait: true, timeout: '8s'
            }
        }
    }
}
GROOVY
sed "s/cluster: 'edge'/cluster: 'egde'/" "$ws/Ferryfile" >"$ws/Typo.ferry"
(cd "$ws" && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm init) ||
  fail "cannot create the workspace repository"

K1 create namespace "$NS" >/dev/null || fail "cannot create namespace $NS in cluster 1"
H1 install web "$ws/chart" -n "$NS" --set image="$FERRY_TEST_BASE_IMAGE" --set replicas=2 \
  --wait --timeout 60s >/dev/null || fail "cannot install release web in cluster 1"
! K2 get namespace "$NS" >/dev/null 2>&1 || fail "namespace $NS exists in cluster 2 before the run"
pass "before: cluster 1 has web at revision 1 (replicas 2) in $NS, cluster 2 has no $NS"

(cd "$ws" && "$FERRY" plan --env test --format json --no-color) >"$WORK/plan.json" 2>"$WORK/plan.err" ||
  { cat "$WORK/plan.err" >&2; fail "ferry plan failed"; }
jq -e --arg c1 "$FERRY_TEST_KUBE_CONTEXT" --arg c2 "$FERRY_TEST_KUBE_CONTEXT_2" \
  '[.steps[] | select(.kind == "helmUpgrade") | .target.context] == [$c1, $c2]' "$WORK/plan.json" >/dev/null ||
  fail "the plan does not target both contexts: $(jq -c '[.steps[] | {kind, target}]' "$WORK/plan.json")"
jq -e --arg c2 "$FERRY_TEST_KUBE_CONTEXT_2" --arg ns "$NS" \
  '[.steps[] | .effects[]? | select(.kind == "namespace") | .target] == [$c2 + "/" + $ns]' \
  "$WORK/plan.json" >/dev/null ||
  fail "the plan does not create $NS in cluster 2 only: $(jq -c '[.steps[] | .effects]' "$WORK/plan.json")"
pass "ferry plan targets $FERRY_TEST_KUBE_CONTEXT then $FERRY_TEST_KUBE_CONTEXT_2 (creating $NS there)"

set +e
(cd "$ws" && "$FERRY" plan -f Typo.ferry --env test --no-color) >"$WORK/typo.out" 2>&1
code=$?
set -e
[ "$code" != 0 ] && grep -q "cluster 'egde' is not declared" "$WORK/typo.out" ||
  fail "a step naming an undeclared cluster: exit $code, $(cat "$WORK/typo.out")"
pass "a step naming an undeclared cluster is a plan error naming it"

set +e
(cd "$ws" && "$FERRY" run --env test --no-color) >"$WORK/run.out" 2>&1
code=$?
set -e
[ "$code" = 1 ] || { cat "$WORK/run.out" >&2; fail "the run: exit $code, expected 1 (FAILURE, rolled back)"; }
grep -q "rollback complete\|restored" "$WORK/run.out" || { cat "$WORK/run.out" >&2; fail "the run reports no rollback"; }
pass "the run fails in cluster 2 with exit 1 and rolls back"

[ "$(H1 get values web -n "$NS" -a -o json | jq -r .replicas)" = 2 ] ||
  fail "cluster 1: web has replicas $(H1 get values web -n "$NS" -a -o json | jq -r .replicas), expected 2"
H1 history web -n "$NS" -o json | jq -e 'map(.description) | any(test("Rollback to 1"))' >/dev/null ||
  fail "cluster 1: helm history of web shows no rollback to 1: $(H1 history web -n "$NS")"
pass "cluster 1: web is back at revision 1's values (helm history: Rollback to 1)"
! H2 status web -n "$NS" >/dev/null 2>&1 || fail "cluster 2: release web still exists"
for _ in $(seq 120); do
  K2 get namespace "$NS" >/dev/null 2>&1 || break
  sleep 0.5
done
! K2 get namespace "$NS" >/dev/null 2>&1 || fail "cluster 2: namespace $NS, created by the run, still exists"
pass "cluster 2: neither release web nor namespace $NS remain"
K1 get namespace "$NS" >/dev/null 2>&1 || fail "cluster 1: namespace $NS existed before and must stay"
pass "cluster 1: the namespace that existed before stays"
journal=$(ls -d "$ws"/.ferry/runs/*/*/ | head -n1)journal.ndjson
jq -s -e --arg c1 "$FERRY_TEST_KUBE_CONTEXT" --arg c2 "$FERRY_TEST_KUBE_CONTEXT_2" \
  '[.[] | select(.type == "effect") | .cluster.context] | (index($c1) != null and index($c2) != null)' \
  "$journal" >/dev/null || fail "the journal does not name both clusters: $(grep '"effect"' "$journal")"
pass "the journal's effects name both clusters"
done_checks
