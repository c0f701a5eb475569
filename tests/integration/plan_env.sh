#!/usr/bin/env bash
# Issue 4 acceptance against the test environment with `ferry plan`: the real registry digest
# of an existing tag and the real helm revision of an existing release; a plan changes nothing
# (registry catalogue and tags, releases, namespaces, .ferry/); after the namespace is deleted
# the plan creates it, or fails where the environment forbids that; --offline with no server
# at all; no credential value (nor its base64) in any output.
#   plan_env.sh <env-file> <ferry_probe_tool> <ferry>
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
FERRY=${3:?usage: plan_env.sh <env-file> <ferry_probe_tool> <ferry>}
[ -x "$FERRY" ] || fail "$FERRY is not built (cmake --build <build> --target ferry)"
FERRY=$(cd "$(dirname "$FERRY")" && pwd)/$(basename "$FERRY")
. "$IT_DIR/plan/setup.sh"

# plan NAME ARGS...: `ferry plan` in the workspace; output in $WORK/NAME.{out,err}, status in $rc.
plan() {
  local name=$1
  shift
  rc=0
  (cd "$WS" && "$FERRY" plan --no-color "$@") >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
}
show() { cat "$WORK/$1.out" "$WORK/$1.err" >&2; }

digest=$(push_tag 1.0)
[ -n "$digest" ] || fail "no digest for the pushed tag"
H install demo "$WS/chart" -n "$PLAN_NS" --create-namespace --set image="$FERRY_TEST_BASE_IMAGE" >/dev/null ||
  fail "helm install"
H upgrade demo "$WS/chart" -n "$PLAN_NS" --set image="$FERRY_TEST_BASE_IMAGE" --set replicas=1 >/dev/null ||
  fail "helm upgrade"
pass "set up: $PLAN_IMAGE:1.0 = $digest, release demo at revision 2"

# State from an earlier successful run (build 41 at the fixture's first commit), then a change.
first=$(git -C "$WS" rev-parse HEAD)
echo "# changed" >>"$WS/chart/values.yaml"
git -C "$WS" -c user.name=ferry-it -c user.email=it@ferry.invalid -c commit.gpgsign=false \
  commit -q -am "change the chart"
mkdir -p "$WS/.ferry/builds"
printf '{\n  "format_version": 1,\n  "pipeline": "ws",\n  "environment": "test",\n  "build_counter": 41,\n  "last_success": { "commit": "%s", "build_number": 41 }\n}\n' \
  "$first" >"$WS/.ferry/builds/ws@test.json"

snapshot "$WORK/before"
mark=$(registry_log_mark)
plan text --env test
[ "$rc" = 0 ] || { show text; fail "ferry plan --env test failed ($rc)"; }
grep -F "$PLAN_IMAGE:1.0" "$WORK/text.out" | grep -qF "$digest" ||
  { show text; fail "the text plan does not show the tag's registry digest"; }
pass "text plan shows the real digest of $PLAN_IMAGE:1.0"
grep -F "release $FERRY_TEST_KUBE_CONTEXT/$PLAN_NS/demo" "$WORK/text.out" | grep -q "revision 2 -> revision 3" ||
  { show text; fail "the text plan does not show helm's revision 2"; }
pass "text plan shows helm's revision 2 of release demo"

plan json --env test --format json --out "$WORK/saved-plan.json"
[ "$rc" = 0 ] || { show json; fail "ferry plan --format json failed ($rc)"; }
jq -e --arg d "$digest" --arg t "$PLAN_IMAGE:1.0" \
  '[.steps[].effects[] | select(.kind == "tag" and .target == $t and .before == $d)] | length == 1' \
  "$WORK/json.out" >/dev/null || { show json; fail "the JSON plan's tag effect is not the registry digest"; }
jq -e '[.steps[].effects[] | select(.kind == "release" and .before == "revision 2")] | length == 1' \
  "$WORK/json.out" >/dev/null || { show json; fail "the JSON plan's release effect is not revision 2"; }
jq -e --arg d "$digest" '.observations.tags[0].digest == $d and .observations.releases[0].revision == 2' \
  "$WORK/json.out" >/dev/null || { show json; fail "the JSON plan's observations differ"; }
[ -s "$WORK/saved-plan.json" ] || fail "--out wrote nothing"
pass "JSON plan (and --out) carry the digest and revision 2 as effects and observations"
jq -e '.build_number == 42 and .observations.git.changed_files == ["chart/values.yaml"] and .observations.git.changelog == ["change the chart"]' \
  "$WORK/json.out" >/dev/null || { show json; fail "build number and changes since the last success are not read from .ferry/"; }
pass "build 42 and the files changed since the last successful run come from .ferry/"

plan bypassword --env bypassword --format json
[ "$rc" = 0 ] || { show bypassword; fail "ferry plan --env bypassword failed ($rc)"; }
jq -e --arg d "$digest" '.observations.tags[0].digest == $d' "$WORK/bypassword.out" >/dev/null ||
  { show bypassword; fail "with a usernamePassword credential the digest is not seen"; }
pass "a usernamePassword credential (passwordFile) also logs in and sees the digest"

plan detailed --env test --detailed-exitcode
[ "$rc" = 2 ] || { show detailed; fail "--detailed-exitcode gave $rc for a plan with changes, not 2"; }
pass "--detailed-exitcode: 2 for a plan with changes"

snapshot "$WORK/after"
diff -u "$WORK/before" "$WORK/after" >&2 || fail "ferry plan changed registry, releases, namespaces or .ferry/"
[ -z "$(registry_writes_since "$mark")" ] || { registry_writes_since "$mark" >&2; fail "the registry saw a write"; }
pass "a plan changes nothing: registry catalogue and tags, helm releases, namespaces, .ferry/"

# The namespace deleted: `test` (createNamespace: true) creates it, `locked` refuses.
H uninstall demo -n "$PLAN_NS" --wait --timeout 60s >/dev/null || fail "helm uninstall"
K delete namespace "$PLAN_NS" --wait --timeout=90s >/dev/null || fail "namespace deletion did not finish"
plan deleted --env test --format json
[ "$rc" = 0 ] || { show deleted; fail "planning a missing namespace failed ($rc)"; }
jq -e --arg ns "$FERRY_TEST_KUBE_CONTEXT/$PLAN_NS" \
  '[.steps[].effects[] | select(.kind == "namespace" and .target == $ns and .before == "absent" and .after == "created")] | length == 1' \
  "$WORK/deleted.out" >/dev/null || { show deleted; fail "the plan does not create the deleted namespace"; }
plan deleted-text --env test
grep -q "namespace $FERRY_TEST_KUBE_CONTEXT/$PLAN_NS: absent -> created" "$WORK/deleted-text.out" ||
  { show deleted-text; fail "the text plan does not say the namespace will be created"; }
pass "after the namespace is deleted the plan says it will be created"
plan locked --env locked
[ "$rc" = 1 ] || { show locked; fail "a plan into a missing namespace with createNamespace: false gave $rc, not 1"; }
grep -q "may not create it" "$WORK/locked.err" || { show locked; fail "the refusal does not say why"; }
grep -q "error\[E0704\]" "$WORK/locked.err" || { show locked; fail "the refusal is not E0704"; }
pass "with createNamespace: false the plan fails and says why"
K get namespace "$PLAN_NS" >/dev/null 2>&1 && fail "planning created the namespace"
pass "planning did not create the namespace"

# No server at all: the registry and the cluster are closed ports.
printf 'apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster: { server: "https://127.0.0.1:1" }\ncontexts:\n- name: %s\n  context: { cluster: gone, user: nobody }\nusers:\n- name: nobody\n  user: {}\n' \
  "$FERRY_TEST_KUBE_CONTEXT" >"$WORK/dead-kubeconfig"
cp "$WS/ferry.yaml" "$WORK/live-ferry.yaml"
write_config "$WS/ferry.yaml" "127.0.0.1:1" "$WORK/dead-kubeconfig"
start=$(date +%s%N)
plan offline --env test --offline --format json
ms=$((($(date +%s%N) - start) / 1000000))
[ "$rc" = 0 ] || { show offline; fail "--offline planning with no server failed ($rc)"; }
jq -e '.observations.offline and ([.observations.tags[], .observations.namespaces[], .observations.releases[]] | all(.known == "unknown" and .reason == "not probed: --offline"))' \
  "$WORK/offline.out" >/dev/null || { show offline; fail "offline observations are not unknown"; }
pass "--offline planning works with no server at all (${ms} ms)"
plan offline-text --env test --offline
[ "$rc" = 0 ] || { show offline-text; fail "--offline text plan failed ($rc)"; }
cp "$WORK/live-ferry.yaml" "$WS/ferry.yaml"

# Secrets: the registry password, its base64 and base64(user:password) are in no output.
no_secret "$WORK"/*.out "$WORK"/*.err "$WORK/saved-plan.json"
pass "no credential value nor its base64 form in any plan output (text, JSON, stderr, --out)"
done_checks
