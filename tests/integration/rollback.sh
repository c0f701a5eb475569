#!/usr/bin/env bash
# `ferry rollback` and `ferry recover` against the testenv: effects produced by the real deploy
# drivers (ferry_deploy_tool: helmUpgrade, kubectlApply, with the namespace and pull secret they
# create) and by real tag moves (skopeo), journaled into run records under .ferry/runs/, then
# undone by ferry and checked with helm, kubectl and skopeo:
#   - rollback of the last run: the release back at its previous revision (pod image by the old
#     digest), applied objects deleted, a moved tag back at its digest, a new tag gone;
#     rolling back again changes nothing (idempotent);
#   - rollback --to the first run: release uninstalled, pull secret and namespace gone;
#   - recover of an interrupted run (no effect.done records, a torn last line): world restored,
#     the journal finished, a second recover has nothing to do;
#   - an effect that cannot be undone: exit 5 and `complete: false` with the reason;
#   - a busy environment lock: refused (exit 2) naming it; no secret in any output.
#   bash tests/integration/rollback.sh <env-file> <ferry-engine> <ferry_deploy_tool>
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
FERRY=${2:-}
TOOL=${3:-}
[ -n "$FERRY" ] && [ -x "$FERRY" ] && [ -n "$TOOL" ] && [ -x "$TOOL" ] ||
  fail "usage: $0 <env-file> <ferry-engine> <ferry_deploy_tool> (build both targets)"
require_vars KUBECONFIG FERRY_TEST_KUBE_CONTEXT KUBECTL HELM FERRY_TEST_REGISTRY FERRY_TEST_DOCKER_CONFIG \
  FERRY_TEST_REGISTRY_CA FERRY_TEST_REGISTRY_CERT_DIR FERRY_TEST_BASE_IMAGE FERRY_TEST_REGISTRY_PASSWORD_FILE
require_tool skopeo "Install it: apt-get install skopeo (or scripts/install-deps)."
require_tool jq "Install it: apt-get install jq."
require_tool flock "It comes with util-linux."
K() { "$KUBECTL" --kubeconfig "$KUBECONFIG" --context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
H() { "$HELM" --kubeconfig "$KUBECONFIG" --kube-context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
S() { skopeo "$@" --authfile "$FERRY_TEST_DOCKER_CONFIG" --cert-dir "$FERRY_TEST_REGISTRY_CERT_DIR"; }
# copy FORMAT TAG: the base image copied under TAG of the test repository, as FORMAT (v2s2 or oci:
# two manifests, so two digests, of the same image).
copy() {
  skopeo copy -q --format "$1" --authfile "$FERRY_TEST_DOCKER_CONFIG" --src-cert-dir "$FERRY_TEST_REGISTRY_CERT_DIR" \
    --dest-cert-dir "$FERRY_TEST_REGISTRY_CERT_DIR" "docker://$FERRY_TEST_BASE_IMAGE" "docker://$FERRY_TEST_REGISTRY/$TAG_REPO:$2"
}
WS=$WORK/ws
ns=it-rb-$$
ns2=it-rb2-$$
trap 'K delete namespace "$ns" "$ns2" --wait=false >/dev/null 2>&1 || true; [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
export XDG_CACHE_HOME=$WORK/cache
IMAGE_REPO=$FERRY_TEST_REGISTRY/ferry-test/busybox
TAG_REPO=ferry-test/rollback-$$
mkdir -p "$WS"
cat >"$WS/ferry.yaml" <<YAML
version: 1
registries:
  test:
    server: $FERRY_TEST_REGISTRY
    credentials: registry-creds
    tls: { ca: $FERRY_TEST_REGISTRY_CA }
clusters:
  lab: { kubeconfig: $KUBECONFIG, context: $FERRY_TEST_KUBE_CONTEXT }
environments:
  it:
    cluster: lab
    namespace: $ns
    registry: test
    createNamespace: true
credentials:
  registry-creds: { type: dockerconfig, file: $FERRY_TEST_DOCKER_CONFIG }
YAML
D1=$(S inspect "docker://$FERRY_TEST_BASE_IMAGE" | jq -r .Digest)
[ "${D1#sha256:}" != "$D1" ] || fail "no digest for $FERRY_TEST_BASE_IMAGE from skopeo"
D2=sha256:$(printf 'rebuilt %s' "$D1" | sha256sum | cut -c1-64)

# deploy JOURNAL NAMESPACE STEP PARAMS DIGEST: one driver call, its records appended to JOURNAL.
deploy() {
  "$TOOL" --kubeconfig "$KUBECONFIG" --context "$FERRY_TEST_KUBE_CONTEXT" --namespace "$2" \
    --create-namespace --registry "$FERRY_TEST_REGISTRY" --docker-config "$FERRY_TEST_DOCKER_CONFIG" \
    --pull-secret regcred --image "web=$IMAGE_REPO:latest@$5" --journal "$1" \
    --step "$3" --params "$4" --cwd "$IT_DIR" >"$WORK/out" 2>"$WORK/err" ||
    { cat "$WORK/out" "$WORK/err" >&2; fail "$3 into $2 failed"; }
}
HELM_PARAMS='{"release":"web","chart":"charts/pinned","images":{"image":"web"},"set":{"pullSecret":"regcred"},"timeout":"60s"}'
# record N JOURNAL [commit]: run N of pipeline web in environment it, as `ferry run` writes it.
record() {
  local dir=$WS/.ferry/runs/web/$1
  mkdir -p "$dir"
  jq -cn --argjson n "$1" '{format:"ferry-run-journal",version:1,pipeline:"web",environment:"it",
    number:$n,pipeline_file:"Ferryfile",commit:"",plan_fingerprint:"",created:(now|todate)}' >"$dir/journal.ndjson"
  jq -c --argjson n "$1" '. + {seq: input_line_number, time: ("2030-01-01T00:00:0\($n).000Z")}' "$2" >>"$dir/journal.ndjson"
  if [ "${3:-}" = commit ]; then echo '{"type":"commit","seq":999,"time":"2030-01-01T00:00:09.000Z"}' >>"$dir/journal.ndjson"; fi
}
# ferry ARGS…: runs ferry in the workspace; output in $WORK/f.out/.err, exit code in $rc.
ferry() { rc=0; (cd "$WS" && "$FERRY" "$@") >"$WORK/f.out" 2>"$WORK/f.err" || rc=$?; cat "$WORK/f.out" "$WORK/f.err" >>"$WORK/all"; }
show() { cat "$WORK/f.out" "$WORK/f.err" >&2; }
revision() { H history web -n "$ns" -o json | jq -r 'last | "\(.revision) \(.status)"'; }
pod_image() { K -n "$ns" get deployment web-web -o jsonpath='{.spec.template.spec.containers[0].image}'; }
tag_digest() { S inspect --raw "docker://$FERRY_TEST_REGISTRY/$TAG_REPO:$1" 2>/dev/null | sha256sum | cut -c1-64; }
gone() { # gone KIND NAME [NS]: waits up to 90 s for the object to disappear
  for _ in $(seq 90); do K get "$1" "$2" ${3:+-n "$3"} >/dev/null 2>&1 || return 0; sleep 1; done; return 1
}

# Run 1 (committed): release web revision 1 into a new namespace, with the pull secret.
deploy "$WORK/j1" "$ns" helmUpgrade "$HELM_PARAMS" "$D1"
record 1 "$WORK/j1" commit
[ "$(revision)" = "1 deployed" ] || fail "run 1 should leave revision 1, not $(revision)"
pass "run 1 deployed web revision 1 into new namespace $ns (journal: $(jq -r 'select(.type=="effect").kind' "$WORK/j1" | tr '\n' ' '))"

# The registry before run 2: tag v1 at the base image's manifest, tag new absent.
copy v2s2 v1 ||
  fail "skopeo could not copy the base image to $TAG_REPO:v1"
T1=sha256:$(tag_digest v1)

# Run 2 (committed): revision 2 with a new digest, manifests applied, tag v1 moved, tag new made.
deploy "$WORK/j2" "$ns" helmUpgrade "$HELM_PARAMS" "$D2"
deploy "$WORK/j2" "$ns" kubectlApply '{"files":["deploy/manifests/app.yaml"]}' "$D2"
copy oci v1 ||
  fail "skopeo could not move $TAG_REPO:v1"
copy oci new ||
  fail "skopeo could not make $TAG_REPO:new"
T2=sha256:$(tag_digest v1)
[ "$T1" != "$T2" ] || fail "the moved tag should point at another manifest (both $T1)"
for move in "v1 $T1" "new absent"; do
  set -- $move
  jq -cn --arg s "$FERRY_TEST_REGISTRY" --arg r "$TAG_REPO" --arg t "$1" --arg b "$2" --arg a "$T2" \
    '{type:"effect",effect_id:"push/tag/\($t)",kind:"tag",step:"push",target:"\($s)/\($r):\($t)",
      server:$s,repository:$r,tag:$t,before:$b,after:$a}' >>"$WORK/j2"
done
record 2 "$WORK/j2" commit
[ "$(revision)" = "2 deployed" ] && [ "$(pod_image)" = "$IMAGE_REPO@$D2" ] ||
  fail "run 2 should leave revision 2 with $D2, not $(revision) $(pod_image)"
K -n "$ns" get deployment applied >/dev/null && K -n "$ns" get configmap applied-config >/dev/null ||
  fail "kubectlApply of run 2 created nothing"
pass "run 2 deployed revision 2 ($IMAGE_REPO@${D2:0:19}…), applied 2 objects, moved tag v1 and made tag new"

# ferry rollback --env it: run 2 undone.
ferry rollback --env it --format json
[ "$rc" = 0 ] || { show; fail "ferry rollback exited $rc, not 0"; }
jq -e '.complete and (.runs | length == 1) and .runs[0].number == 2 and (.runs[0].compensations | map(.kind) == ["tag","tag","manifests","release"])' \
  "$WORK/f.out" >/dev/null || { show; fail "the report does not list run 2's 4 effects, newest first, all restored"; }
pass "ferry rollback --env it: exit 0, run 2's tag, tag, manifests and release effects restored, newest first"
[ "$(revision)" = "3 deployed" ] || fail "helm history should end at revision 3 (rollback), not $(revision)"
[ "$(H history web -n "$ns" -o json | jq -r 'last.description')" = "Rollback to 1" ] ||
  fail "revision 3 is not helm's 'Rollback to 1'"
[ "$(pod_image)" = "$IMAGE_REPO@$D1" ] || fail "the pod template is $(pod_image), not $IMAGE_REPO@$D1"
pass "helm history: revision 3 'Rollback to 1', pod template back at $IMAGE_REPO@${D1:0:19}…"
gone deployment applied "$ns" && gone configmap applied-config "$ns" || fail "the applied objects are still there"
pass "the Deployment and ConfigMap kubectlApply created are gone"
[ "sha256:$(tag_digest v1)" = "$T1" ] || fail "tag v1 is at sha256:$(tag_digest v1), not back at $T1"
S inspect --raw "docker://$FERRY_TEST_REGISTRY/$TAG_REPO:new" >/dev/null 2>&1 && fail "tag new still exists"
pass "skopeo: tag v1 back at ${T1:0:19}…, tag new gone"

# Idempotent: undoing run 2 again changes nothing.
ferry rollback --env it --to 2
[ "$rc" = 0 ] && [ "$(revision)" = "3 deployed" ] || { show; fail "a second rollback --to 2 exited $rc or changed the release ($(revision))"; }
pass "rollback --to 2 again: nothing left to undo, revision stays 3"

# A busy lock: refused, naming the environment.
mkdir -p "$WS/.ferry/locks"
exec 9>"$WS/.ferry/locks/it.lock"
flock 9 # held by this shell's open file until fd 9 is closed
ferry rollback --env it --to 1
exec 9>&-
[ "$rc" = 2 ] && grep -q "environment .it" "$WORK/f.err" || { show; fail "a held lock should refuse with exit 2, got $rc"; }
[ "$(revision)" = "3 deployed" ] || fail "a refused rollback changed the release"
pass "while another process holds the lock of environment it: refused, exit 2, nothing changed"

# ferry rollback --to 1: run 1 undone: release uninstalled, pull secret and namespace gone.
ferry rollback --env it --to 1
[ "$rc" = 0 ] || { show; fail "rollback --to 1 exited $rc"; }
grep -q "rollback complete: 3 effects undone" "$WORK/f.out" || { show; fail "text report does not say 3 effects undone"; }
H status web -n "$ns" >/dev/null 2>&1 && fail "release web still exists"
gone namespace "$ns" || fail "namespace $ns is still there"
pass "rollback --to 1: release uninstalled, secret and namespace $ns gone (text report: $(tail -n 1 "$WORK/f.out"))"

# Recover an interrupted run: effect records only (killed before any effect.done), a torn line.
deploy "$WORK/j3" "$ns2" helmUpgrade "$HELM_PARAMS" "$D1"
jq -c 'select(.type=="effect")' "$WORK/j3" >"$WORK/j3.effects"
record 3 "$WORK/j3.effects"
printf '{"type":"effect.done","effe' >>"$WS/.ferry/runs/web/3/journal.ndjson"
ferry history --format json
jq -e '.runs[] | select(.number==3) | .result == null' "$WORK/f.out" >/dev/null || fail "run 3 should be unfinished"
ferry recover --format json
[ "$rc" = 0 ] || { show; fail "ferry recover exited $rc"; }
jq -e '.complete and (.runs | length == 1) and .runs[0].number == 3 and (.runs[0].compensations | length == 3)' \
  "$WORK/f.out" >/dev/null || { show; fail "recover did not restore run 3's 3 effects"; }
H status web -n "$ns2" >/dev/null 2>&1 && fail "release web in $ns2 still exists after recover"
gone namespace "$ns2" || fail "namespace $ns2 is still there after recover"
tail -n 1 "$WS/.ferry/runs/web/3/journal.ndjson" | jq -e '.type == "rollback.finished" and .complete' >/dev/null ||
  fail "run 3's journal does not end with rollback.finished"
pass "ferry recover: interrupted run 3 (torn last line, no effect.done) rolled back: release and namespace $ns2 gone"
ferry recover
[ "$rc" = 0 ] && grep -q "no unfinished run" "$WORK/f.err" || { show; fail "a second recover should have nothing to do"; }
pass "a second ferry recover has nothing to do"

# An effect that cannot be undone: exit 5 with the reason, as data.
printf '%s\n' '{"type":"effect","effect_id":"x/1","kind":"release","target":"nowhere/web","namespace":"x","release":"web","before":{"revision":1},"cluster":{"kubeconfig":"'"$KUBECONFIG"'","context":"no-such-context"}}' >"$WORK/j4"
record 4 "$WORK/j4"
ferry recover --env it --format json
[ "$rc" = 5 ] || { show; fail "an incomplete recover should exit 5, not $rc"; }
jq -e '(.complete | not) and (.runs[0].compensations[0].restored | not) and (.runs[0].compensations[0].detail | test("no-such-context"))' \
  "$WORK/f.out" >/dev/null || { show; fail "the report does not say why the release was not restored"; }
pass "an effect on an unknown context: exit 5, not restored, the reason names the context"

PASSWORD=$(cat "$FERRY_TEST_REGISTRY_PASSWORD_FILE")
! grep -rqF "$PASSWORD" "$WORK/all" "$WS/.ferry" || fail "the registry password appears in an output or journal"
! grep -rqF "$(printf '%s' "$PASSWORD" | base64)" "$WORK/all" "$WS/.ferry" || fail "the password's base64 appears in an output or journal"
pass "no credential value in ferry's output or the journals"
done_checks
