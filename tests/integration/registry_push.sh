#!/usr/bin/env bash
# Pushing an image from ferry's image store to the testenv registry (TLS, htpasswd), through the
# fault proxy (no faults here) so requests can be counted:
#   - skopeo sees the digest ferry reported; skopeo copy + umoci unpack give the files;
#   - a second push uploads no blob and PUTs no manifest;
#   - a chunked upload (PATCH + Content-Range) lands the same digest;
#   - a wrong password fails naming the registry and 401, sends nothing, prints no secret.
# Usage: registry_push.sh <env file> <ferry_push_tool>
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
PUSH_TOOL=${2:-}
. "$IT_DIR/push/lib_push.sh"
require_tool umoci "Install it: apt-get install umoci."

STORE="$WORK/store"
LAYOUT="$WORK/layout"
LAYOUT_REF=latest
python3 "$IT_DIR/push/make_layout.py" --dir "$LAYOUT" --ref latest --seed "$$-$RANDOM" \
  --layer 'etc/hello.txt=20,app/data.bin=300k' >/dev/null || fail "make_layout.py failed"
start_proxy
pass "fault proxy listening on $PROXY"

REPO="ferry-it/push-$$-$RANDOM"
m=$(mark)
push_via "$PROXY" "$REPO" 1 latest || { cat "$WORK/push.err" "$WORK/push.json" >&2; fail "first push failed"; }
DIGEST=$(jq -r .digest "$WORK/push.json")
[ "$(jq -r .uploaded "$WORK/push.json")" = 2 ] || fail "first push: expected 2 uploads: $(cat "$WORK/push.json")"
pass "first push uploaded config and layer ($DIGEST)"
[ "$(count_since "$m" PUT '/blobs/uploads/')" = 2 ] || fail "expected 2 blob PUTs through the proxy"
[ "$(jq -r '.journal | length' "$WORK/push.json")" = 2 ] || fail "two tag moves were not reported before they happened"
[ "$(jq -r '.journal[0].before' "$WORK/push.json")" = "" ] || fail "a new tag's previous digest is not absent"
pass "each tag move was reported (previous digest: absent) before it happened"

for tag in 1 latest; do
  [ "$(registry_digest "$REPO:$tag")" = "$DIGEST" ] || fail "skopeo: $REPO:$tag is not $DIGEST"
done
pass "skopeo inspect: both tags resolve to the digest ferry reported"

skopeo copy -q --src-cert-dir "$CERTS" --src-creds "$REG_USER:$(cat "$REG_PASS_FILE")" \
  "docker://$FERRY_TEST_REGISTRY/$REPO:1" "oci:$WORK/copy:x" || fail "skopeo copy failed"
umoci unpack --rootless --image "$WORK/copy:x" "$WORK/bundle" >/dev/null 2>&1 || fail "umoci unpack failed"
[ -f "$WORK/bundle/rootfs/etc/hello.txt" ] && [ "$(stat -c %s "$WORK/bundle/rootfs/app/data.bin")" = 307200 ] ||
  fail "the unpacked image does not hold the layer's files"
pass "skopeo copy + umoci unpack give the image's files"

m=$(mark)
push_via "$PROXY" "$REPO" 1 latest || fail "second push failed: $(cat "$WORK/push.err")"
[ "$(jq -r .uploaded "$WORK/push.json")" = 0 ] || fail "second push uploaded: $(cat "$WORK/push.json")"
for method in POST PUT PATCH; do
  [ "$(count_since "$m" "$method" '.')" = 0 ] || fail "second push sent $method requests"
done
pass "a second push uploads no blob and PUTs no manifest (only HEADs reached the registry)"

m=$(mark)
push_via "$PROXY" "$REPO" 2 || fail "tagging again failed"
[ "$(jq -r .uploaded "$WORK/push.json")" = 0 ] && [ "$(count_since "$m" PUT '/manifests/2$')" = 1 ] ||
  fail "a new tag on a pushed image should PUT only its manifest"
pass "a new tag on a pushed image PUTs only the manifest"

CHUNKED="ferry-it/push-chunked-$$-$RANDOM"
m=$(mark)
push_via "$PROXY" "$CHUNKED" 1 -- --chunk-threshold 1000 --chunk-size 65536 ||
  fail "chunked push failed: $(cat "$WORK/push.err")"
[ "$(count_since "$m" PATCH '/blobs/uploads/')" -ge 4 ] || fail "the chunked push sent too few PATCH requests"
[ "$(registry_digest "$CHUNKED:1")" = "$DIGEST" ] || fail "chunked push: wrong digest under the tag"
pass "a chunked upload (PATCH with Content-Range) lands the same digest"

WRONG="ferry-it/push-wrong-$$-$RANDOM"
printf 'not-%s' "$(cat "$REG_PASS_FILE")" >"$WORK/wrong-password"
m=$(mark)
if PASS_FILE="$WORK/wrong-password" push_via "$PROXY" "$WRONG" 1; then
  fail "a push with a wrong password succeeded"
fi
ERR=$(jq -r .error "$WORK/push.json")
case $ERR in *"registry $PROXY"*401*) ;; *) fail "the error does not name the registry and 401: $ERR" ;; esac
if grep -rqF "$(cat "$WORK/wrong-password")" "$WORK/push.json" "$WORK/push.err"; then
  fail "the password was printed"
fi
for method in POST PUT PATCH; do
  [ "$(count_since "$m" "$method" '.')" = 0 ] || fail "a refused push sent $method requests"
done
[ -z "$(registry_digest "$WRONG:1")" ] || fail "a refused push left a tag"
pass "a wrong password: $ERR; nothing sent, nothing printed"

done_checks
