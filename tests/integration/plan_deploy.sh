#!/usr/bin/env bash
# Issue 7, the plan of a deploy: `ferry plan` prepares each helmUpgrade as its run will (the deploy
# key), renders the chart with the step's values (`helm template`) and compares it object by
# object with the release's manifest (`helm get manifest`). A scripted series of changes, each
# planned and then run, against the testenv (real kube-apiserver, helm, registry):
#   1. nothing deployed: the objects are listed as added; the key is known only after the build;
#   2. nothing changed: the plan says the release is a cache hit (no upgrade), and the run skips it;
#   3. a values file changes replicas: the plan names spec.replicas of Deployment/web-web, and the run
#      makes the next revision with it;
#   4. the code changes: the build misses and the plan names the pod template's image;
#   5. someone else's `helm upgrade`: the plan does not trust the key on that revision;
#   6. the chart gains a ConfigMap and loses its Service: added and removed in the plan, and so
#      in the cluster after the run.
# Every plan leaves the release's history as it was.
#   tests/integration/plan_deploy.sh ENV_FILE BUILD/ferry
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
FERRY=${2:-}
[ -n "$FERRY" ] && [ -x "$FERRY" ] || fail "usage: $0 <env-file> <ferry> (build the ferry target)"
require_vars KUBECONFIG FERRY_TEST_KUBE_CONTEXT KUBECTL HELM FERRY_TEST_BASE_IMAGE FERRY_TEST_REGISTRY \
  FERRY_TEST_REGISTRY_CA FERRY_TEST_DOCKER_CONFIG
require_tool git "Install it: apt-get install git (or scripts/install-deps)."
require_tool jq "Install it: apt-get install jq (or scripts/install-deps)."
K() { "$KUBECTL" --kubeconfig "$KUBECONFIG" --context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
H() { "$HELM" --kubeconfig "$KUBECONFIG" --kube-context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
NS=it-plan-deploy-$$ PREFIX=it-plan-deploy-$$
export XDG_CACHE_HOME=$WORK/cache
trap 'K delete namespace "$NS" --wait=false >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

ws=$WORK/ws
mkdir -p "$ws/app" && cp -r "$IT_DIR/charts/pinned" "$ws/chart"
echo "plan deploy $$" >"$ws/app/hello.txt"
printf 'replicas: 1\n' >"$ws/values.yaml"
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
    namespace: $NS
    registry: local
    createNamespace: true
    variables:
      BASE: $FERRY_TEST_BASE_IMAGE
credentials:
  registry-creds: { type: dockerconfig, file: "$FERRY_TEST_DOCKER_CONFIG" }
YAML
cat >"$ws/Ferryfile" <<'GROOVY'
pipeline {
    agent any
    stages {
        stage('Build') {
            steps {
                buildImage name: 'app', context: 'app', base: "${BASE}"
                pushImage name: 'app', tags: ['v1'], overwrite: true
            }
        }
        stage('Deploy') {
            steps {
                helmUpgrade release: 'web', chart: 'chart', values: ['values.yaml'],
                    images: [image: 'app'], wait: false, atomic: false
            }
        }
    }
}
GROOVY
(cd "$ws" && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm init) ||
  fail "cannot create the workspace repository"
# Files written in the last second are not trusted by the stat cache (racy clean): age them.
age() { touch -d '-1 minute' "$ws"/app/* "$ws"/values.yaml; }
age

revisions() { H history web -n "$NS" -o json 2>/dev/null | jq length || echo 0; }
# plan N: `ferry plan --format json` into $WORK/N.json, text into $WORK/N.txt; checks that the
# release's history is what it was.
plan() {
  local before
  before=$(revisions)
  (cd "$ws" && "$FERRY" plan --env test --format json >"$WORK/$1.json" 2>"$WORK/$1.err") ||
    { cat "$WORK/$1.err" >&2; fail "plan $1: ferry plan failed"; }
  (cd "$ws" && "$FERRY" plan --env test --no-color >"$WORK/$1.txt" 2>&1) ||
    { cat "$WORK/$1.txt" >&2; fail "plan $1: ferry plan (text) failed"; }
  [ "$(revisions)" = "$before" ] || fail "plan $1 changed the release's history"
}
helm_step() { jq -c '.steps[] | select(.kind == "helmUpgrade")' "$WORK/$1.json"; }
cache() { helm_step "$1" | jq -r '.cache.status'; }
objects() { helm_step "$1" | jq -r '[.effects[] | select(.kind == "object") | "\(.target): \(.after)"] | join("; ")'; }
run() {
  (cd "$ws" && "$FERRY" run --env test --no-color --events "$WORK/$1.events") >"$WORK/$1.run" 2>&1 ||
    { cat "$WORK/$1.run" >&2; fail "run $1 failed"; }
}
commit() { (cd "$ws" && git add -A && git -c user.name=t -c user.email=t@t commit -qm "$1") || fail "commit $1"; }

# 1. Nothing deployed yet.
plan 1
[ "$(cache 1)" = unknown ] && helm_step 1 | jq -r .cache.reason | grep -q "image app is built in this run" ||
  fail "plan 1: the deploy key should wait for the build: $(helm_step 1 | jq -c .cache)"
[ "$(objects 1)" = "Deployment/web-web: added" ] || fail "plan 1: objects: $(objects 1)"
grep -q "object Deployment/web-web: absent -> added" "$WORK/1.txt" || fail "plan 1 (text): $(cat "$WORK/1.txt")"
pass "plan 1: the release's objects are listed as added; the key waits for the image's build"
run 1
[ "$(revisions)" = 1 ] || fail "run 1: $(revisions) revisions"
pass "run 1: revision 1"

# 2. Nothing changed.
plan 2
[ "$(cache 2)" = hit ] || fail "plan 2: helmUpgrade cache $(helm_step 2 | jq -c .cache)"
[ "$(helm_step 2 | jq -r .action)" = no-op ] || fail "plan 2: action $(helm_step 2 | jq -r .action)"
[ -z "$(objects 2)" ] || fail "plan 2: objects $(objects 2)"
pass "plan 2: the release is a hit, revision 1 stays ($(helm_step 2 | jq -r .cache.reason))"
run 2
[ "$(revisions)" = 1 ] || fail "run 2 made a new revision"
grep -q "release web in .* is unchanged (deploy key" "$WORK/2.run" || fail "run 2 did not skip the release: $(cat "$WORK/2.run")"
grep -q "unchanged (deploy key $(helm_step 2 | jq -r .cache.key | cut -c1-12))" "$WORK/2.run" ||
  fail "run 2: the run's deploy key is not the plan's $(helm_step 2 | jq -r .cache.key)"
pass "run 2: skipped as planned, with the plan's deploy key"

# 3. A values file changes replicas.
printf 'replicas: 3\n' >"$ws/values.yaml" && age && commit replicas
plan 3
[ "$(cache 3)" = miss ] && helm_step 3 | jq -r .cache.reason | grep -q "revision 1 was deployed from other inputs" ||
  fail "plan 3: $(helm_step 3 | jq -c .cache)"
[ "$(objects 3)" = "Deployment/web-web: changed: spec.replicas" ] || fail "plan 3: objects: $(objects 3)"
pass "plan 3: Deployment/web-web changes spec.replicas only"
run 3
[ "$(revisions)" = 2 ] && [ "$(K -n "$NS" get deployment web-web -o jsonpath='{.spec.replicas}')" = 3 ] ||
  fail "run 3: revisions $(revisions), replicas $(K -n "$NS" get deployment web-web -o jsonpath='{.spec.replicas}')"
pass "run 3: revision 2 with 3 replicas, as planned"

# 4. The code changes: a new image.
echo "changed $$" >"$ws/app/hello.txt" && age && commit code
plan 4
[ "$(jq -r '.steps[] | select(.kind == "buildImage") | .cache.status' "$WORK/4.json")" = miss ] ||
  fail "plan 4: the build should miss"
[ "$(cache 4)" = unknown ] || fail "plan 4: helmUpgrade cache $(helm_step 4 | jq -c .cache)"
objects 4 | grep -q '^Deployment/web-web: changed: spec.template.spec.containers\[0\].image$' ||
  fail "plan 4: objects: $(objects 4)"
pass "plan 4: the build misses; Deployment/web-web changes its pod template's image"
run 4
[ "$(revisions)" = 3 ] || fail "run 4: $(revisions) revisions"
pass "run 4: revision 3"

# 5. Someone else's upgrade: helm copies ferry's labels to it, the key is not trusted there.
H upgrade web "$ws/chart" -n "$NS" --reuse-values --set replicas=4 >/dev/null || fail "helm upgrade by hand"
plan 5
[ "$(cache 5)" = miss ] && helm_step 5 | jq -r .cache.reason | grep -q "revision 4 carries no deploy key" ||
  fail "plan 5: $(helm_step 5 | jq -c .cache)"
[ "$(objects 5)" = "Deployment/web-web: changed: spec.replicas" ] || fail "plan 5: objects: $(objects 5)"
pass "plan 5: after someone else's upgrade the plan upgrades again, back to replicas 3"
run 5
[ "$(revisions)" = 5 ] || fail "run 5: $(revisions) revisions"

# 6. The chart gains a Service; 7. then a ConfigMap, and loses the Service.
cat >"$ws/chart/templates/service.yaml" <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  ports: [ { port: 80 } ]
YAML
commit service
plan 6
[ "$(objects 6)" = "Service/web: added" ] || fail "plan 6: objects: $(objects 6)"
run 6
K -n "$NS" get service web >/dev/null 2>&1 || fail "run 6: no Service web"
pass "plan 6 and run 6: Service/web added"
cat >"$ws/chart/templates/settings.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
data:
  replicas: {{ .Values.replicas | quote }}
YAML
rm "$ws/chart/templates/service.yaml" && commit settings
plan 7
[ "$(objects 7)" = "ConfigMap/web-settings: added; Service/web: removed" ] &&
  [ "$(helm_step 7 | jq -r '.effects[] | select(.target == "ConfigMap/web-settings") | .before')" = absent ] ||
  fail "plan 7: objects: $(objects 7)"
pass "plan 7: ConfigMap/web-settings added, Service/web removed"
run 7
K -n "$NS" get configmap web-settings >/dev/null 2>&1 || fail "run 7: no ConfigMap web-settings"
! K -n "$NS" get service web >/dev/null 2>&1 || fail "run 7: Service web is still there"
pass "run 7: the cluster holds the ConfigMap and no longer the Service, as planned"
done_checks
