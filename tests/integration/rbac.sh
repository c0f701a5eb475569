#!/usr/bin/env bash
# RBAC and service-account tokens: a service account with a Role in one namespace may act
# there and is refused in another, by impersonation and with a real signed token.
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
require_vars KUBECONFIG FERRY_TEST_KUBE_CONTEXT KUBECTL FERRY_TEST_KUBE_SERVER FERRY_TEST_KUBE_CA
K() { "$KUBECTL" --context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
a=it-rbac-a-$$ b=it-rbac-b-$$
trap 'K delete namespace "$a" "$b" --wait=false >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

K create namespace "$a" >/dev/null
K create namespace "$b" >/dev/null
K -n "$a" create serviceaccount deployer >/dev/null
K -n "$a" create role cm-editor --verb=get,list,create,delete --resource=configmaps >/dev/null
K -n "$a" create rolebinding deployer-cm --role=cm-editor --serviceaccount="$a:deployer" >/dev/null
K -n "$b" create configmap target --from-literal=k=v >/dev/null
sa="system:serviceaccount:$a:deployer"

[ "$(K auth can-i list configmaps -n "$a" --as "$sa")" = yes ] || fail "SA may not list configmaps in its own namespace"
pass "can-i: $sa may list configmaps in $a"
[ "$(K auth can-i list configmaps -n "$b" --as "$sa" || true)" = no ] || fail "SA may list configmaps in $b"
pass "can-i: $sa may not list configmaps in $b"
[ "$(K auth can-i list secrets -n "$a" --as "$sa" || true)" = no ] || fail "SA may list secrets (not in its Role)"
pass "can-i: $sa may not list secrets in $a"

# A real token, signed by the apiserver with the generated service-account key.
token=$(K -n "$a" create token deployer --duration=10m)
[ -n "$token" ] || fail "kubectl create token gave nothing"
pass "kubectl create token works"
T() { "$KUBECTL" --kubeconfig=/dev/null --server="$FERRY_TEST_KUBE_SERVER" \
        --certificate-authority="$FERRY_TEST_KUBE_CA" --token="$token" "$@"; }
[ "$(T auth whoami -o jsonpath='{.status.userInfo.username}')" = "$sa" ] || fail "token does not authenticate as $sa"
pass "the token authenticates as $sa"
expect_ok "with the token: create a configmap in $a" T -n "$a" create configmap made-by-sa --from-literal=x=y
expect_ok "with the token: list configmaps in $a" T -n "$a" get configmaps
expect_fail "with the token: list configmaps in $b is refused" T -n "$b" get configmaps
grep -q Forbidden "$WORK/expect_fail.out" || fail "refusal in $b is not Forbidden: $(cat "$WORK/expect_fail.out")"
pass "the refusal is 403 Forbidden"
expect_fail "with the token: read a configmap in $b is refused" T -n "$b" get configmap target
expect_fail "a forged token is refused" "$KUBECTL" --kubeconfig=/dev/null --server="$FERRY_TEST_KUBE_SERVER" \
  --certificate-authority="$FERRY_TEST_KUBE_CA" --token="${token%?????}xxxxx" -n "$a" get configmaps
grep -q Unauthorized "$WORK/expect_fail.out" || fail "forged token not refused as Unauthorized"
done_checks
