# shellcheck shell=bash
# Helpers shared by registry_push.sh, push_faults.sh, image_build.sh and image_cache.sh (sourced
# after lib.sh and load_env):
# the fault proxy in front of the testenv registry, request counting, and registry checks with
# skopeo (a tool ferry did not write).

PUSH_TOOL=${PUSH_TOOL:-}
[ -n "$PUSH_TOOL" ] && [ -x "$PUSH_TOOL" ] ||
  fail "usage: $0 <env file> <ferry_push_tool>: build it with cmake --build <dir> --target ferry_push_tool"
require_tool python3 "Install it: apt-get install python3."
require_tool skopeo "Install it: apt-get install skopeo."
require_vars FERRY_TEST_REGISTRY FERRY_TEST_REGISTRY_CA FERRY_TEST_REGISTRY_USER FERRY_TEST_REGISTRY_PASSWORD_FILE

REG_USER=$FERRY_TEST_REGISTRY_USER
REG_PASS_FILE=$FERRY_TEST_REGISTRY_PASSWORD_FILE
CERTS="$WORK/certs"
mkdir -p "$CERTS"
cp "$FERRY_TEST_REGISTRY_CA" "$CERTS/ca.crt"
PROXY_PID=
PROXY=
PROXY_LOG="$WORK/proxy.ndjson"
PROXY_RULES="$WORK/rules.json"
echo '[]' >"$PROXY_RULES"

stop_proxy() { [ -z "$PROXY_PID" ] || kill "$PROXY_PID" 2>/dev/null || true; }
trap 'stop_proxy; rm -rf "$WORK"' EXIT

# start_proxy: the fault proxy on a free port, terminating TLS with the registry's own
# certificate (so ferry verifies it with the testenv CA as usual).
start_proxy() {
  python3 "$IT_DIR/fault_proxy.py" --upstream "https://$FERRY_TEST_REGISTRY" \
    --ca "$FERRY_TEST_REGISTRY_CA" --cert "$FERRY_TESTENV_DIR/registry/server.crt" \
    --key "$FERRY_TESTENV_DIR/registry/server.key" --port-file "$WORK/proxy.port" \
    --log "$PROXY_LOG" --rules "$PROXY_RULES" 2>"$WORK/proxy.err" &
  PROXY_PID=$!
  for _ in $(seq 100); do [ -s "$WORK/proxy.port" ] && break; sleep 0.05; done
  [ -s "$WORK/proxy.port" ] || { cat "$WORK/proxy.err" >&2; fail "the fault proxy did not start"; }
  PROXY="127.0.0.1:$(cat "$WORK/proxy.port")"
}

# rules JSON: the proxy re-reads it on its next request.
rules() { printf '%s\n' "$1" >"$PROXY_RULES.tmp" && mv "$PROXY_RULES.tmp" "$PROXY_RULES"; sleep 0.01; }

# mark: the proxy log's current length; count_since MARK METHOD PATH-REGEX
mark() { [ -f "$PROXY_LOG" ] && wc -l <"$PROXY_LOG" || echo 0; }
count_since() {
  tail -n +"$(($1 + 1))" "$PROXY_LOG" 2>/dev/null |
    jq -c --arg m "$2" --arg p "$3" 'select(.method == $m and (.path | test($p)))' | wc -l
}

# push_via HOST REPO TAGS... -- extra tool args: runs ferry_push_tool push; output in $WORK/push.json
push_via() {
  local host=$1 repo=$2
  shift 2
  local args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do args+=(--tag "$1"); shift; done
  [ $# -gt 0 ] && shift
  "$PUSH_TOOL" push --store "$STORE" --layout "$LAYOUT" --ref "${LAYOUT_REF:-latest}" \
    --server "$host" --repository "$repo" --ca "$FERRY_TEST_REGISTRY_CA" \
    --user "$REG_USER" --password-file "${PASS_FILE:-$REG_PASS_FILE}" "${args[@]}" "$@" \
    >"$WORK/push.json" 2>"$WORK/push.err"
}

# registry_digest REPO:TAG: the digest the real registry (not the proxy) has under the tag, or
# empty when the tag does not exist.
registry_digest() {
  skopeo inspect --raw --cert-dir "$CERTS" --creds "$REG_USER:$(cat "$REG_PASS_FILE")" \
    "docker://$FERRY_TEST_REGISTRY/$1" 2>/dev/null | sha256sum | awk '{print "sha256:" $1}' |
    grep -v "^sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855$" || true
}

# registry_ferry_yaml FILE SERVER PREFIX PASSWORD-FILE: a ferry.yaml whose environment `test`
# pushes to SERVER (the registry or the proxy in front of it) under PREFIX with the testenv's
# user and that password file; the namespace is PREFIX.
registry_ferry_yaml() {
  cat >"$1" <<YAML
version: 1
registries:
  test:
    server: $2
    prefix: $3
    credentials: registry-password
    tls: { ca: $FERRY_TEST_REGISTRY_CA }
clusters:
  lab: { kubeconfig: $KUBECONFIG, context: $FERRY_TEST_KUBE_CONTEXT }
environments:
  test:
    cluster: lab
    namespace: $3
    registry: test
credentials:
  registry-password:
    type: usernamePassword
    username: $REG_USER
    passwordFile: $4
YAML
}
