#!/usr/bin/env bash
# The deploy preflight (issue 7): a context whose user may not patch deployments in the namespace
# is reported by the plan, at the deploy step, and nothing runs. The user is a service account
# with a real token whose Role allows everything a deploy does in the namespace except patching
# Deployments; a second service account, with patch too, plans cleanly.
#   tests/integration/preflight.sh ENV_FILE BUILD/ferry
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
FERRY=${2:-}
[ -n "$FERRY" ] && [ -x "$FERRY" ] || fail "usage: $0 <env-file> <ferry> (build the ferry target)"
require_vars KUBECONFIG FERRY_TEST_KUBE_CONTEXT KUBECTL HELM FERRY_TEST_KUBE_SERVER FERRY_TEST_KUBE_CA \
  FERRY_TEST_BASE_IMAGE
require_tool git "Install it: apt-get install git (or scripts/install-deps)."
K() { "$KUBECTL" --kubeconfig "$KUBECONFIG" --context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
H() { "$HELM" --kubeconfig "$KUBECONFIG" --kube-context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
NS=it-preflight-$$
export XDG_CACHE_HOME=$WORK/cache
trap 'K delete namespace "$NS" --wait=false >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

K create namespace "$NS" >/dev/null || fail "cannot create namespace $NS"
# user ACCOUNT VERBS...: a service account whose Role allows VERBS on deployments, and all a
# helm release needs besides; its kubeconfig (a real token) in $WORK/ACCOUNT.kubeconfig.
user() {
  local account=$1
  shift
  K -n "$NS" create serviceaccount "$account" >/dev/null
  K -n "$NS" create role "$account" --verb=get,list,watch,create,update,patch,delete \
    --resource=namespaces,secrets,configmaps,services,pods,events >/dev/null
  K -n "$NS" create role "$account-deployments" --verb="$(
    IFS=,
    echo "$*"
  )" --resource=deployments.apps,replicasets.apps >/dev/null
  K -n "$NS" create rolebinding "$account" --role="$account" --serviceaccount="$NS:$account" >/dev/null
  K -n "$NS" create rolebinding "$account-deployments" --role="$account-deployments" \
    --serviceaccount="$NS:$account" >/dev/null
  local kc=$WORK/$account.kubeconfig token
  token=$(K -n "$NS" create token "$account" --duration=30m) || fail "kubectl create token $account"
  "$KUBECTL" config --kubeconfig "$kc" set-cluster lab --server="$FERRY_TEST_KUBE_SERVER" \
    --certificate-authority="$FERRY_TEST_KUBE_CA" --embed-certs >/dev/null
  "$KUBECTL" config --kubeconfig "$kc" set-credentials "$account" --token="$token" >/dev/null
  "$KUBECTL" config --kubeconfig "$kc" set-context "$account" --cluster=lab --user="$account" >/dev/null
}
user restricted get list watch create update delete
user deployer get list watch create update patch delete
[ "$(K auth can-i patch deployments.apps -n "$NS" --as "system:serviceaccount:$NS:restricted" || true)" = no ] ||
  fail "the restricted account may patch deployments"
pass "service account restricted may not patch deployments in $NS; deployer may"

ws=$WORK/ws
mkdir -p "$ws" && cp -r "$IT_DIR/charts/demo" "$ws/chart"
cat >"$ws/ferry.yaml" <<YAML
version: 1
clusters:
  restricted: { kubeconfig: "$WORK/restricted.kubeconfig", context: restricted }
  deployer: { kubeconfig: "$WORK/deployer.kubeconfig", context: deployer }
environments:
  restricted: { cluster: restricted, namespace: $NS, variables: { BASE: "$FERRY_TEST_BASE_IMAGE" } }
  deployer: { cluster: deployer, namespace: $NS, variables: { BASE: "$FERRY_TEST_BASE_IMAGE" } }
YAML
cat >"$ws/Ferryfile" <<'GROOVY'
pipeline {
    agent any
    stages {
        stage('Mark') {
            steps {
                writeFile file: 'ran.txt', text: 'a step ran'
            }
        }
        stage('Deploy') {
            steps {
                helmUpgrade release: 'web', chart: 'chart', set: [image: "${BASE}"], atomic: false
            }
        }
    }
}
GROOVY
(cd "$ws" && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm init) ||
  fail "cannot create the workspace repository"

set +e
(cd "$ws" && "$FERRY" plan --env restricted --no-color) >"$WORK/plan.out" 2>&1
code=$?
set -e
[ "$code" = 1 ] || { cat "$WORK/plan.out" >&2; fail "ferry plan as restricted: exit $code, expected 1"; }
grep -q "Ferryfile:[0-9]*:[0-9]*: error\[E0714\]: stage 'Deploy': context restricted may not patch deployments.apps in namespace $NS" "$WORK/plan.out" ||
  { cat "$WORK/plan.out" >&2; fail "ferry plan does not report the missing right at the deploy step"; }
pass "ferry plan reports: $(grep -m1 E0714 "$WORK/plan.out")"
! grep -q "may not \(get\|create\|update\) " "$WORK/plan.out" || { cat "$WORK/plan.out" >&2; fail "ferry plan reports rights the user has"; }
pass "ferry plan reports only the missing right"

set +e
(cd "$ws" && "$FERRY" run --env restricted --no-color) >"$WORK/run.out" 2>&1
code=$?
set -e
[ "$code" = 2 ] || { cat "$WORK/run.out" >&2; fail "ferry run as restricted: exit $code, expected 2"; }
grep -q E0714 "$WORK/run.out" || { cat "$WORK/run.out" >&2; fail "ferry run does not say why it refuses"; }
[ ! -e "$ws/ran.txt" ] || fail "ferry run ran a step before refusing"
! H status web -n "$NS" >/dev/null 2>&1 || fail "ferry run as restricted installed release web"
[ ! -d "$ws/.ferry/runs" ] || [ -z "$(ls -A "$ws/.ferry/runs")" ] || fail "ferry run as restricted left a run record"
pass "ferry run as restricted refuses with exit 2 before any step: nothing ran, no release, no run record"

(cd "$ws" && "$FERRY" plan --env deployer --no-color) >"$WORK/plan2.out" 2>&1 ||
  { cat "$WORK/plan2.out" >&2; fail "ferry plan as deployer (may patch) failed"; }
pass "ferry plan as deployer, who may patch deployments, succeeds"
(cd "$ws" && "$FERRY" run --env deployer --no-color) >"$WORK/run2.out" 2>&1 ||
  { cat "$WORK/run2.out" >&2; fail "ferry run as deployer failed"; }
H status web -n "$NS" >/dev/null 2>&1 || fail "ferry run as deployer did not install release web"
pass "ferry run as deployer installs release web"
done_checks
