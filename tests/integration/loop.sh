#!/usr/bin/env bash
# The chapter-11 loop with `ferry run` (issue 8, scenarios S2–S6 of kiamol-ch11.md; issue 7's
# first acceptance point), on examples/bulletin-board in a temporary git repository (the
# example's own files are never touched), against the real registry, kube-apiserver and helm:
#   S3  the app asks for node:10.6.0: Build fails before any push, naming 10.6.0 and the
#       versions that exist; nothing is pushed or deployed; exit 1. Asking for 10.7.0 passes.
#   S2  that run builds and pushes with the registry credential (anonymous gets 401); the
#       digest ferry recorded is the registry's; the password and its base64 forms appear in
#       no output, run record, events or JUnit file.
#   S4  helm upgrade --install --atomic into kiamol-ch11-test; the namespace and the pull
#       secret (kubernetes.io/dockerconfigjson) are made there.
#   S5  the pod template names the image by digest; a rerun with nothing changed makes no
#       new revision; pushing a used tag for different content is refused, nothing changes.
#   S6  three code changes, three runs, three new helm revisions, each pod template's digest
#       equal to what skopeo says the run's tag holds.
# The test owns namespace kiamol-ch11-test of the shared test environment (RESOURCE_LOCK in
# CTest); its images go to a repository prefix of its own, so reruns never collide on tags.
#   tests/integration/loop.sh ENV_FILE BUILD/ferry
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
FERRY=${2:-}
[ -n "$FERRY" ] && [ -x "$FERRY" ] || fail "usage: $0 <env-file> <ferry> (build the ferry and ferry-engine targets)"
require_vars KUBECONFIG FERRY_TEST_KUBE_CONTEXT KUBECTL HELM FERRY_TEST_REGISTRY FERRY_TEST_REGISTRY_CA \
  FERRY_TEST_REGISTRY_CERT_DIR FERRY_TEST_DOCKER_CONFIG FERRY_TEST_REGISTRY_USER FERRY_TEST_REGISTRY_PASSWORD_FILE
require_tool git "Install it: apt-get install git (or scripts/install-deps)."
require_tool node "Install it: apt-get install nodejs (the example's Test stage runs node test.js)."
require_tool skopeo "Install it: apt-get install skopeo (or scripts/install-deps)."
require_tool umoci "Install it: apt-get install umoci (or scripts/install-deps)."

NS=kiamol-ch11-test
RELEASE=bulletin-board
PREFIX=kiamol-it-$$-$RANDOM
REPO=$FERRY_TEST_REGISTRY/$PREFIX/bulletin-board
K() { "$KUBECTL" --kubeconfig "$KUBECONFIG" --context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
H() { "$HELM" --kubeconfig "$KUBECONFIG" --kube-context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
S() { skopeo "$1" --cert-dir "$FERRY_TEST_REGISTRY_CERT_DIR" --authfile "$FERRY_TEST_DOCKER_CONFIG" "${@:2}"; }
export XDG_CACHE_HOME=$WORK/cache
cleanup_cluster() {
  H uninstall "$RELEASE" -n "$NS" --wait --timeout 60s >/dev/null 2>&1 || true
  K delete namespace "$NS" --wait=true --timeout=60s >/dev/null 2>&1 || true
}
trap 'cleanup_cluster; rm -rf "$WORK"' EXIT

example=$REPO_ROOT/examples/bulletin-board
example_sum() { (cd "$example" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum); }
example_before=$(example_sum)

# The lab's base images, in this test's own prefix (scripts/lab-images is idempotent).
"$REPO_ROOT/scripts/lab-images" --prefix "$PREFIX" >"$WORK/lab-images.out" 2>&1 ||
  { cat "$WORK/lab-images.out" >&2; fail "scripts/lab-images could not publish the lab's node images"; }
note "lab images: $FERRY_TEST_REGISTRY/$PREFIX/node:10.5.0 and :10.7.0"

# A clean start for the namespace this test owns.
cleanup_cluster
for _ in $(seq 60); do K get namespace "$NS" >/dev/null 2>&1 || break; sleep 1; done
! K get namespace "$NS" >/dev/null 2>&1 || fail "namespace $NS from an earlier run does not go away"

# The workspace: a git repository holding a copy of the example, its images in $PREFIX.
ws=$WORK/bulletin-board
cp -r "$example" "$ws"
sed -i "s|^\(\s*prefix:\s*\)kiamol\s*$|\1$PREFIX|" "$ws/ferry.yaml"
grep -q "prefix: $PREFIX" "$ws/ferry.yaml" || fail "cannot point the copy's ferry.yaml at prefix $PREFIX"
git_ws() { git -C "$ws" -c user.name=loop -c user.email=loop@ferry.test "$@"; }
git_ws init -q -b main && git_ws add -A && git_ws commit -qm "the bulletin board" || fail "cannot make the workspace repository"

# commit MESSAGE: commit everything changed in the workspace.
commit() { git_ws add -A && git_ws commit -qm "$1" || fail "cannot commit '$1'"; }
# node_version V: the version of the Node.js runtime the pipeline asks for.
node_version() { sed -i "s/NODE_VERSION = '[^']*'/NODE_VERSION = '$1'/" "$ws/Ferryfile"; }
# add_event TITLE: a code change (one more event on the board).
add_event() {
  sed -i "s|^\(  { title: 'Cluster upgrade drill'.*\)$|\1\n  { title: '$1', when: '2027-01-0$((RANDOM % 9 + 1))', where: 'Online' },|" \
    "$ws/src/server.js"
  grep -q "$1" "$ws/src/server.js" || fail "cannot change src/server.js"
}
# ferry_run N [ENV...]: `ferry run` as run N; output in $WORK/run-N.out, exit code in $code.
# RUN_DIR: the workspace to run in (default $ws).
ferry_run() {
  local n=$1
  shift
  set +e
  (cd "${RUN_DIR:-$ws}" && env "$@" "$FERRY" run --env test --no-color --events "$WORK/events-$n.ndjson" \
     --junit "$WORK/junit-$n.xml") >"$WORK/run-$n.out" 2>&1
  code=$?
  set -e
}
show() { cat "$WORK/run-$1.out" >&2; }
tag_digest() { S inspect "docker://$REPO:$1" 2>/dev/null | jq -r .Digest; }
revisions() { H history "$RELEASE" -n "$NS" -o json 2>/dev/null | jq length || echo 0; }
pod_image() { K get deploy "$RELEASE" -n "$NS" -o jsonpath='{.spec.template.spec.containers[0].image}'; }
tags_json() {
  curl -sS --cacert "$FERRY_TEST_REGISTRY_CA" -u "$FERRY_TEST_REGISTRY_USER:$(cat "$FERRY_TEST_REGISTRY_PASSWORD_FILE")" \
    "https://$FERRY_TEST_REGISTRY/v2/$PREFIX/bulletin-board/tags/list"
}
# deployed_by_digest N: the live pod template is $REPO@<digest of tag N-kiamol>.
deployed_by_digest() {
  local want image
  want=$(tag_digest "$1-kiamol")
  [ -n "$want" ] && [ "$want" != null ] || fail "skopeo finds no $REPO:$1-kiamol"
  image=$(pod_image)
  [ "$image" = "$REPO@$want" ] || fail "run $1: the pod template has $image, not $REPO@$want (what skopeo says $1-kiamol holds)"
}

# ---- S3: the lab. node:10.6.0 was never published. ----
node_version 10.6.0
commit "Ask for Node.js 10.6.0"
ferry_run 1
[ "$code" = 1 ] || { show 1; fail "S3: a run asking for node:10.6.0 exited $code, expected 1"; }
grep -q "kiamol-it-[^ ]*/node:10.6.0 does not exist" "$WORK/run-1.out" && grep -q "10.5.0, 10.7.0" "$WORK/run-1.out" ||
  { show 1; fail "S3: the failure does not name 10.6.0 and the versions that exist (10.5.0, 10.7.0)"; }
pass "S3: asking for node:10.6.0 fails in Build with exit 1, naming 10.6.0 and the versions that exist (10.5.0, 10.7.0)"
grep -Eq '^\s+FAILURE\s.*Build$' "$WORK/run-1.out" && grep -Eq '^\s+skipped\s+Push$' "$WORK/run-1.out" &&
  grep -Eq '^\s+skipped\s+Deploy$' "$WORK/run-1.out" || { show 1; fail "S3: Build is not FAILURE with Push and Deploy skipped"; }
[ "$(tags_json | jq -r '.tags // [] | length')" = 0 ] || fail "S3: the failed run pushed something: $(tags_json)"
! H status "$RELEASE" -n "$NS" >/dev/null 2>&1 || fail "S3: the failed run deployed release $RELEASE"
! K get namespace "$NS" >/dev/null 2>&1 || fail "S3: the failed run created namespace $NS"
pass "S3: nothing was pushed (no tag in $PREFIX/bulletin-board), no release, no namespace"

node_version 10.7.0
commit "Fix the Node.js version"
ferry_run 2
[ "$code" = 0 ] || { show 2; fail "S3: the run after the fix (10.7.0) exited $code, expected 0"; }
pass "S3: after the fix (node:10.7.0) run 2 passes: build, push 2-kiamol, deploy"

# ---- S2: build and push with the registry credential. ----
code401=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$FERRY_TEST_REGISTRY_CA" \
  "https://$FERRY_TEST_REGISTRY/v2/$PREFIX/bulletin-board/tags/list")
[ "$code401" = 401 ] || fail "S2: an anonymous tag list got HTTP $code401, expected 401"
tags_json | jq -e '[.tags[] | select(startswith("ferry-build-") | not)] == ["2-kiamol"]' >/dev/null ||
  fail "S2: the registry's tags are $(tags_json), expected 2-kiamol and the build evidence only"
pass "S2: the registry holds $PREFIX/bulletin-board:2-kiamol (authenticated list), anonymous gets 401"
record=$(find "$ws/.ferry/runs" -path '*/2/*' -name journal.ndjson | head -n1)
[ -n "$record" ] || fail "S2: no run record for run 2 under $ws/.ferry/runs"
recorded=$(jq -r 'select(.type == "image.pushed") | .digest' "$record" | head -n1)
D2=$(tag_digest 2-kiamol)
[ -n "$recorded" ] && [ "$recorded" = "$D2" ] || fail "S2: ferry recorded digest '$recorded', skopeo says $D2"
pass "S2: the digest in the run record equals skopeo's (${D2:0:19}…)"
evidence=$(jq -r 'select(.type == "image.pushed") | .evidenceTag' "$record" | head -n1)
[ "$(tags_json | jq '[.tags[] | select(startswith("ferry-build-"))] | length')" = 1 ] &&
  [ "$(tag_digest "${evidence##*:}")" = "$D2" ] ||
  fail "S2: expected one build evidence tag, ${evidence##*:} at $D2; the tags are $(tags_json)"
pass "S2: the push left its build evidence (${evidence##*:}) on the same image"
password=$(cat "$FERRY_TEST_REGISTRY_PASSWORD_FILE")
[ ${#password} -ge 8 ] || fail "S2: the registry password file holds no password"
secrets=("$password" "$(printf '%s' "$password" | base64 -w0)"
         "$(printf '%s:%s' "$FERRY_TEST_REGISTRY_USER" "$password" | base64 -w0)")
for s in "${secrets[@]}"; do
  if grep -rlF -- "$s" "$WORK"/run-*.out "$WORK"/events-*.ndjson "$WORK"/junit-*.xml "$ws/.ferry" 2>/dev/null; then
    fail "S2: the registry password (or a base64 form of it) is in the files above"
  fi
done
[ -s "$WORK/junit-2.xml" ] && [ -s "$WORK/events-2.ndjson" ] || fail "S2: run 2 wrote no JUnit or events file"
pass "S2: the password, its base64 and the base64 auth appear in no output, run record, events or JUnit file"

# ---- S4: the deploy. ----
[ "$(revisions)" = 1 ] || fail "S4: helm history of $RELEASE has $(revisions) revisions, expected 1"
H status "$RELEASE" -n "$NS" -o json | jq -e '.info.status == "deployed"' >/dev/null || fail "S4: release not deployed"
jq -s -e 'any(.[]; .type == "effect" and .kind == "release")' "$record" >/dev/null || fail "S4: no release effect in run 2's journal"
K get namespace "$NS" >/dev/null || fail "S4: namespace $NS does not exist"
[ "$(K get secret registry-creds -n "$NS" -o jsonpath='{.type}')" = kubernetes.io/dockerconfigjson ] ||
  fail "S4: no kubernetes.io/dockerconfigjson secret registry-creds in $NS"
K get secret registry-creds -n "$NS" -o jsonpath='{.data.\.dockerconfigjson}' | base64 -d |
  jq -e --arg r "$FERRY_TEST_REGISTRY" '.auths[$r]' >/dev/null || fail "S4: the pull secret has no entry for $FERRY_TEST_REGISTRY"
[ "$(K get deploy "$RELEASE" -n "$NS" -o jsonpath='{.spec.template.spec.imagePullSecrets[0].name}')" = registry-creds ] ||
  fail "S4: the pod template does not use the pull secret registry-creds"
jq -s -e 'any(.[]; .type == "effect" and .kind == "namespace")' "$record" >/dev/null || fail "S4: the namespace creation is not journaled"
pass "S4: helm release $RELEASE at revision 1 in $NS; the run created the namespace and the dockerconfigjson pull secret there"
K rollout status deploy/"$RELEASE" -n "$NS" --timeout=60s >/dev/null || fail "S4: the deployment did not become ready"
pass "S4: the deployment is rolled out (KWOK's pods are Ready)"

# ---- S5: by digest; an unchanged rerun; a reused tag. ----
deployed_by_digest 2
pass "S5: the pod template names $REPO@${D2:0:19}…, the digest skopeo gives for 2-kiamol"
ferry_run 3
[ "$code" = 0 ] || { show 3; fail "S5: a rerun with nothing changed exited $code"; }
[ "$(revisions)" = 1 ] || { show 3; fail "S5: a rerun with nothing changed made revision $(revisions)"; }
[ "$(tag_digest 3-kiamol)" = "$D2" ] || fail "S5: the unchanged rerun pushed other content under 3-kiamol"
deployed_by_digest 2
pass "S5 (issue 7): a rerun with nothing changed builds the same digest and makes no new revision (still 1)"

# ---- S6: three code changes, three runs, three revisions. ----
declare -A digest_of
for i in 1 2 3; do
  n=$((3 + i))
  add_event "Change $i"
  commit "Change $i: one more event"
  ferry_run "$n"
  [ "$code" = 0 ] || { show "$n"; fail "S6: run $n (change $i) exited $code"; }
  [ "$(revisions)" = $((1 + i)) ] || { show "$n"; fail "S6: after change $i, helm history has $(revisions) revisions, expected $((1 + i))"; }
  deployed_by_digest "$n"
  digest_of[$n]=$(tag_digest "$n-kiamol")
done
[ "$(printf '%s\n' "$D2" "${digest_of[@]}" | sort -u | wc -l)" = 4 ] ||
  fail "S6: the four deployed builds do not have four distinct digests: $D2 ${digest_of[*]}"
for r in 2 3 4; do
  want=$(tag_digest "$((r + 2))-kiamol")
  H get manifest "$RELEASE" -n "$NS" --revision "$r" | grep -q "image: $REPO@$want" ||
    fail "S6: helm revision $r's manifest does not name $REPO@$want"
done
pass "S6: three changes → runs 4, 5, 6 → helm revisions 2, 3, 4; each revision's pod template names the digest skopeo gives for its run's tag"

# ---- S5: a used tag for other content is refused. ----
# A second workspace (another agent, its own build counter) builds a new change as build 4.
add_event "Change 4"
commit "Change 4"
git clone -q "$ws" "$WORK/agent2" || fail "cannot clone the workspace"
before=$(tag_digest 4-kiamol)
RUN_DIR=$WORK/agent2 ferry_run 7 BUILD_NUMBER=4
[ "$code" = 1 ] || { show 7; fail "S5: pushing 4-kiamol again for other content exited $code, expected 1"; }
grep -q "4-kiamol already names other content" "$WORK/run-7.out" || { show 7; fail "S5: the refusal does not say the tag names other content"; }
[ "$(tag_digest 4-kiamol)" = "$before" ] || fail "S5: 4-kiamol moved from $before to $(tag_digest 4-kiamol)"
[ "$(revisions)" = 4 ] || fail "S5: the refused run changed the release (now $(revisions) revisions)"
deployed_by_digest 6
pass "S5: another workspace's build 4 of different content cannot reuse tag 4-kiamol (exit 1); the tag, the release (revision 4) and the pod template are unchanged"

[ "$(example_sum)" = "$example_before" ] || fail "the test changed files of examples/bulletin-board"
pass "examples/bulletin-board is untouched (the test worked in its own repository)"
done_checks
