#!/usr/bin/env bash
# Deploys through ferry's helmUpgrade and kubectlApply drivers (driven by ferry_deploy_tool):
# revision 1 with the image by digest in the pod template and the pull secret in the target
# namespace; the same inputs again: no new revision; a new digest: revision 2 with a new pod
# template; manifests applied server-side with images pinned; a release that cannot become ready
# fails with the pods' reasons; every effect journaled before it happens, no secret in clear.
#   bash tests/integration/deploy.sh <env-file> <path to ferry_deploy_tool>
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
TOOL=${2:-}
[ -n "$TOOL" ] && [ -x "$TOOL" ] || fail "usage: $0 <env-file> <ferry_deploy_tool> (build the ferry_deploy_tool target)"
require_vars KUBECONFIG FERRY_TEST_KUBE_CONTEXT KUBECTL HELM FERRY_TEST_REGISTRY FERRY_TEST_DOCKER_CONFIG \
  FERRY_TEST_REGISTRY_CERT_DIR FERRY_TEST_BASE_IMAGE FERRY_TEST_REGISTRY_PASSWORD_FILE
require_tool skopeo "Install it: apt-get install skopeo (or scripts/install-deps)."
K() { "$KUBECTL" --kubeconfig "$KUBECONFIG" --context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
H() { "$HELM" --kubeconfig "$KUBECONFIG" --kube-context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
WORK=$(mktemp -d)
ns=it-deploy-$$
trap 'K delete namespace "$ns" --wait=false >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
export XDG_CACHE_HOME=$WORK/cache
JOURNAL=$WORK/journal.ndjson
REPO=$FERRY_TEST_REGISTRY/ferry-test/busybox
D1=$(skopeo inspect --cert-dir "$FERRY_TEST_REGISTRY_CERT_DIR" --authfile "$FERRY_TEST_DOCKER_CONFIG" \
  "docker://$FERRY_TEST_BASE_IMAGE" | jq -r .Digest)
[ "${D1#sha256:}" != "$D1" ] || fail "no digest for $FERRY_TEST_BASE_IMAGE from skopeo"
# A second digest as a rebuild would give (KWOK runs no container, so nothing pulls it).
D2=sha256:$(printf 'rebuilt %s' "$D1" | sha256sum | cut -c1-64)

# deploy STEP PARAMS [IMAGE_DIGEST] [extra tool flags…]: runs the driver, output in $WORK/out.
deploy() {
  local step=$1 params=$2 digest=${3:-$D1}
  shift 3 || shift $#
  "$TOOL" --kubeconfig "$KUBECONFIG" --context "$FERRY_TEST_KUBE_CONTEXT" --namespace "$ns" \
    --create-namespace --registry "$FERRY_TEST_REGISTRY" --docker-config "$FERRY_TEST_DOCKER_CONFIG" \
    --pull-secret regcred --image "web=$REPO:latest@$digest" --journal "$JOURNAL" \
    --step "$step" --params "$params" --cwd "$IT_DIR" "$@" >"$WORK/out" 2>"$WORK/err"
}
result() { tail -n 1 "$WORK/out"; }
HELM_PARAMS='{"release":"web","chart":"charts/pinned","images":{"image":"web"},"set":{"pullSecret":"regcred"},"timeout":"60s"}'
revisions() { H history web -n "$ns" -o json | jq length; }
pod_image() { K -n "$ns" get deployment web-web -o jsonpath='{.spec.template.spec.containers[0].image}'; }

# 1. First deploy: namespace created, pull secret ensured, revision 1 pinned by digest.
deploy helmUpgrade "$HELM_PARAMS" "$D1" || { cat "$WORK/out" "$WORK/err" >&2; fail "first helmUpgrade failed"; }
pass "helmUpgrade into a new namespace succeeds"
[ "$(revisions)" = 1 ] || fail "expected revision 1, history has $(revisions)"
[ "$(result | jq -r .value.revision)" = 1 ] || fail "outcome does not say revision 1: $(result)"
pass "release web is at revision 1"
[ "$(pod_image)" = "$REPO@$D1" ] || fail "pod template image is $(pod_image), not $REPO@$D1"
pass "the pod template has the image by digest ($REPO@${D1:0:19}…)"
[ "$(K -n "$ns" get secret regcred -o jsonpath='{.type}')" = kubernetes.io/dockerconfigjson ] ||
  fail "no kubernetes.io/dockerconfigjson secret regcred in $ns"
K -n "$ns" get secret regcred -o jsonpath='{.data.\.dockerconfigjson}' | base64 -d |
  jq -e --arg s "$FERRY_TEST_REGISTRY" '.auths[$s].auth | length > 0' >/dev/null ||
  fail "secret regcred holds no auth for $FERRY_TEST_REGISTRY"
pass "pull secret regcred in the target namespace holds the registry's credential"
kinds=$(jq -r 'select(.type=="effect") | .kind' "$JOURNAL" | tr '\n' ' ')
[ "$kinds" = "namespace secret release " ] || fail "journal effects are '$kinds', not 'namespace secret release'"
for id in $(jq -r 'select(.type=="effect") | .effect_id' "$JOURNAL"); do
  [ "$(jq -r --arg id "$id" 'select(.effect_id==$id) | .type' "$JOURNAL" | head -n 1)" = effect ] ||
    fail "effect $id: its first record is not the effect record"
  jq -s -e --arg id "$id" 'any(.[]; .type=="effect.done" and .effect_id==$id)' "$JOURNAL" >/dev/null ||
    fail "effect $id has no effect.done record"
done
jq -s -e 'any(.[]; .type=="effect" and .kind=="release" and .before == "absent")' "$JOURNAL" >/dev/null ||
  fail "the release effect does not record before = absent"
jq -s -e 'any(.[]; .type=="effect" and .kind=="namespace" and .before.existed == false)' "$JOURNAL" >/dev/null ||
  fail "the namespace effect does not record existed = false"
pass "journal: namespace, secret, release effects, each recorded before and done after"
password=$(cat "$FERRY_TEST_REGISTRY_PASSWORD_FILE")
if grep -qF "$password" "$JOURNAL" "$WORK/out" "$WORK/err" ||
   grep -qF "$(printf '%s' "$password" | base64)" "$JOURNAL" "$WORK/out" "$WORK/err"; then
  fail "the registry password appears in the journal or the output"
fi
pass "the registry password is nowhere in the journal or the output"

# 2. The same inputs: skipped, no new revision, no release effect.
before_lines=$(wc -l <"$JOURNAL")
deploy helmUpgrade "$HELM_PARAMS" "$D1" || { cat "$WORK/out" "$WORK/err" >&2; fail "rerun failed"; }
[ "$(result | jq -r .value.skipped)" = true ] || fail "the rerun was not skipped: $(result)"
[ "$(revisions)" = 1 ] || fail "the rerun made revision $(revisions)"
[ "$(wc -l <"$JOURNAL")" = "$before_lines" ] || fail "the skipped rerun wrote journal records"
pass "rerun unchanged: skipped, still revision 1, nothing journaled"

# 3. A new digest: revision 2, new pod template.
generation=$(K -n "$ns" get deployment web-web -o jsonpath='{.metadata.generation}')
deploy helmUpgrade "$HELM_PARAMS" "$D2" || { cat "$WORK/out" "$WORK/err" >&2; fail "upgrade to a new digest failed"; }
[ "$(revisions)" = 2 ] || fail "expected revision 2, history has $(revisions)"
[ "$(pod_image)" = "$REPO@$D2" ] || fail "pod template image is $(pod_image), not $REPO@$D2"
[ "$(K -n "$ns" get deployment web-web -o jsonpath='{.metadata.generation}')" -gt "$generation" ] ||
  fail "the deployment's generation did not move: the pod template did not change"
jq -s -e 'any(.[]; .type=="effect" and .kind=="release" and (.before | type == "object" and .revision == 1))' "$JOURNAL" >/dev/null ||
  fail "the second release effect does not record before = revision 1"
pass "new digest: revision 2, pod template has the new digest, journal says it replaced revision 1"

# 3b. Someone else upgrades the release (helm copies ferry's labels to their revision): the same
# ferry inputs must not be taken as deployed; ferry upgrades again, back to its values.
H upgrade web "$IT_DIR/charts/pinned" -n "$ns" --reuse-values --set replicas=2 >/dev/null ||
  fail "helm upgrade by hand failed"
deploy helmUpgrade "$HELM_PARAMS" "$D2" || { cat "$WORK/out" "$WORK/err" >&2; fail "ferry after a manual upgrade failed"; }
[ "$(result | jq -r .value.skipped)" = false ] || fail "ferry skipped a release someone else upgraded: $(result)"
[ "$(revisions)" = 4 ] || fail "expected revision 4 after the manual revision 3, history has $(revisions)"
[ "$(H get values web -n "$ns" -a -o json | jq -r .replicas)" = 1 ] || fail "ferry's upgrade did not restore its values"
pass "after someone else's helm upgrade (labels carried over), ferry does not skip: revision 4 with its values"

# 4. kubectlApply: images of the run pinned, others untouched, applied server-side by ferry.
deploy kubectlApply '{"files":["deploy/manifests"]}' "$D2" ||
  { cat "$WORK/out" "$WORK/err" >&2; fail "kubectlApply failed"; }
images=$(K -n "$ns" get deployment applied -o jsonpath='{.spec.template.spec.containers[*].image}')
[ "$images" = "$REPO@$D2 busybox:1.36" ] || fail "applied images are '$images'"
pass "kubectlApply pinned 'web' to $REPO@${D2:0:19}… and left busybox:1.36 alone"
K -n "$ns" get deployment applied -o json --show-managed-fields | jq -e '[.metadata.managedFields[] | select(.manager=="ferry" and .operation=="Apply")] | length == 1' >/dev/null ||
  fail "the deployment was not server-side applied by field manager ferry"
[ "$(K -n "$ns" get configmap applied-config -o jsonpath='{.data.greeting}')" = hello ] || fail "configmap not applied"
jq -s -e 'any(.[]; .type=="effect" and .kind=="manifests" and (.before.objects | length == 2 and all(.existed == false)))' "$JOURNAL" >/dev/null ||
  fail "the manifests effect does not list the 2 objects as absent before"
pass "server-side apply with field manager ferry; the journal lists both objects as new"
deploy kubectlApply '{"files":["deploy/manifests/app.yaml"]}' "$D2" || fail "second kubectlApply failed"
jq -s -e 'any(.[]; .type=="effect" and .kind=="manifests" and (.before.objects | all(.existed == true) and .[0].previous.alg == "AES-256-GCM"))' "$JOURNAL" >/dev/null ||
  fail "the second apply did not journal the previous objects sealed"
pass "reapply journals the previous objects, sealed (AES-256-GCM)"

# 5. A release that cannot become ready: fails with the pods' reasons, helm rolls it back.
deploy helmUpgrade '{"release":"web","chart":"charts/pinned","images":{"image":"web"},"set":{"neverReady":true},"timeout":"20s"}' "$D2" &&
  { cat "$WORK/out" >&2; fail "a never-ready upgrade succeeded"; }
message=$(result | jq -r .message)
note "failure message: $(printf '%s' "$message" | head -4 | tr '\n' '|')"
printf '%s' "$message" | grep -q 'what the cluster says' || fail "the failure does not show the cluster's reasons"
printf '%s' "$message" | grep -Eq 'Unschedulable|node affinity/selector' || fail "the failure does not name the scheduling problem"
pass "the failure names the pods' reason (Unschedulable), not only helm's timeout"
[ "$(H history web -n "$ns" -o json | jq -r '.[-1].status')" = deployed ] || fail "the release was not rolled back"
[ "$(pod_image)" = "$REPO@$D2" ] || fail "after the rollback the image is $(pod_image)"
pass "helm's atomic rollback left revision $(revisions) deployed with the previous pod template"
jq -s -e 'any(.[]; .type=="effect.done" and .ok==false)' "$JOURNAL" >/dev/null || fail "the failed release has no effect.done with ok=false"
pass "the journal records the failed release"

# 6. Outside the environment's namespaces: refused before anything happens.
lines=$(wc -l <"$JOURNAL")
deploy helmUpgrade '{"release":"x","chart":"charts/pinned","namespace":"kube-system"}' "$D1" &&
  fail "a deploy outside the allowed namespaces succeeded"
result | jq -r .message | grep -q "outside environment" || fail "unclear refusal: $(result)"
[ "$(wc -l <"$JOURNAL")" = "$lines" ] || fail "the refused deploy wrote journal records"
pass "a namespace outside the environment is refused, nothing journaled"
done_checks
