#!/usr/bin/env bash
# Issue 4, observations: runtime::probe() (through ferry_probe_tool) against the real servers
# shows a tag's registry digest and a release's helm revision, sees a deleted namespace as
# absent, changes nothing (registry, releases, namespaces, .ferry/), works offline with no server
# at all, and never prints the registry password.
#   plan_probe.sh <env-file> <ferry_probe_tool> [<ferry>]
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
PROBE=${2:?usage: plan_probe.sh <env-file> <ferry_probe_tool>}
[ -x "$PROBE" ] || fail "$PROBE is not built (cmake --build <build> --target ferry_probe_tool)"
. "$IT_DIR/plan/setup.sh"

probe() { "$PROBE" --config "$WS/ferry.yaml" --workspace "$WS" --pipeline plan-it "$@"; }

digest=$(push_tag 1.0)
[ -n "$digest" ] || fail "no digest for the pushed tag"
pass "pushed $PLAN_IMAGE:1.0 ($digest)"
H install demo "$WS/chart" -n "$PLAN_NS" --create-namespace --set image="$FERRY_TEST_BASE_IMAGE" >/dev/null ||
  fail "helm install"
H upgrade demo "$WS/chart" -n "$PLAN_NS" --set image="$FERRY_TEST_BASE_IMAGE" --set replicas=1 >/dev/null ||
  fail "helm upgrade"
pass "release demo at revision 2 in $PLAN_NS"

snapshot "$WORK/before"
mark=$(registry_log_mark)
start=$(date +%s%N)
probe --env test --tag "$PLAN_IMAGE:1.0" --tag "$PLAN_IMAGE:absent" \
  --namespace "$PLAN_NS" --namespace "$PLAN_NS-never" --release "$PLAN_NS/demo" \
  --release "$PLAN_NS/nothing" >"$WORK/online.json" 2>"$WORK/online.err" ||
  { cat "$WORK/online.err" >&2; fail "probe failed"; }
note "online probe took $((($(date +%s%N) - start) / 1000000)) ms"
O() { jq -r "$1" "$WORK/online.json"; }
[ "$(O '.tags[0].digest')" = "$digest" ] || { cat "$WORK/online.json" >&2; fail "tag digest is not the registry's"; }
pass "the probe sees the tag's real digest"
[ "$(O '.tags[1].known')/$(O '.tags[1].digest')" = "yes/" ] || fail "an absent tag is not a known absence"
pass "an absent tag is known to be absent"
[ "$(O '.releases[0].revision')/$(O '.releases[0].status')/$(O '.releases[0].chart')" = 2/deployed/demo-0.1.0 ] ||
  { cat "$WORK/online.json" >&2; fail "release revision is not helm's"; }
pass "the probe sees helm's revision 2, deployed, demo-0.1.0"
[ "$(O '.releases[1].known')/$(O '.releases[1].revision')" = yes/0 ] || fail "a missing release is not a known absence"
[ "$(O '.namespaces[0].exists')/$(O '.namespaces[1].known')/$(O '.namespaces[1].exists')" = true/yes/false ] ||
  fail "namespace existence is wrong"
pass "namespace present and absent are both known"
[ "$(O '.git.known')/$(O '.git.commit')" = "yes/$(git -C "$WS" rev-parse HEAD)" ] || fail "git commit is not HEAD"
[ "$(O '.build_number')" = 1 ] || fail "build number is not 1 without state"
pass "git HEAD and build number 1"

snapshot "$WORK/after"
diff -u "$WORK/before" "$WORK/after" >&2 || fail "probing changed registry, releases, namespaces or .ferry/"
[ -z "$(registry_writes_since "$mark")" ] || { registry_writes_since "$mark" >&2; fail "the registry saw a write"; }
pass "probing changed nothing (registry catalogue and tags, releases, namespaces, .ferry/)"
no_secret "$WORK/online.json" "$WORK/online.err"
pass "no credential in the probe's output"

# After the namespace is deleted, the probe sees it absent (and its release gone with it).
H uninstall demo -n "$PLAN_NS" --wait --timeout 60s >/dev/null || fail "helm uninstall"
K delete namespace "$PLAN_NS" --wait --timeout=90s >/dev/null || fail "namespace deletion did not finish"
probe --env test --namespace "$PLAN_NS" --release "$PLAN_NS/demo" >"$WORK/deleted.json" || fail "probe failed"
[ "$(jq -r '.namespaces[0].known + "/" + (.namespaces[0].exists | tostring)' "$WORK/deleted.json")" = yes/false ] ||
  { cat "$WORK/deleted.json" >&2; fail "a deleted namespace is not seen as absent"; }
[ "$(jq -r '.releases[0].known + "/" + (.releases[0].revision | tostring)' "$WORK/deleted.json")" = yes/0 ] ||
  fail "the release of a deleted namespace is not seen as absent"
pass "after deletion the namespace and its release are absent"

# No server at all: a ferry.yaml whose registry and cluster are closed ports.
printf 'apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster: { server: "https://127.0.0.1:1" }\ncontexts:\n- name: %s\n  context: { cluster: gone, user: nobody }\nusers:\n- name: nobody\n  user: {}\ncurrent-context: %s\n' \
  "$FERRY_TEST_KUBE_CONTEXT" "$FERRY_TEST_KUBE_CONTEXT" >"$WORK/dead-kubeconfig"
write_config "$WS/ferry.yaml" "127.0.0.1:1" "$WORK/dead-kubeconfig"
start=$(date +%s%N)
probe --env test --offline --tag "127.0.0.1:1/$PLAN_PREFIX/web:1.0" --namespace "$PLAN_NS" \
  --release "$PLAN_NS/demo" >"$WORK/offline.json" || fail "offline probe failed"
note "offline probe took $((($(date +%s%N) - start) / 1000000)) ms"
[ "$(jq -r '[.tags[], .namespaces[], .releases[]] | map(.reason) | unique | join(",")' "$WORK/offline.json")" = "not probed: --offline" ] ||
  { cat "$WORK/offline.json" >&2; fail "offline observations are not 'not probed: --offline'"; }
[ "$(jq -r .git.known "$WORK/offline.json")" = yes ] || fail "offline probing lost git"
pass "--offline works with no server at all; network facts are unknown, git is known"
probe --env test --tag "127.0.0.1:1/$PLAN_PREFIX/web:1.0" --namespace "$PLAN_NS" \
  >"$WORK/dead.json" || fail "probing dead servers crashed"
jq -r '.tags[0].reason' "$WORK/dead.json" | grep -q "registry 127.0.0.1:1" ||
  { cat "$WORK/dead.json" >&2; fail "a dead registry's reason does not name it"; }
[ "$(jq -r '.namespaces[0].known' "$WORK/dead.json")" = unknown ] || fail "a dead cluster is not unknown"
pass "dead servers are unknown with reasons, not errors"
done_checks
