#!/usr/bin/env bash
# Kubernetes basics: /readyz, versions (server, kubectl, helm pinned), the fake node,
# a namespace is created.
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
require_vars KUBECONFIG FERRY_TEST_KUBE_CONTEXT KUBECTL HELM FERRY_TEST_KUBE_SERVER FERRY_TEST_KUBE_CA
. "$REPO_ROOT/tools/versions.env"
K() { "$KUBECTL" --context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }

case $FERRY_TEST_KUBE_SERVER in https://127.0.0.1:*) pass "API server is on loopback" ;;
  *) fail "API server not on 127.0.0.1: $FERRY_TEST_KUBE_SERVER" ;; esac
[ "$(K get --raw /readyz)" = ok ] || fail "/readyz is not ok"
pass "/readyz is ok (admin client certificate)"
[ "$(curl -s --cacert "$FERRY_TEST_KUBE_CA" "$FERRY_TEST_KUBE_SERVER/readyz")" = ok ] || fail "anonymous /readyz is not ok"
pass "/readyz is ok over TLS with the cluster CA"
K get --raw '/readyz?verbose' | grep -c 'etcd ok' >/dev/null || fail "/readyz does not report etcd ok"
pass "/readyz reports etcd ok"

sv=$(K version -o json | jq -r .serverVersion.gitVersion)
cv=$(K version -o json | jq -r .clientVersion.gitVersion)
[ "$sv" = "v$KUBE_VERSION" ] || fail "server version $sv, expected v$KUBE_VERSION"
[ "$cv" = "v$KUBE_VERSION" ] || fail "kubectl version $cv, expected v$KUBE_VERSION"
pass "server and kubectl are both v$KUBE_VERSION"
hv=$("$HELM" version --template '{{.Version}}')
[ "$hv" = "v$HELM_VERSION" ] || fail "helm version $hv, expected v$HELM_VERSION"
pass "helm is v$HELM_VERSION"

# RBAC is on and service-account tokens are signed: the authorization mode shows in the
# API (rbac group served) and the apiserver publishes the issuer's keys.
K api-versions | grep -cx rbac.authorization.k8s.io/v1 >/dev/null || fail "RBAC API not served"
K get --raw /openid/v1/jwks | jq -e '.keys | length > 0' >/dev/null || fail "no service-account signing keys published"
pass "RBAC API served and service-account signing keys published"

[ "$(K get node kwok-node-0 -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')" = True ] ||
  fail "the KWOK node is not Ready"
pass "the KWOK node is Ready"

ns=it-kube-$$
expect_ok "namespace $ns created" K create namespace "$ns"
[ "$(K get namespace "$ns" -o jsonpath='{.status.phase}')" = Active ] || fail "namespace $ns is not Active"
pass "namespace $ns is Active"
for _ in $(seq 1 50); do K -n "$ns" get serviceaccount default >/dev/null 2>&1 && break; sleep 0.2; done
K -n "$ns" get serviceaccount default >/dev/null || fail "no default service account in $ns (controller-manager)"
pass "the controller-manager made the default service account in $ns"
expect_ok "namespace $ns deleted" K delete namespace "$ns" --wait=false
done_checks
