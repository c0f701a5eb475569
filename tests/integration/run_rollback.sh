#!/usr/bin/env bash
# `ferry run` is a transaction (issue 7): when a step fails, everything the run changed is undone,
# newest first. Run A deploys into a namespace that does not exist and then fails: the release
# and the namespace are gone. Run B deploys three releases into a namespace that holds release
# `one` at revision 1; the third cannot become ready: `one` is back at revision 1's content,
# `two` and `three` are gone (helm history shows it), and the exit code is 1. A run that
# succeeds is committed: nothing is undone afterwards, and `ferry recover` has nothing to do.
# After ferry is killed mid-run, the next run refuses to start until `ferry recover` has undone
# what the crashed run changed.
#   tests/integration/run_rollback.sh ENV_FILE BUILD/ferry
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
FERRY=${2:-}
[ -n "$FERRY" ] && [ -x "$FERRY" ] || fail "usage: $0 <env-file> <ferry> (build the ferry target)"
require_vars KUBECONFIG FERRY_TEST_KUBE_CONTEXT KUBECTL HELM FERRY_TEST_BASE_IMAGE
require_tool git "Install it: apt-get install git (or scripts/install-deps)."
K() { "$KUBECTL" --kubeconfig "$KUBECONFIG" --context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
H() { "$HELM" --kubeconfig "$KUBECONFIG" --kube-context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
WORK=$(mktemp -d)
export RUN_NS=it-run-a-$$ XDG_CACHE_HOME=$WORK/cache
ns_b=it-run-b-$$
trap 'K delete namespace "$RUN_NS" "$ns_b" --wait=false >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

# A workspace: a git repository with the chart, ferry.yaml and the pipeline.
ws=$WORK/ws
mkdir -p "$ws" && cp -r "$IT_DIR/charts/demo" "$ws/chart"
cat >"$ws/ferry.yaml" <<'YAML'
clusters:
  lab: { kubeconfig: "${KUBECONFIG}", context: "${FERRY_TEST_KUBE_CONTEXT}" }
environments:
  test:
    cluster: lab
    namespace: ${RUN_NS}
    createNamespace: true
    variables:
      BASE: ${FERRY_TEST_BASE_IMAGE}
YAML
pipeline() { # pipeline FILE STAGES...: one stage per argument, `name=steps`
  local file=$1
  shift
  {
    printf 'pipeline {\n    agent any\n    stages {\n'
    for s in "$@"; do
      printf "        stage('%s') {\n            steps {\n                %s\n            }\n        }\n" "${s%%=*}" "${s#*=}"
    done
    printf '    }\n}\n'
  } >"$ws/$file"
}
deploy() { # deploy RELEASE [EXTRA-SET]
  printf "helmUpgrade release: '%s', chart: 'chart', set: [image: \"\${BASE}\"%s], wait: true, timeout: '20s'" "$1" "${2:-}"
}
(cd "$ws" && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm init) ||
  fail "cannot create the workspace repository"
run_ferry() { # run_ferry FILE: runs it, output in $WORK/out, exit code in $code
  set +e
  (cd "$ws" && "$FERRY" run -f "$1" --env test --no-color --events "$WORK/events.ndjson") >"$WORK/out" 2>&1
  code=$?
  set -e
}

# Run A: a new namespace and a new release, then a failing step.
pipeline A.ferry "Deploy=$(deploy a1)" "Break=error 'the release must not survive this'"
run_ferry A.ferry
[ "$code" = 1 ] || { cat "$WORK/out" >&2; fail "run A: exit $code, expected 1 (FAILURE, rolled back)"; }
grep -q "restored" "$WORK/out" || { cat "$WORK/out" >&2; fail "run A: no rollback report"; }
pass "run A fails with exit 1 and reports its rollback"
! H status a1 -n "$RUN_NS" >/dev/null 2>&1 || fail "run A: release a1 still exists"
pass "run A: release a1, new in this run, is uninstalled"
for _ in $(seq 60); do
  K get namespace "$RUN_NS" >/dev/null 2>&1 || break
  sleep 1
done
! K get namespace "$RUN_NS" >/dev/null 2>&1 || fail "run A: namespace $RUN_NS, created by the run, still exists"
pass "run A: namespace $RUN_NS, created by the run, is gone"

# Run B: release `one` exists at revision 1; the run upgrades it, adds `two`, and `three` never
# becomes ready.
export RUN_NS=$ns_b
K create namespace "$RUN_NS" >/dev/null
H upgrade --install one "$ws/chart" -n "$RUN_NS" --set image="$FERRY_TEST_BASE_IMAGE" --set replicas=2 \
  --wait --timeout 60s >/dev/null || fail "cannot install release one before run B"
pipeline B.ferry "One=$(deploy one ', replicas: 3')" "Two=$(deploy two)" "Three=$(deploy three ', neverReady: true')"
run_ferry B.ferry
[ "$code" = 1 ] || { cat "$WORK/out" >&2; fail "run B: exit $code, expected 1 (FAILURE, rolled back)"; }
pass "run B fails at the third deploy with exit 1"
replicas=$(H get values one -n "$RUN_NS" -a -o json | jq -r .replicas)
[ "$replicas" = 2 ] || fail "run B: release one has replicas=$replicas, expected revision 1's 2"
H history one -n "$RUN_NS" -o json | jq -e 'map(.description) | any(test("Rollback to 1"))' >/dev/null ||
  fail "run B: helm history of one shows no rollback to revision 1: $(H history one -n "$RUN_NS")"
pass "run B: release one is back at revision 1's values (helm history: Rollback to 1)"
for r in two three; do
  ! H status "$r" -n "$RUN_NS" >/dev/null 2>&1 || fail "run B: release $r still exists"
done
pass "run B: releases two and three are gone"
K get namespace "$RUN_NS" >/dev/null 2>&1 || fail "run B: namespace $RUN_NS existed before and must stay"
pass "run B: the namespace that existed before stays"
jq -s -e '[.[] | select(.type | test("^(rollback|effect)\\."))] as $r
  | ($r | map(.type)) == ["rollback.started", "effect.compensated", "effect.compensated",
                         "effect.compensated", "rollback.finished"]
  and $r[0].data.effects == 3 and ($r[1:4] | map(.data.restored) | all)
  and ($r[1:4] | map(.data.target | split("/") | last)) == ["three", "two", "one"]
  and $r[4].data.complete == true' "$WORK/events.ndjson" >/dev/null ||
  fail "run B: the events do not tell the rollback: $(grep -E '"(rollback|effect)\.' "$WORK/events.ndjson")"
pass "run B: --events tells the rollback (started, three effects newest first, finished complete)"

# A successful run is committed: recover finds nothing to undo.
pipeline C.ferry "Two=$(deploy two)"
run_ferry C.ferry
[ "$code" = 0 ] || { cat "$WORK/out" >&2; fail "run C: exit $code, expected 0"; }
(cd "$ws" && "$FERRY" recover --env test) >"$WORK/recover" 2>&1 || {
  cat "$WORK/recover" >&2
  fail "ferry recover after a committed run failed"
}
H status two -n "$RUN_NS" >/dev/null 2>&1 || fail "run C: release two was undone after a successful run"
pass "a successful run is committed: ferry recover leaves release two in place"

# A crash: ferry is killed (SIGKILL) after deploying release `four`, while a later step runs.
# The next run refuses to start over the unfinished journal; `ferry recover` undoes the release.
pipeline D.ferry "Four=$(deploy four)" "Hang=sh 'echo \$\$ > hang.pid; exec sleep 120'"
(cd "$ws" && exec "$FERRY" run -f D.ferry --env test --no-color) >"$WORK/out" 2>&1 &
ferry_pid=$!
for _ in $(seq 120); do
  [ -s "$ws/hang.pid" ] && break
  sleep 0.5
done
[ -s "$ws/hang.pid" ] || { cat "$WORK/out" >&2; fail "run D never reached its hanging step"; }
kill -KILL "$ferry_pid" "$(cat "$ws/hang.pid")"
wait "$ferry_pid" 2>/dev/null || true
H status four -n "$RUN_NS" >/dev/null 2>&1 || fail "run D: release four was not deployed before the crash"
run_ferry C.ferry
[ "$code" = 2 ] || { cat "$WORK/out" >&2; fail "after the crash: ferry run exit $code, expected 2"; }
grep -q "ferry recover --env test" "$WORK/out" || { cat "$WORK/out" >&2; fail "after the crash: the refusal does not say to run ferry recover"; }
pass "after a crash, ferry run refuses to start (exit 2) and says to run ferry recover"
(cd "$ws" && "$FERRY" recover --env test) >"$WORK/recover" 2>&1 || {
  cat "$WORK/recover" >&2
  fail "ferry recover after the crash failed"
}
! H status four -n "$RUN_NS" >/dev/null 2>&1 || fail "ferry recover left release four of the crashed run"
H status two -n "$RUN_NS" >/dev/null 2>&1 || fail "ferry recover undid release two of a committed run"
pass "ferry recover undoes what the crashed run changed (release four), nothing else"
run_ferry C.ferry
[ "$code" = 0 ] || { cat "$WORK/out" >&2; fail "after recover: ferry run exit $code, expected 0"; }
pass "after recover, ferry run runs again"
echo "run_rollback: $CHECKS checks passed"
