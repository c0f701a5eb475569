#!/usr/bin/env bash
# --clusters 2: both contexts answer, are independent (own etcd, own CA), and an object
# created in one does not exist in the other.
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
require_vars KUBECONFIG KUBECTL FERRY_TEST_KUBE_CONTEXT
[ -n "${FERRY_TEST_KUBE_CONTEXT_2:-}" ] ||
  fail "FERRY_TEST_KUBE_CONTEXT_2 not set: the fixture must run scripts/testenv up --clusters 2"
K1() { "$KUBECTL" --context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
K2() { "$KUBECTL" --context "$FERRY_TEST_KUBE_CONTEXT_2" "$@"; }
ns=it-clusters-$$
trap 'K1 delete namespace "$ns" --wait=false >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

"$KUBECTL" config get-contexts -o name | grep -cx "$FERRY_TEST_KUBE_CONTEXT" >/dev/null || fail "context 1 not in KUBECONFIG"
"$KUBECTL" config get-contexts -o name | grep -cx "$FERRY_TEST_KUBE_CONTEXT_2" >/dev/null || fail "context 2 not in KUBECONFIG"
pass "both contexts are in the one KUBECONFIG"
[ "$(K1 get --raw /readyz)" = ok ] || fail "cluster 1 /readyz"
[ "$(K2 get --raw /readyz)" = ok ] || fail "cluster 2 /readyz"
pass "both contexts answer /readyz"
s1=$("$KUBECTL" config view -o jsonpath="{.clusters[?(@.name==\"$FERRY_TEST_KUBE_CONTEXT\")].cluster.server}")
s2=$("$KUBECTL" config view -o jsonpath="{.clusters[?(@.name==\"$FERRY_TEST_KUBE_CONTEXT_2\")].cluster.server}")
[ -n "$s1" ] && [ -n "$s2" ] && [ "$s1" != "$s2" ] || fail "the contexts do not point at two API servers ($s1, $s2)"
pass "two API servers: $s1 and $s2"
[ "$(K2 get node kwok-node-0 -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')" = True ] ||
  fail "cluster 2 has no Ready KWOK node"
pass "cluster 2 has its own Ready KWOK node"

K1 create namespace "$ns" >/dev/null
K1 -n "$ns" create configmap only-in-one --from-literal=cluster=1 >/dev/null
pass "created namespace $ns and configmap only-in-one in cluster 1"
expect_fail "namespace $ns does not exist in cluster 2" K2 get namespace "$ns"
grep -q NotFound "$WORK/expect_fail.out" || fail "cluster 2 did not answer NotFound"
expect_fail "configmap only-in-one does not exist in cluster 2" K2 -n "$ns" get configmap only-in-one
u1=$(K1 -n kube-system get configmap kube-root-ca.crt -o jsonpath='{.metadata.uid}' 2>/dev/null || K1 get namespace default -o jsonpath='{.metadata.uid}')
u2=$(K2 -n kube-system get configmap kube-root-ca.crt -o jsonpath='{.metadata.uid}' 2>/dev/null || K2 get namespace default -o jsonpath='{.metadata.uid}')
[ "$u1" != "$u2" ] || fail "the two clusters share objects (same uid $u1)"
pass "the clusters hold different objects (separate etcd)"
# Separate CAs: cluster 1's client certificate is not accepted by cluster 2.
ca2=$("$KUBECTL" config view --raw -o jsonpath="{.clusters[?(@.name==\"$FERRY_TEST_KUBE_CONTEXT_2\")].cluster.certificate-authority-data}")
"$KUBECTL" config view --raw -o jsonpath="{.users[?(@.name==\"$FERRY_TEST_KUBE_CONTEXT-admin\")].user.client-certificate-data}" | base64 -d >"$WORK/c1.crt"
"$KUBECTL" config view --raw -o jsonpath="{.users[?(@.name==\"$FERRY_TEST_KUBE_CONTEXT-admin\")].user.client-key-data}" | base64 -d >"$WORK/c1.key"
printf '%s' "$ca2" | base64 -d >"$WORK/ca2.crt"
[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$WORK/ca2.crt" --cert "$WORK/c1.crt" --key "$WORK/c1.key" "$s2/api/v1/namespaces")" = 401 ] ||
  fail "cluster 2 accepted cluster 1's admin certificate"
pass "cluster 2 refuses cluster 1's admin certificate (separate CAs)"
done_checks
