#!/usr/bin/env bash
# The crash test of issue 7: a run killed with SIGKILL at every journal point is put back by
# `ferry recover` exactly as it was before the run (or left at the complete new state when the
# kill came after `commit`).
#
# The pipeline builds a small image on $FERRY_TEST_BASE_IMAGE, pushes it under tag `moved` (which
# pointed at another digest before the run) and `fresh` (new), upgrades release `old` (revision 1
# before the run) in namespace OLD, replacing the pull secret there (another content before the
# run), and installs release `new` into namespace NEW, which the run creates. A clean run counts
# its journal records N; then for k = 1..N the run starts from the same state and is killed by
# the test hook FERRY_FAULT_KILL_AFTER_RECORD=k right after record k is durable; `ferry recover`
# follows, and a snapshot of the world taken with helm, kubectl and skopeo (releases with their
# status, values and manifest; namespaces; secrets' type, labels and data; tags' digests) must
# equal the snapshot before the run, or after the clean run when record k came after `commit`.
#
# Then two `ferry run` at once on the environment: one is refused (exit 2) naming the holder of
# the environment's lock, the other runs, and the journal of every run holds one run only.
#   tests/integration/crash.sh ENV_FILE BUILD/ferry
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
FERRY=${2:-}
[ -n "$FERRY" ] && [ -x "$FERRY" ] || fail "usage: $0 <env-file> <ferry> (build the ferry target)"
require_vars KUBECONFIG FERRY_TEST_KUBE_CONTEXT KUBECTL HELM FERRY_TEST_BASE_IMAGE FERRY_TEST_REGISTRY \
  FERRY_TEST_REGISTRY_CA FERRY_TEST_REGISTRY_CERT_DIR FERRY_TEST_DOCKER_CONFIG
require_tool skopeo "Install it: apt-get install skopeo (or scripts/install-deps)."
require_tool git "Install it: apt-get install git (or scripts/install-deps)."
K() { "$KUBECTL" --kubeconfig "$KUBECONFIG" --context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
H() { "$HELM" --kubeconfig "$KUBECONFIG" --kube-context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
S() { skopeo "$@" --authfile "$FERRY_TEST_DOCKER_CONFIG" --cert-dir "$FERRY_TEST_REGISTRY_CERT_DIR"; }
scopy() { # scopy SRC DEST: copy an image between references of the test registry
  skopeo copy -q --authfile "$FERRY_TEST_DOCKER_CONFIG" --src-cert-dir "$FERRY_TEST_REGISTRY_CERT_DIR" \
    --dest-cert-dir "$FERRY_TEST_REGISTRY_CERT_DIR" "docker://$1" "docker://$2"
}
OLD=it-crash-old-$$ NEW=it-crash-new-$$ PREFIX=it-crash-$$
REPO=$FERRY_TEST_REGISTRY/$PREFIX/app
export XDG_CACHE_HOME=$WORK/cache
trap 'K delete namespace "$OLD" "$NEW" --wait=false >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
started=$(date +%s)

ws=$WORK/ws
mkdir -p "$ws/app" && cp -r "$IT_DIR/charts/pinned" "$ws/chart"
echo "crash test $$" >"$ws/app/hello.txt"
cat >"$ws/ferry.yaml" <<YAML
version: 1
registries:
  local:
    server: $FERRY_TEST_REGISTRY
    prefix: $PREFIX
    credentials: registry-creds
    tls: { ca: "$FERRY_TEST_REGISTRY_CA" }
clusters:
  lab: { kubeconfig: "$KUBECONFIG", context: "$FERRY_TEST_KUBE_CONTEXT" }
environments:
  test:
    cluster: lab
    namespace: $NEW
    registry: local
    createNamespace: true
    allowedNamespaces: [$NEW, $OLD]
    pullSecret: { name: crash-pull, create: true }
    variables:
      BASE: $FERRY_TEST_BASE_IMAGE
credentials:
  registry-creds: { type: dockerconfig, file: "$FERRY_TEST_DOCKER_CONFIG" }
YAML
cat >"$ws/Ferryfile" <<GROOVY
pipeline {
    agent any
    stages {
        stage('Build') {
            steps {
                buildImage name: 'app', context: 'app', base: "\${BASE}"
                pushImage name: 'app', tags: ['moved', 'fresh'], overwrite: true
            }
        }
        stage('Deploy') {
            steps {
                helmUpgrade release: 'old', chart: 'chart', namespace: '$OLD', images: [image: 'app'],
                    set: [pullSecret: 'crash-pull', replicas: 2], atomic: false, wait: false
                helmUpgrade release: 'new', chart: 'chart', images: [image: 'app'],
                    set: [pullSecret: 'crash-pull'], atomic: false, wait: false
            }
        }
    }
}
GROOVY
(cd "$ws" && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm init) ||
  fail "cannot create the workspace repository"

# The state before the run.
K create namespace "$OLD" >/dev/null || fail "cannot create namespace $OLD"
K -n "$OLD" create secret docker-registry crash-pull --docker-server=old.example \
  --docker-username=before --docker-password=the-run-replaces-this >/dev/null ||
  fail "cannot create the pull secret crash-pull in $OLD"
K -n "$OLD" label secret crash-pull ferry.test/state=before >/dev/null
H install old "$ws/chart" -n "$OLD" --set image.repository=busybox --set image.tag=before \
  --wait --timeout 60s >/dev/null || fail "cannot install release old before the runs"
scopy "$FERRY_TEST_BASE_IMAGE" "$REPO:moved" || fail "skopeo cannot copy the base image to $REPO:moved"

tag_digest() { S inspect --raw "docker://$REPO:$1" >"$WORK/manifest" 2>/dev/null && echo "sha256:$(sha256sum <"$WORK/manifest" | cut -c1-64)" || echo absent; }
# snapshot FILE: what the run may change, as text, for diff.
wait_namespace_gone() {
  for _ in $(seq 240); do
    K get namespace "$1" >/dev/null 2>&1 || return 0
    sleep 0.5
  done
  return 1
}
snapshot() {
  local ns r
  {
    for ns in "$OLD" "$NEW"; do
      echo "namespace $ns: $(K get namespace "$ns" -o jsonpath='{.status.phase}' 2>/dev/null || echo absent)"
      H list -n "$ns" -a -o json | jq -r '.[] | "release \(.namespace)/\(.name): \(.status) chart \(.chart)"'
      for r in $(H list -n "$ns" -a -q); do
        echo "  values: $(H get values "$r" -n "$ns" -a -o json | jq -cS .)"
        echo "  manifest: $(H get manifest "$r" -n "$ns" | sha256sum | cut -c1-16)"
      done
      K -n "$ns" get secrets -o json 2>/dev/null |
        jq -r '.items[] | select(.type != "helm.sh/release.v1")
               | "secret \(.metadata.name): \(.type) labels \(.metadata.labels // {} | tojson) data \(.data | tojson | @base64)"' |
        while read -r line; do echo "${line%% data *} data $(printf '%s' "${line##* data }" | sha256sum | cut -c1-16)"; done
    done
    for t in moved fresh; do
      echo "tag $t: $(tag_digest "$t")"
    done
  } >"$1"
}
snapshot "$WORK/before"
grep -q "tag fresh" "$WORK/before" || fail "snapshot failed: $(cat "$WORK/before")"
[ "$(tag_digest fresh)" = absent ] || fail "tag fresh exists before the run"

# reset: back to the state before the run, with helm, kubectl and skopeo only (after a committed
# run; ferry is not trusted to reset what it is tested on).
reset_world() {
  H uninstall new -n "$NEW" --wait >/dev/null 2>&1 || true
  K delete namespace "$NEW" --ignore-not-found --wait=false >/dev/null 2>&1 || true
  # Installed afresh, as before the runs: an upgrade would keep the release labels of ferry's
  # run (its deploy key), and `helm rollback old 1` fails once helm has pruned revision 1.
  H uninstall old -n "$OLD" --wait >/dev/null || fail "reset: helm uninstall old"
  H install old "$ws/chart" -n "$OLD" --set image.repository=busybox --set image.tag=before \
    --wait --timeout 60s >/dev/null || fail "reset: helm install old"
  K -n "$OLD" delete secret crash-pull --ignore-not-found >/dev/null
  K -n "$OLD" create secret docker-registry crash-pull --docker-server=old.example \
    --docker-username=before --docker-password=the-run-replaces-this >/dev/null
  K -n "$OLD" label secret crash-pull ferry.test/state=before >/dev/null
  local fresh
  fresh=$(tag_digest fresh)
  scopy "$FERRY_TEST_BASE_IMAGE" "$REPO:moved" || fail "reset: skopeo copy to $REPO:moved"
  if [ "$fresh" != absent ]; then
    S delete "docker://$REPO@$fresh" >/dev/null || fail "reset: skopeo delete $REPO@$fresh"
  fi
  wait_namespace_gone "$NEW" || fail "reset: namespace $NEW is not gone"
  snapshot "$WORK/reset"
  diff "$WORK/before" "$WORK/reset" >&2 || fail "reset did not restore the state before the run"
}

run_ferry() { # run_ferry OUT [ENV=VALUE...]: a run of the pipeline; exit code in $code
  local out=$1
  shift
  set +e
  (cd "$ws" && env "$@" "$FERRY" run --env test --no-color) >"$out" 2>&1
  code=$?
  set -e
}
newest_journal() { ls -dt "$ws"/.ferry/runs/*/*/ | head -n1; }

# A first run fills the build cache (a cache miss journals more than the hits that follow), then
# the clean run: its records are the journal points.
run_ferry "$WORK/warm.out"
[ "$code" = 0 ] || { cat "$WORK/warm.out" >&2; fail "the first run: exit $code, expected 0"; }
reset_world
run_ferry "$WORK/clean.out"
[ "$code" = 0 ] || { cat "$WORK/clean.out" >&2; fail "the clean run: exit $code, expected 0"; }
journal=$(newest_journal)/journal.ndjson
points=$(($(wc -l <"$journal") - 1))
types=$(tail -n +2 "$journal" | jq -r '.type + (if .kind then " " + .kind else "" end)' | paste -sd, -)
commit_at=$(tail -n +2 "$journal" | jq -r .type | grep -nx commit | cut -d: -f1)
[ -n "$commit_at" ] || fail "the clean run's journal has no commit record: $types"
[ "$(grep -c '"kind":"release"' "$journal")" = 2 ] && grep -q '"kind":"tag"' "$journal" &&
  grep -q '"kind":"namespace"' "$journal" && grep -q '"kind":"secret"' "$journal" ||
  fail "the clean run did not journal two releases, a tag, a namespace and a secret: $types"
pass "the clean run succeeds with $points journal records (commit is record $commit_at)"
snapshot "$WORK/after"
! diff -q "$WORK/before" "$WORK/after" >/dev/null || fail "the clean run changed nothing"
[ "$(tag_digest fresh)" != absent ] || fail "the clean run did not push tag fresh"
reset_world

restored=0
# CRASH_POINTS="k ..." limits the points (to debug one); the test requires all of them otherwise.
for k in ${CRASH_POINTS:-$(seq "$points")}; do
  what=$(tail -n +2 "$journal" | sed -n "${k}p" | jq -r '.type + (if .kind then " " + .kind + " " + .target else "" end)')
  run_ferry "$WORK/kill.out" FERRY_FAULT_KILL_AFTER_RECORD="$k"
  [ "$code" = 137 ] || { cat "$WORK/kill.out" >&2; fail "point $k ($what): ferry exit $code, expected 137 (SIGKILL)"; }
  killed=$(newest_journal)/journal.ndjson
  [ "$(($(wc -l <"$killed") - 1))" = "$k" ] ||
    fail "point $k ($what): the killed run's journal holds $(($(wc -l <"$killed") - 1)) records, expected $k"
  set +e
  (cd "$ws" && "$FERRY" recover --env test) >"$WORK/recover.out" 2>&1
  rc=$?
  set -e
  [ "$rc" = 0 ] || { cat "$WORK/recover.out" >&2; fail "point $k ($what): ferry recover exit $rc"; }
  # The killed run's own journal says whether it committed.
  expected=$WORK/before
  grep -q '"type":"commit"' "$killed" && expected=$WORK/after
  snapshot "$WORK/point"
  if diff "$expected" "$WORK/point" >"$WORK/diff"; then
    restored=$((restored + 1))
    printf 'point %2d/%d %-60s restored (%s)\n' "$k" "$points" "$what" "$(basename "$expected")"
  else
    printf 'point %2d/%d %-60s NOT restored:\n' "$k" "$points" "$what"
    cat "$WORK/diff"
    cat "$WORK/recover.out"
    cp "$killed" "${TMPDIR:-/tmp}/crash-point-$k.journal.ndjson" && note "journal kept: ${TMPDIR:-/tmp}/crash-point-$k.journal.ndjson"
  fi
  diff -q "$WORK/before" "$WORK/point" >/dev/null || reset_world
done
tried=$(wc -w <<<"${CRASH_POINTS:-$(seq "$points")}")
echo "$restored/$tried points restored"
[ "$restored" = "$tried" ] || fail "$((tried - restored)) of $tried journal points were not restored"
pass "$restored/$points points restored"

# Two runs at once: the second is refused while the first holds the environment's lock.
cat >"$ws/Slow.ferry" <<'GROOVY'
pipeline {
    agent any
    stages {
        stage('Hold') { steps { sh 'touch holding; sleep 6' } }
    }
}
GROOVY
rm -f "$ws/holding"
(cd "$ws" && exec "$FERRY" run -f Slow.ferry --env test --no-color) >"$WORK/first.out" 2>&1 &
first=$!
for _ in $(seq 100); do
  [ -e "$ws/holding" ] && break
  sleep 0.2
done
[ -e "$ws/holding" ] || { cat "$WORK/first.out" >&2; fail "the first of two runs never started its step"; }
run_ferry "$WORK/second.out"
wait "$first" || { cat "$WORK/first.out" >&2; fail "the first of two concurrent runs failed"; }
[ "$code" = 2 ] || { cat "$WORK/second.out" >&2; fail "the second of two concurrent runs: exit $code, expected 2"; }
grep -q "environment 'test' is in use by .*(pid $first " "$WORK/second.out" ||
  fail "the refusal does not name the holder (pid $first): $(cat "$WORK/second.out")"
pass "two runs at once: the second is refused (exit 2): $(grep -m1 "in use by" "$WORK/second.out")"
for j in "$ws"/.ferry/runs/*/*/journal.ndjson; do
  jq -s -e '.[0].number as $n | (map(select(.seq)) | map(.seq)) as $s
    | ($s == [range(1; ($s | length) + 1)])
    and (map(select(.type == "run.started")) | length) <= 1
    and (map(select(.type == "run.started") | .build) | all(. == $n))' "$j" >/dev/null ||
    fail "journal $j is interleaved or out of sequence"
done
pass "every journal holds one run, its records in sequence ($(ls "$ws"/.ferry/runs/*/*/journal.ndjson | wc -l) journals)"
note "crash test took $(($(date +%s) - started)) s"
done_checks
