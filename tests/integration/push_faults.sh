#!/usr/bin/env bash
# Pushes through the fault proxy while it resets connections, answers 500/429 and stalls an
# upload: each push either completes after retries (and the tag has the right digest) or fails
# clearly; a tag never points at an incomplete image (the manifest is PUT only after every
# blob is confirmed, so a failed push leaves the tag absent).
# Usage: push_faults.sh <env file> <ferry_push_tool>
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
PUSH_TOOL=${2:-}
. "$IT_DIR/push/lib_push.sh"

STORE="$WORK/store"
LAYOUT="$WORK/layout"
python3 "$IT_DIR/push/make_layout.py" --dir "$LAYOUT" --ref latest --seed "$$-$RANDOM" \
  --layer 'etc/a.txt=20,app/data.bin=400k' --layer 'etc/b.bin=200k' >/dev/null || fail "make_layout.py failed"
start_proxy
FAST=(--backoff-ms 20 --attempts 4)

# completes SCENARIO RULES [tool args]: the push succeeds and the tag has the reported digest.
completes() {
  local name=$1 rule=$2
  shift 2
  local repo="ferry-it/faults-$name-$$-$RANDOM"
  rules "$rule"
  push_via "$PROXY" "$repo" 1 -- "${FAST[@]}" "$@" ||
    { cat "$WORK/push.err" >&2; fail "$name: the push did not recover: $(jq -r .error "$WORK/push.json")"; }
  rules '[]'
  local digest
  digest=$(jq -r .digest "$WORK/push.json")
  [ "$(registry_digest "$repo:1")" = "$digest" ] || fail "$name: the tag does not resolve to $digest"
  [ "$(jq -r '[.journal[]] | length' "$WORK/push.json")" = 1 ] || fail "$name: the tag move was not reported"
  LAST_REPO=$repo
}

# fails_clearly SCENARIO RULES PATTERN [tool args]: the push fails, its error matches PATTERN
# (grep -E), no manifest was PUT and the tag is absent.
fails_clearly() {
  local name=$1 rule=$2 pattern=$3
  shift 3
  local repo="ferry-it/faults-$name-$$-$RANDOM" m
  rules "$rule"
  m=$(mark)
  if push_via "$PROXY" "$repo" 1 -- "${FAST[@]}" "$@"; then
    fail "$name: the push succeeded although the fault persists"
  fi
  rules '[]'
  local err
  err=$(jq -r .error "$WORK/push.json")
  echo "$err" | grep -Eq "$pattern" || fail "$name: unclear error: $err"
  [ "$(count_since "$m" PUT '/manifests/')" = 0 ] || [ "$name" = manifest-500 ] ||
    fail "$name: a manifest was PUT although a blob failed"
  [ -z "$(registry_digest "$repo:1")" ] || fail "$name: the tag points at an image after a failed push"
  note "$name: $err"
}

completes reset-on-put '[{"method":"PUT","path":"/blobs/uploads/","nth":1,"action":"reset"}]'
pass "a connection reset during a blob PUT: the upload restarts and the push completes"

completes head-500 '[{"method":"HEAD","path":"/blobs/","nth":1,"action":"500"},{"method":"HEAD","path":"/blobs/","nth":2,"action":"500"}]'
pass "500 on blob HEADs: retried, the push completes"

completes post-429 '[{"method":"POST","path":"/blobs/uploads/","nth":1,"action":"429"}]'
pass "429 on opening an upload: retried, the push completes"

m=$(mark)
completes patch-reset '[{"method":"PATCH","path":"/blobs/uploads/","nth":3,"action":"reset"}]' \
  --chunk-threshold 1000 --chunk-size 65536
[ "$(tail -n +"$((m + 1))" "$PROXY_LOG" | jq -c 'select(.method == "PATCH" and .fault == "reset")' | wc -l)" = 1 ] ||
  fail "patch-reset: the fault was not injected"
pass "a reset mid-chunk: the chunk is sent again (from the registry's Range) and the push completes"

completes manifest-500-once '[{"method":"PUT","path":"/manifests/","nth":1,"action":"500"}]'
pass "a 500 on the manifest PUT once: retried, the tag is right"

fails_clearly blob-reset-always '[{"method":"PUT","path":"/blobs/uploads/","every":true,"action":"reset"}]' \
  "registry 127\.0\.0\.1:[0-9]+: PUT /v2/.*/blobs/uploads/"
pass "blob PUTs reset every time: fails naming the request; no manifest PUT, no tag"

fails_clearly manifest-500 '[{"method":"PUT","path":"/manifests/","every":true,"action":"500"}]' \
  "PUT /v2/.*/manifests/1 answered 500 Internal Server Error: UNKNOWN: injected"
pass "manifest PUT answered 500 every time: fails with the registry's answer; no tag"

# A stalled upload: the proxy reads half the body and stops; the client gives up on the
# stalled request after its timeout and retries; the proxy stalls only the first time.
start=$(date +%s)
completes stall '[{"method":"PUT","path":"/blobs/uploads/","nth":1,"action":"stall","seconds":8}]' --timeout-ms 2000
pass "a stalled upload ends (stall timeout or reset) and is retried; the push completes ($(($(date +%s) - start)) s)"

fails_clearly stall-always '[{"method":"PUT","path":"/blobs/uploads/","every":true,"action":"stall","seconds":4}]' \
  "PUT /v2/.*/blobs/uploads/" --timeout-ms 1000 --attempts 2
pass "an upload that always stalls fails clearly; the tag is absent"

done_checks
