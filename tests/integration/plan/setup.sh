# shellcheck shell=bash
# Shared set-up of the issue-4 tests (plan_*.sh), sourced after lib.sh and load_env:
# a git workspace with the Ferryfile and the demo chart, and a ferry.yaml generated from the
# FERRY_TEST_* variables. Names carry the PID so that tests may run side by side.
require_vars FERRY_TEST_REGISTRY FERRY_TEST_REGISTRY_CA FERRY_TEST_DOCKER_CONFIG KUBECONFIG \
  FERRY_TEST_KUBE_CONTEXT KUBECTL HELM FERRY_TEST_BASE_IMAGE FERRY_TEST_REGISTRY_USER \
  FERRY_TEST_REGISTRY_PASSWORD_FILE FERRY_TEST_REGISTRY_CERT_DIR
require_tool git "Install it: apt-get install git (or scripts/install-deps)."
require_tool skopeo "Install it: apt-get install skopeo (or scripts/install-deps)."

PLAN_ID=it-plan-$$                        # namespace and registry prefix of this test
PLAN_NS=$PLAN_ID
PLAN_PREFIX=$PLAN_ID
PLAN_IMAGE=$FERRY_TEST_REGISTRY/$PLAN_PREFIX/web
WS=$WORK/ws
K() { "$KUBECTL" --kubeconfig "$KUBECONFIG" --context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }
H() { "$HELM" --kubeconfig "$KUBECONFIG" --kube-context "$FERRY_TEST_KUBE_CONTEXT" "$@"; }

# write_config FILE REGISTRY KUBECONFIG: a ferry.yaml for the test environment (or another).
write_config() {
  cat >"$1" <<YAML
version: 1
registries:
  test:
    server: $2
    prefix: $PLAN_PREFIX
    credentials: registry-creds
    tls: { ca: $FERRY_TEST_REGISTRY_CA }
  bypassword:                       # the same registry, logged in from the password file
    server: $2
    prefix: $PLAN_PREFIX
    credentials: registry-password
    tls: { ca: $FERRY_TEST_REGISTRY_CA }
clusters:
  lab: { kubeconfig: $3, context: $FERRY_TEST_KUBE_CONTEXT }
environments:
  test:
    cluster: lab
    namespace: $PLAN_NS
    registry: test
    createNamespace: true
  locked:
    cluster: lab
    namespace: $PLAN_NS
    registry: test
    createNamespace: false
  bypassword:
    cluster: lab
    namespace: $PLAN_NS
    registry: bypassword
    createNamespace: true
credentials:
  registry-creds: { type: dockerconfig, file: $FERRY_TEST_DOCKER_CONFIG }
  registry-password:
    type: usernamePassword
    username: $FERRY_TEST_REGISTRY_USER
    passwordFile: $FERRY_TEST_REGISTRY_PASSWORD_FILE
YAML
}

mkdir -p "$WS"
cp "$IT_DIR/plan/Ferryfile" "$WS/Ferryfile"
cp -r "$IT_DIR/charts/demo" "$WS/chart"
write_config "$WS/ferry.yaml" "$FERRY_TEST_REGISTRY" "$KUBECONFIG"
git -C "$WS" -c init.defaultBranch=main init -q .
git -C "$WS" -c user.name=ferry-it -c user.email=it@ferry.invalid add -A
git -C "$WS" -c user.name=ferry-it -c user.email=it@ferry.invalid -c commit.gpgsign=false \
  commit -q -m "plan fixture"

PASSWORD=$(cat "$FERRY_TEST_REGISTRY_PASSWORD_FILE")
REG_CURL() { curl -fsS --cacert "$FERRY_TEST_REGISTRY_CA" -u "$FERRY_TEST_REGISTRY_USER:$PASSWORD" "$@"; }

# push_tag TAG: copies the base image to $PLAN_IMAGE:TAG; prints the manifest digest.
push_tag() {
  skopeo copy -q --dest-cert-dir "$FERRY_TEST_REGISTRY_CERT_DIR" --src-cert-dir "$FERRY_TEST_REGISTRY_CERT_DIR" \
    --authfile "$FERRY_TEST_DOCKER_CONFIG" "docker://$FERRY_TEST_BASE_IMAGE" "docker://$PLAN_IMAGE:$1" >&2
  REG_CURL -I -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "https://$FERRY_TEST_REGISTRY/v2/$PLAN_PREFIX/web/manifests/$1" |
    tr -d '\r' | awk -F': ' 'tolower($1) == "docker-content-digest" { print $2 }'
}

# snapshot FILE: everything a plan must not change: this test's repositories and their tags
# in the registry catalogue, its helm releases, its namespaces, and .ferry/ in the workspace.
snapshot() {
  {
    echo "# catalogue"
    REG_CURL "https://$FERRY_TEST_REGISTRY/v2/_catalog?n=1000" | jq -r '.repositories[]' |
      grep "^$PLAN_PREFIX/" | sort | while read -r repo; do
        echo "$repo: $(REG_CURL "https://$FERRY_TEST_REGISTRY/v2/$repo/tags/list" | jq -c '.tags | sort')"
      done
    echo "# releases"
    H list -A -a -o json | jq -c --arg ns "$PLAN_NS" \
      '[.[] | select(.namespace | startswith($ns)) | {name, namespace, revision, status, chart, updated}]'
    echo "# namespaces"
    K get namespaces -o name | grep "/$PLAN_ID" || true
    echo "# .ferry"
    if [ -d "$WS/.ferry" ]; then (cd "$WS" && find .ferry -exec stat -c '%n %s %Y' {} + | sort); fi
  } >"$1"
}

# registry_log_mark: the registry access log's length now; registry_writes_since MARK: lines
# after it that changed this test's repositories (anything but GET and HEAD).
registry_log_mark() { wc -l <"$FERRY_TESTENV_DIR/logs/registry.log"; }
registry_writes_since() {
  tail -n "+$(($1 + 1))" "$FERRY_TESTENV_DIR/logs/registry.log" |
    grep -E "\"(PUT|POST|PATCH|DELETE) /v2/$PLAN_PREFIX/" || true
}

# no_secret FILE...: neither the registry password nor its base64 forms are in the files.
no_secret() {
  local f form
  for f in "$@"; do
    for form in "$PASSWORD" "$(printf %s "$PASSWORD" | base64 -w0)" \
      "$(printf %s "$FERRY_TEST_REGISTRY_USER:$PASSWORD" | base64 -w0)"; do
      if grep -qF -- "$form" "$f"; then
        fail "$f contains the registry password (or its base64 form)"
      fi
    done
  done
}

cleanup_plan() {
  H uninstall demo -n "$PLAN_NS" --wait=false >/dev/null 2>&1 || true
  K delete namespace "$PLAN_NS" --wait=false >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup_plan EXIT
