#!/usr/bin/env bash
# Registry acceptance: TLS from the generated CA, htpasswd auth, the pushed base image.
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
require_vars FERRY_TEST_REGISTRY FERRY_TEST_REGISTRY_CA FERRY_TEST_DOCKER_CONFIG \
  FERRY_TEST_REGISTRY_USER FERRY_TEST_REGISTRY_PASSWORD_FILE FERRY_TEST_BASE_IMAGE
require_tool curl "Install it: apt-get install curl."
require_tool skopeo "Install it: apt-get install skopeo."

case $FERRY_TEST_REGISTRY in 127.0.0.1:*) pass "registry is on loopback ($FERRY_TEST_REGISTRY)" ;;
  *) fail "registry is not on 127.0.0.1: $FERRY_TEST_REGISTRY" ;; esac

USER=$FERRY_TEST_REGISTRY_USER
PASS=$(cat "$FERRY_TEST_REGISTRY_PASSWORD_FILE")
[ -n "$PASS" ] || fail "empty password file"
URL="https://$FERRY_TEST_REGISTRY/v2/"
CERTS="$WORK/certs"
mkdir -p "$CERTS"
cp "$FERRY_TEST_REGISTRY_CA" "$CERTS/ca.crt"

code() { curl -s -o /dev/null -w '%{http_code}' --cacert "$FERRY_TEST_REGISTRY_CA" "$@"; }

[ "$(code "$URL")" = 401 ] || fail "anonymous GET /v2/ did not get 401 (got $(code "$URL"))"
pass "anonymous GET /v2/ -> 401"
curl -s -D - -o /dev/null --cacert "$FERRY_TEST_REGISTRY_CA" "$URL" | grep -ci '^www-authenticate: basic' >/dev/null ||
  fail "401 without a Basic challenge"
pass "401 carries a Basic WWW-Authenticate challenge"
[ "$(code -u "$USER:$PASS" "$URL")" = 200 ] || fail "GET /v2/ with the credentials did not get 200"
pass "GET /v2/ with credentials -> 200"
[ "$(code -u "$USER:wrong-$PASS" "$URL")" = 401 ] || fail "a wrong password was not refused with 401"
pass "GET /v2/ with a wrong password -> 401"

# TLS really comes from the generated CA: without it, verification fails.
expect_fail "TLS is refused without the test CA" curl -sf --max-time 5 "$URL"
openssl x509 -in "$FERRY_TEST_REGISTRY_CA" -noout -subject | grep -c ferry-testenv >/dev/null ||
  fail "FERRY_TEST_REGISTRY_CA is not the testenv CA"
pass "FERRY_TEST_REGISTRY_CA is the generated CA"

# The htpasswd file uses bcrypt.
grep "^$USER:" "$FERRY_TESTENV_DIR/registry/htpasswd" | cut -d: -f2- | grep -c '^\$2[aby]\$' >/dev/null ||
  fail "htpasswd entry is not bcrypt"
pass "htpasswd user is bcrypt-hashed"

# docker config.json: 0600, parseable, holds the same credentials.
[ "$(stat -c %a "$FERRY_TEST_DOCKER_CONFIG")" = 600 ] || fail "docker config mode is $(stat -c %a "$FERRY_TEST_DOCKER_CONFIG"), not 600"
pass "docker config.json has mode 0600"
[ "$(jq -r --arg r "$FERRY_TEST_REGISTRY" '.auths[$r].auth' "$FERRY_TEST_DOCKER_CONFIG" | base64 -d)" = "$USER:$PASS" ] ||
  fail "docker config.json does not hold the registry credentials"
pass "docker config.json holds the credentials"

# skopeo, a tool ferry did not write, sees the base image.
skopeo inspect --cert-dir "$CERTS" --creds "$USER:$PASS" "docker://$FERRY_TEST_BASE_IMAGE" >"$WORK/inspect.json" ||
  fail "skopeo inspect --cert-dir --creds of $FERRY_TEST_BASE_IMAGE failed"
[ "$(jq -r .Os "$WORK/inspect.json")/$(jq -r .Architecture "$WORK/inspect.json")" = linux/amd64 ] ||
  fail "base image is not linux/amd64"
pass "skopeo inspect --cert-dir --creds of the base image works"
expect_ok "skopeo inspect --authfile (the docker config) works" \
  skopeo inspect --cert-dir "$CERTS" --authfile "$FERRY_TEST_DOCKER_CONFIG" "docker://$FERRY_TEST_BASE_IMAGE"
expect_fail "skopeo inspect with a wrong password is refused" \
  skopeo inspect --cert-dir "$CERTS" --creds "$USER:wrong" "docker://$FERRY_TEST_BASE_IMAGE"
expect_fail "skopeo inspect without the CA is refused (TLS)" \
  skopeo inspect --creds "$USER:$PASS" "docker://$FERRY_TEST_BASE_IMAGE"

# The image really is busybox: copy it out and unpack it with umoci.
skopeo copy -q --src-cert-dir "$CERTS" --src-creds "$USER:$PASS" \
  "docker://$FERRY_TEST_BASE_IMAGE" "oci:$WORK/layout:base" || fail "skopeo copy of the base image failed"
umoci unpack --image "$WORK/layout:base" "$WORK/bundle" >/dev/null 2>&1 || fail "umoci unpack of the base image failed"
"$WORK/bundle/rootfs/bin/busybox" true || fail "the base image's /bin/busybox does not run"
[ -L "$WORK/bundle/rootfs/bin/sh" ] || fail "the base image has no /bin/sh"
pass "base image unpacks to a runnable static busybox with /bin/sh"

# Push works with the credentials (a second tag of the base image) and not without.
expect_ok "push with credentials" skopeo copy -q --src-cert-dir "$CERTS" --dest-cert-dir "$CERTS" \
  --src-creds "$USER:$PASS" --dest-creds "$USER:$PASS" \
  "docker://$FERRY_TEST_BASE_IMAGE" "docker://$FERRY_TEST_REGISTRY/it/registry-test:copy"
expect_fail "push with a wrong password is refused" skopeo copy -q --src-cert-dir "$CERTS" --dest-cert-dir "$CERTS" \
  --src-creds "$USER:$PASS" --dest-creds "$USER:nope" \
  "docker://$FERRY_TEST_BASE_IMAGE" "docker://$FERRY_TEST_REGISTRY/it/registry-test:denied"
done_checks
