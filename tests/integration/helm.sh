#!/usr/bin/env bash
# helm: install --wait of a 2-replica Deployment + Service becomes ready; upgrade --atomic
# of a release whose pods can never become ready fails, and helm history shows the rollback.
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
require_vars KUBECONFIG FERRY_TEST_KUBE_CONTEXT KUBECTL HELM FERRY_TEST_BASE_IMAGE
K() { "$KUBECTL" --context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
H() { "$HELM" --kube-context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
CHART="$IT_DIR/charts/demo"
ns=it-helm-$$
trap 'K delete namespace "$ns" --wait=false >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

expect_ok "helm install --wait of a 2-replica Deployment and a Service" \
  H install demo "$CHART" -n "$ns" --create-namespace --wait --timeout 90s --set image="$FERRY_TEST_BASE_IMAGE"
[ "$(K -n "$ns" get deployment demo -o jsonpath='{.status.readyReplicas}')" = 2 ] || fail "deployment does not have 2 ready replicas"
pass "deployment demo has 2 ready replicas"
[ "$(K -n "$ns" get pods -l app.kubernetes.io/instance=demo --field-selector=status.phase=Running -o name | wc -l)" = 2 ] ||
  fail "not 2 Running pods"
pass "2 pods Running (bound to the KWOK node by the real scheduler)"
[ "$(K -n "$ns" get pods -l app.kubernetes.io/instance=demo -o jsonpath='{.items[*].spec.nodeName}')" = "kwok-node-0 kwok-node-0" ] ||
  fail "pods are not on kwok-node-0"
ip=$(K -n "$ns" get service demo -o jsonpath='{.spec.clusterIP}')
[ -n "$ip" ] && [ "$ip" != None ] || fail "service demo has no ClusterIP"
pass "service demo has ClusterIP $ip"
[ "$(H status demo -n "$ns" -o json | jq -r .info.status)" = deployed ] || fail "release not deployed"
pass "release demo revision 1 deployed"

# Pods with a node selector that matches no node stay Pending: never ready.
expect_fail "helm upgrade --atomic of never-ready pods fails" \
  H upgrade demo "$CHART" -n "$ns" --atomic --wait --timeout 20s --set neverReady=true --set image="$FERRY_TEST_BASE_IMAGE"
grep -qi 'rolled back\|rollback' "$WORK/expect_fail.out" || { cat "$WORK/expect_fail.out" >&2; fail "helm did not report a rollback"; }
pass "helm reports the rollback"

H history demo -n "$ns" -o json >"$WORK/history.json"
note "history: $(jq -c '[.[] | {revision, status, description}]' "$WORK/history.json")"
[ "$(jq length "$WORK/history.json")" = 3 ] || fail "expected 3 revisions in helm history"
[ "$(jq -r '.[1].status' "$WORK/history.json")" = failed ] || fail "revision 2 is not 'failed'"
[ "$(jq -r '.[2].status' "$WORK/history.json")" = deployed ] || fail "revision 3 is not 'deployed'"
jq -r '.[2].description' "$WORK/history.json" | grep -ci 'rollback to 1' >/dev/null || fail "revision 3 is not a rollback to 1"
pass "helm history: 1 superseded, 2 failed, 3 deployed = rollback to 1"
[ "$(K -n "$ns" get deployment demo -o jsonpath='{.spec.template.spec.nodeSelector}')" = "" ] ||
  fail "the deployment still has the never-ready node selector after the rollback"
for _ in $(seq 1 100); do
  [ "$(K -n "$ns" get deployment demo -o jsonpath='{.status.readyReplicas}/{.status.updatedReplicas}/{.status.replicas}')" = 2/2/2 ] && break
  sleep 0.3
done
[ "$(K -n "$ns" get deployment demo -o jsonpath='{.status.readyReplicas}/{.status.updatedReplicas}/{.status.replicas}')" = 2/2/2 ] ||
  fail "after the rollback the deployment is not back to 2 ready replicas"
pass "after the rollback the deployment is back to 2 ready replicas"
expect_ok "helm uninstall" H uninstall demo -n "$ns" --wait --timeout 60s
done_checks
