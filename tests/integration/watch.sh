#!/usr/bin/env bash
# `ferry watch` against the test environment's git servers (issue 8 point 2, scenario S1 of
# kiamol-ch11.md), with a pipeline of `sh` steps so that it is fast:
#   - a commit touching the watched path runs once, BUILD_NUMBER=1, in the watch workspace at
#     that commit; a commit touching only docs/ is not built (and the log says why); a push
#     to another branch is not built;
#   - a restart keeps the build number (the next run is 2) and never rebuilds a built commit;
#   - two commits pushed during a run coalesce: one run, of the newer;
#   - http(s) with basic auth (user:password in the URL): the password is in no output;
#     a wrong one is refused with the server's answer;
#   - SIGTERM during a run aborts it as ferry run does, and the watch exits;
#   - the latency from a push to the start of its run is printed (goal: interval + 1 s).
#   tests/integration/watch.sh ENV_FILE BUILD/ferry
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
FERRY=${2:-}
[ -n "$FERRY" ] && [ -x "$FERRY" ] || fail "usage: $0 <env-file> <ferry> (build the ferry and ferry-engine targets)"
require_vars KUBECONFIG FERRY_TEST_KUBE_CONTEXT FERRY_TEST_GIT FERRY_TEST_GIT_HTTP FERRY_TEST_GIT_HTTP_USER \
  FERRY_TEST_GIT_HTTP_PASSWORD_FILE FERRY_TEST_GIT_ROOT
require_tool git "Install it: apt-get install git (or scripts/install-deps)."

export HOME="$WORK/home" GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0 GIT_ASKPASS=/bin/false
mkdir -p "$HOME"
git config --global user.name "ferry test"
git config --global user.email "test@ferry.invalid"
git config --global init.defaultBranch main
unset BUILD_NUMBER BRANCH_NAME GIT_BRANCH GITHUB_REF_NAME CI_COMMIT_REF_NAME CI GITHUB_ACTIONS GITLAB_CI JENKINS_URL

INTERVAL=0.5
repo=watch-$$-$RANDOM
git init -q --bare --initial-branch=main "$FERRY_TEST_GIT_ROOT/$repo.git"
REMOTE=$FERRY_TEST_GIT/$repo.git
RUNS=$WORK/runs.log
GATE=$WORK/gate
: >"$RUNS"

# The repository: a pipeline that appends "BUILD_NUMBER GIT_COMMIT PWD" to $RUNS, and waits
# for $GATE when the commit holds a file named `slow`.
src=$WORK/src
mkdir -p "$src/app" "$src/docs"
cat >"$src/ferry.yaml" <<'YAML'
clusters:
  lab: { kubeconfig: "${KUBECONFIG}", context: "${FERRY_TEST_KUBE_CONTEXT}" }
environments:
  test:
    cluster: lab
    namespace: watch
YAML
cat >"$src/Jenkinsfile" <<JF
pipeline {
    agent any
    triggers { pollSCM('H/5 * * * *') }
    stages {
        stage('Record') {
            steps {
                sh 'echo "\$BUILD_NUMBER \$GIT_COMMIT \$PWD" >> $RUNS'
                sh 'if [ -e slow ]; then i=0; while [ ! -e $GATE ] && [ \$i -lt 600 ]; do sleep 0.1; i=\$((i+1)); done; fi'
            }
        }
    }
}
JF
echo v1 >"$src/app/server.js"
echo hi >"$src/docs/README.md"
git -C "$src" init -q
commit() { # commit MESSAGE: commit everything, print the SHA
  git -C "$src" add -A && git -C "$src" commit -q -m "$1" && git -C "$src" rev-parse HEAD
}
push() { git -C "$src" push -q "$REMOTE" "${1:-HEAD:refs/heads/main}"; }

site=$WORK/site
mkdir -p "$site"
WS=$site/.ferry/watch/$repo
WPID=
start_watch() { # start_watch LOG ARGS...: ferry watch in the background
  local log=$1
  shift
  (cd "$site" && exec "$FERRY" watch "$REMOTE" --branch main --path 'app/**' --interval "$INTERVAL" \
    --env test --offline --no-color "$@") >"$log" 2>&1 &
  WPID=$!
}
stop_watch() {
  [ -n "$WPID" ] || return 0
  kill -TERM "$WPID" 2>/dev/null || true
  local rc=0
  wait "$WPID" || rc=$?
  WPID=
  return $rc
}
trap 'stop_watch >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
wait_for() { # wait_for LOG PATTERN [SECONDS]: until LOG has a line matching PATTERN
  local i
  for i in $(seq $((${3:-30} * 20))); do
    grep -Eq "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  cat "$1" >&2
  fail "no line matching '$2' in $1 within ${3:-30} s"
}
runs() { wc -l <"$RUNS" | tr -d ' '; }
short() { printf '%s' "${1:0:7}"; }

# --- A: a commit touching app/ runs once, as run 1, in the workspace at that commit --------
A=$(commit "app v1")
push
start_watch "$WORK/w1.log"
wait_for "$WORK/w1.log" "run #1 of $(short "$A") finished: SUCCESS"
[ "$(runs)" = 1 ] || fail "expected one run, got: $(cat "$RUNS")"
read -r n c d <"$RUNS"
[ "$n $c" = "1 $A" ] || fail "run 1 should be BUILD_NUMBER=1 at $A, got '$n $c'"
[ "$d" = "$WS" ] || fail "steps should run in the watch workspace $WS, ran in $d"
[ "$(git -C "$WS" rev-parse HEAD)" = "$A" ] || fail "the workspace is not at $A"
grep -q "new commit $(short "$A") on main: run #1" "$WORK/w1.log" || fail "no poll decision line for A"
pass "S1: a push touching app/ runs once: BUILD_NUMBER=1 at A, in the watch workspace"
grep -q "polling every 0.5 s (--interval)" "$WORK/w1.log" || fail "the interval is not said"

# --- a commit touching only docs/ is not built, and the log says why ---------------------
echo more >>"$src/docs/README.md"
D=$(commit "docs only")
push
wait_for "$WORK/w1.log" "commit $(short "$D") on main touches no path matching app/\*\* .*: not built"
pass "S1: a commit touching only docs/ is not built, saying why"

# --- a push to another branch is not built ------------------------------------------------
git -C "$src" checkout -q -b feature
echo feature >"$src/app/feature.js"
F=$(commit "feature work")
push HEAD:refs/heads/feature
git -C "$src" checkout -q main
sleep 2
[ "$(runs)" = 1 ] || fail "a push to branch feature ran the pipeline: $(cat "$RUNS")"
! grep -q "$(short "$F")" "$WORK/w1.log" || fail "the watch reported the feature branch's commit"
pass "S1: a push to another branch is not built"

# --- restart: the build number continues, built commits are not built again ---------------
stop_watch || fail "ferry watch did not exit 0 on SIGTERM between runs: $(cat "$WORK/w1.log")"
grep -q "stopped: " "$WORK/w1.log" || fail "the watch did not say it stopped"
pass "SIGTERM between runs: the watch stops and exits 0"
echo v2 >"$src/app/server.js"
B=$(commit "app v2")
push
start_watch "$WORK/w2.log"
wait_for "$WORK/w2.log" "run #2 of $(short "$B") finished: SUCCESS"
[ "$(runs)" = 2 ] && [ "$(sed -n 2p "$RUNS" | cut -d' ' -f1-2)" = "2 $B" ] ||
  fail "after a restart the next run should be 2 at B: $(cat "$RUNS")"
pass "S1: after a restart the next run is BUILD_NUMBER=2"
stop_watch || fail "ferry watch did not exit 0 on SIGTERM"
start_watch "$WORK/w3.log"
wait_for "$WORK/w3.log" "commit $(short "$B") on main: already built \(run #2, SUCCESS\): not built again"
sleep 1
[ "$(runs)" = 2 ] || fail "a restart rebuilt a built commit: $(cat "$RUNS")"
pass "S1: a restart does not rebuild a built commit"

# --- two commits pushed during a run coalesce to one run of the newer ---------------------
touch "$src/slow"
echo v3 >"$src/app/server.js"
S=$(commit "slow app change")
push
wait_for "$WORK/w3.log" "new commit $(short "$S") on main: run #3"
rm "$src/slow"
echo v4 >"$src/app/server.js"
C1=$(commit "c1")
push
echo v5 >"$src/app/server.js"
C2=$(commit "c2")
push
wait_for "$WORK/w3.log" "new commit $(short "$C2") on main(: queued| replaces)"
touch "$GATE"
wait_for "$WORK/w3.log" "run #4 of $(short "$C2") finished: SUCCESS"
sleep 1
[ "$(runs)" = 4 ] || fail "expected runs 3 (S) and 4 (C2) only: $(cat "$RUNS")"
[ "$(sed -n 3p "$RUNS" | cut -d' ' -f1-2)" = "3 $S" ] && [ "$(sed -n 4p "$RUNS" | cut -d' ' -f1-2)" = "4 $C2" ] ||
  fail "expected run 3 at S and run 4 at C2: $(cat "$RUNS")"
! grep -q "$C1" "$RUNS" || fail "the older queued commit C1 was built"
pass "two commits pushed during a run coalesce: one run, of the newer"

# --- latency from a push to the start of its run -------------------------------------------
lat_total=0
for k in 1 2 3; do
  echo "lat$k" >"$src/app/server.js"
  L=$(commit "latency $k")
  t0=$(date +%s%N)
  push
  wait_for "$WORK/w3.log" "new commit $(short "$L") on main: run #"
  t1=$(date +%s%N)
  wait_for "$WORK/w3.log" "of $(short "$L") finished: SUCCESS"
  ms=$(((t1 - t0) / 1000000))
  lat_total=$((lat_total + ms))
  note "latency push -> run start: ${ms} ms (interval ${INTERVAL} s)"
done
note "mean latency push -> run start over 3 pushes: $((lat_total / 3)) ms (interval ${INTERVAL} s)"
stop_watch || fail "ferry watch did not exit 0 on SIGTERM"
pass "latency measured"

# --- the state survives: the watch's record names every commit built --------------------
state=$(ls "$WS"/.ferry/watch/*.json)
grep -q "\"format\": 1" "$state" || fail "the watch state has no format version"
for sha in "$A" "$B" "$S" "$C2"; do grep -q "$sha" "$state" || fail "$sha not in $state"; done
! grep -q "$C1" "$state" || fail "C1 is in the state although never built"
pass "the watch state records the built commits"

# --- SIGTERM during a run: ABORTED, and the watch exits -----------------------------------
rm -f "$GATE"
touch "$src/slow"
echo v6 >"$src/app/server.js"
T=$(commit "slow, to be aborted")
push
start_watch "$WORK/w4.log"
wait_for "$WORK/w4.log" "new commit $(short "$T") on main: run #"
sleep 0.5
rc=0
stop_watch || rc=$?
[ "$rc" != 0 ] || fail "an aborted run should give a non-zero exit code: $(cat "$WORK/w4.log")"
grep -q "finished: ABORTED" "$WORK/w4.log" || fail "the run was not reported ABORTED: $(cat "$WORK/w4.log")"
pass "SIGTERM during a run aborts it (exit $rc) and the watch stops"
start_watch "$WORK/w5.log" --once
wait "$WPID" || fail "--once over a built head should exit 0: $(cat "$WORK/w5.log")"
WPID=
grep -q "commit $(short "$T") on main: already built (run #[0-9]*, ABORTED)" "$WORK/w5.log" ||
  fail "the aborted commit should count as built: $(cat "$WORK/w5.log")"
pass "an aborted commit is not built again"
rm "$src/slow"

# --- http with basic auth in the URL; the password shows nowhere ----------------------------
PASS=$(cat "$FERRY_TEST_GIT_HTTP_PASSWORD_FILE")
HOSTPORT=${FERRY_TEST_GIT_HTTP#http://}
: >"$RUNS"
(cd "$site" && "$FERRY" watch "http://$FERRY_TEST_GIT_HTTP_USER:$PASS@$HOSTPORT/$repo.git" --branch main \
  --workspace "$WORK/ws-http" --once --env test --offline --no-color) >"$WORK/http.log" 2>&1 ||
  { cat "$WORK/http.log" >&2; fail "ferry watch --once over http with basic auth failed"; }
head_sha=$(git -C "$src" rev-parse HEAD)
grep -q "run #1 of $(short "$head_sha") finished: SUCCESS" "$WORK/http.log" || fail "no run over http: $(cat "$WORK/http.log")"
! grep -rqF "$PASS" "$WORK/http.log" "$WORK/ws-http/.ferry" "$WORK/ws-http/.git/config" ||
  fail "the http password appears in the output or the workspace state"
pass "http with basic auth: one run at the head, the password in no output or state"
rc=0
(cd "$site" && "$FERRY" watch "http://$FERRY_TEST_GIT_HTTP_USER:wrong@$HOSTPORT/$repo.git" --branch main \
  --workspace "$WORK/ws-wrong" --once --env test --offline) >"$WORK/wrong.log" 2>&1 || rc=$?
[ "$rc" = 6 ] || fail "a refused password should exit 6, got $rc: $(cat "$WORK/wrong.log")"
grep -qi "cannot list the refs of http://$HOSTPORT/$repo.git" "$WORK/wrong.log" || fail "the refusal does not name the remote: $(cat "$WORK/wrong.log")"
! grep -q wrong@ "$WORK/wrong.log" || fail "the URL's credentials are shown"
pass "a wrong password is refused with exit 6, naming the remote without credentials"
done_checks
