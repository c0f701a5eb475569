#!/usr/bin/env bash
# Issue 6, caching: `ferry run` of a buildImage + pushImage pipeline on $FERRY_TEST_BASE_IMAGE,
# against the testenv registry (TLS, password) behind the fault proxy in pass-through mode so
# that every request is counted:
#   - a second run with nothing changed builds nothing and uploads no blob, and `ferry plan`
#     said HIT for both steps;
#   - one changed file: the plan says MISS naming that file, the run uploads one layer, the
#     config and the manifest;
#   - a scripted series of edits (add a file, touch only, a .dockerignore'd file, an env
#     parameter, the base tag): every plan's prediction equals what the run reports;
#   - build evidence: a push tags the image ferry-build-<key>, and a fresh machine (empty cache,
#     new checkout) plans HIT from it and uploads nothing; `buildEvidence: false` turns it off.
# Usage: image_cache.sh <env file> <ferry>
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
FERRY=${2:-}
[ -n "$FERRY" ] && [ -x "$FERRY" ] || fail "usage: $0 <env file> <ferry>: build it with cmake --build <dir> --target ferry"
# shellcheck disable=SC2034  # lib_push.sh only checks that it exists
PUSH_TOOL=$FERRY
. "$IT_DIR/push/lib_push.sh"
require_tool umoci "Install it: apt-get install umoci."
require_vars FERRY_TEST_BASE_IMAGE FERRY_TEST_REGISTRY_CERT_DIR FERRY_TEST_DOCKER_CONFIG

start_proxy
pass "fault proxy (pass-through) listening on $PROXY"

ID=it-cache-$$-$RANDOM
WS=$WORK/ws
mkdir -p "$WS/src/lib"
export XDG_CACHE_HOME=$WORK/cache # ferry's build index and image store, private to this test
BASE_PATH=${FERRY_TEST_BASE_IMAGE#*/}  # ferry-test/busybox:latest
BASE=$PROXY/$BASE_PATH
BASE2=$PROXY/$ID/base:2

registry_ferry_yaml "$WS/ferry.yaml" "$PROXY" "$ID" "$REG_PASS_FILE"

# pipeline BASE GREETING: the Ferryfile under test.
pipeline() {
  cat >"$WS/Ferryfile" <<GROOVY
pipeline {
  agent any
  stages {
    stage('build') {
      steps {
        buildImage name: 'app', context: 'src', base: '$1', workdir: '/app',
                   entrypoint: ['/bin/sh', '/app/run.sh'], env: [GREETING: '$2']
      }
    }
    stage('push') {
      steps {
        pushImage name: 'app', tags: ['v1'], overwrite: true
      }
    }
  }
}
GROOVY
}

printf 'echo "$GREETING"\n' >"$WS/src/run.sh"
printf 'one\n' >"$WS/src/lib/one.txt"
head -c 200000 /dev/urandom >"$WS/src/lib/data.bin"
printf 'secret-notes.txt\n*.tmp\n' >"$WS/src/.dockerignore"
printf 'not in the image\n' >"$WS/src/secret-notes.txt"
pipeline "$BASE" hello
# Files written in the last second are not trusted by the stat cache (racy clean): age them.
touch -d '-1 minute' "$WS"/src/* "$WS"/src/lib/*

cd "$WS" || fail "cannot enter $WS"
# plan_json NAME: `ferry plan --format json` into $WORK/NAME.plan.json
plan_json() {
  "$FERRY" plan --env test --format json >"$WORK/$1.plan.json" 2>"$WORK/$1.plan.err" ||
    { cat "$WORK/$1.plan.err" >&2; fail "$1: ferry plan failed"; }
}
# predicted NAME KIND: the plan's cache status of the step of that kind
predicted() { jq -r --arg k "$2" '.steps[] | select(.kind == $k) | .cache.status' "$WORK/$1.plan.json"; }
reason() { jq -r --arg k "$2" '.steps[] | select(.kind == $k) | .cache.reason' "$WORK/$1.plan.json"; }
# run NAME: `ferry run`; the run's journal copied to $WORK/NAME.journal
run() {
  "$FERRY" run --env test --no-color >"$WORK/$1.run.out" 2>&1 ||
    { cat "$WORK/$1.run.out" >&2; fail "$1: ferry run failed"; }
  local journal
  journal=$(ls -td "$WS"/.ferry/runs/*/*/ | head -1)journal.ndjson
  [ -f "$journal" ] || fail "$1: no run journal under $WS/.ferry/runs"
  cp "$journal" "$WORK/$1.journal"
}
# reported NAME EVENT: the run's cache status in its image.built / image.pushed event
reported() { jq -r --arg t "$2" 'select(.type == $t) | .cache' "$WORK/$1.journal"; }
# agree NAME: the plan's predictions and the run's reports are the same, for both steps.
agree() {
  local b p
  b="$(predicted "$1" buildImage)/$(reported "$1" image.built)"
  p="$(predicted "$1" pushImage)/$(reported "$1" image.pushed)"
  [ "${b%/*}" = "${b#*/}" ] || fail "$1: buildImage: plan said ${b%/*} ($(reason "$1" buildImage)), the run ${b#*/}"
  [ "${p%/*}" = "${p#*/}" ] || fail "$1: pushImage: plan said ${p%/*} ($(reason "$1" pushImage)), the run ${p#*/}"
  pass "$1: plan and run agree: build ${b%/*}, push ${p%/*}"
}
uploads_since() { echo $(($(count_since "$1" POST '/blobs/uploads/') + $(count_since "$1" PATCH '/blobs/uploads/'))); }
blob_puts_since() { count_since "$1" PUT '/blobs/uploads/'; }
manifest_puts_since() { count_since "$1" PUT '/manifests/'; }
digest_of() { jq -r 'select(.type == "image.built") | .digest' "$WORK/$1.journal"; }

# 1. The first run: a miss, "never built".
plan_json first
[ "$(predicted first buildImage)" = miss ] || fail "first plan: build is $(predicted first buildImage): $(reason first buildImage)"
pass "first plan: build MISS ($(reason first buildImage))"
run first
agree first
D1=$(digest_of first)
[ "$(registry_digest "$ID/app:v1")" = "$D1" ] || fail "skopeo: $ID/app:v1 is not $D1"
pass "the registry holds the digest ferry reported ($D1)"

# 2. Nothing changed: HIT, HIT; nothing built, no blob uploaded, no manifest PUT.
m=$(mark)
plan_json same
[ "$(predicted same buildImage)/$(predicted same pushImage)" = hit/hit ] ||
  fail "unchanged: plan said $(predicted same buildImage)/$(predicted same pushImage): $(reason same buildImage) / $(reason same pushImage)"
pass "unchanged: the plan says HIT for both steps"
# The plan pins the base it keyed (the platform manifest's digest, as skopeo sees it), and the
# run builds on that pin: its probe asks the base's tag once, the build step not again, and a
# hit reads no blob (the base's config is read only to build).
BASE_DIGEST=$(registry_digest "${FERRY_TEST_BASE_IMAGE#*/}")
[ "$(jq -r '.steps[] | select(.kind == "buildImage") | .cache.base' "$WORK/same.plan.json")" = "$BASE_DIGEST" ] ||
  fail "unchanged: the plan's cache.base is not the base's digest $BASE_DIGEST"
pass "unchanged: the plan pins the base at $BASE_DIGEST"
m=$(mark)
run same
agree same
[ "$(count_since "$m" GET "/manifests/${BASE_PATH##*:}\$")/$(count_since "$m" GET '/blobs/')" = 1/0 ] ||
  fail "unchanged: the run asked the base's tag $(count_since "$m" GET "/manifests/${BASE_PATH##*:}\$") times and read $(count_since "$m" GET '/blobs/') blobs (expected 1 and 0)"
pass "unchanged: the run asked the base's tag once (its plan) and read no blob"
[ "$(uploads_since "$m")/$(blob_puts_since "$m")/$(manifest_puts_since "$m")" = 0/0/0 ] ||
  fail "unchanged: the registry saw uploads: $(tail -n +"$((m + 1))" "$PROXY_LOG" | jq -c 'select(.method != "GET" and .method != "HEAD")')"
[ "$(digest_of same)" = "$D1" ] || fail "unchanged: a different digest"
pass "unchanged: no blob uploaded, no manifest PUT"

# 3. One file changed: MISS naming it; one layer + config + manifest uploaded.
printf 'two\n' >"$WS/src/lib/one.txt"
touch -d '-30 seconds' "$WS/src/lib/one.txt"
m=$(mark)
plan_json one-file
[ "$(predicted one-file buildImage)" = miss ] || fail "changed file: plan said $(predicted one-file buildImage)"
case $(reason one-file buildImage) in *lib/one.txt*) ;; *) fail "the miss does not name lib/one.txt: $(reason one-file buildImage)" ;; esac
pass "changed file: plan says MISS: $(reason one-file buildImage)"
run one-file
agree one-file
[ "$(blob_puts_since "$m")" = 2 ] && [ "$(manifest_puts_since "$m")" = 2 ] ||
  fail "changed file: expected 2 blob uploads (layer, config) and 2 manifest PUTs (the tag, the build evidence), saw $(blob_puts_since "$m") and $(manifest_puts_since "$m")"
pass "changed file: only the context layer, the config and the manifest (under the tag and the build evidence) were uploaded"

# 4. Scripted edits: every prediction equals the run's report.
edit_add() { printf 'new\n' >"$WS/src/lib/added.txt"; touch -d '-30 seconds' "$WS/src/lib/added.txt"; }
edit_touch() { touch -d '-20 seconds' "$WS/src/run.sh"; }
edit_ignored() { printf 'still hidden %s\n' "$RANDOM" >"$WS/src/secret-notes.txt"; printf 'x' >"$WS/src/junk.tmp"; }
edit_env() { pipeline "$BASE" bonjour; }
edit_base() {
  skopeo copy -q --src-cert-dir "$CERTS" --src-creds "$REG_USER:$(cat "$REG_PASS_FILE")" \
    "docker://$FERRY_TEST_BASE_IMAGE" "oci:$WORK/base2:2" || fail "skopeo copy of the base failed"
  umoci config --image "$WORK/base2:2" --config.label "it.ferry.variant=$ID" >/dev/null || fail "umoci config failed"
  skopeo copy -q --dest-cert-dir "$CERTS" --dest-creds "$REG_USER:$(cat "$REG_PASS_FILE")" \
    "oci:$WORK/base2:2" "docker://$FERRY_TEST_REGISTRY/$ID/base:2" || fail "skopeo push of base:2 failed"
  pipeline "$BASE2" bonjour
}
expect() { # NAME BUILD PUSH [REASON-SUBSTRING]
  [ "$(predicted "$1" buildImage)/$(predicted "$1" pushImage)" = "$2/$3" ] ||
    fail "$1: expected the plan to say $2/$3, it said $(predicted "$1" buildImage)/$(predicted "$1" pushImage): $(reason "$1" buildImage)"
  if [ -n "${4:-}" ]; then
    case $(reason "$1" buildImage) in *"$4"*) ;; *) fail "$1: the reason does not mention $4: $(reason "$1" buildImage)" ;; esac
  fi
}
for step in add touch ignored env base; do
  "edit_$step"
  m=$(mark)
  plan_json "$step"
  case $step in
  add) expect add miss miss lib/added.txt ;;
  touch) expect touch hit hit ;;
  ignored) expect ignored hit hit ;;
  env) expect env miss miss "parameter env" ;;
  base) expect base miss miss "base image" ;;
  esac
  run "$step"
  agree "$step"
  if [ "$(predicted "$step" pushImage)" = hit ]; then
    [ "$(uploads_since "$m")/$(blob_puts_since "$m")/$(manifest_puts_since "$m")" = 0/0/0 ] ||
      fail "$step: predicted HIT but the registry saw uploads"
  fi
  [ "$(registry_digest "$ID/app:v1")" = "$(digest_of "$step")" ] || fail "$step: the tag is not at the digest ferry reported"
done
pass "every scripted edit: plan predictions equal the run's reports, the tag follows"

# 5. Offline: the base needs the network, so the build (and so the push) is unknown.
"$FERRY" plan --env test --offline --format json >"$WORK/offline.plan.json" 2>/dev/null || fail "offline plan failed"
[ "$(predicted offline buildImage)" = unknown ] || fail "offline: a registry base's build is $(predicted offline buildImage)"
case $(reason offline buildImage) in *offline*) ;; *) fail "offline: the reason does not say --offline: $(reason offline buildImage)" ;; esac
pass "--offline: a build on a registry base is unknown ($(reason offline buildImage))"

# 6. --no-cache: the plan says MISS ("caching is off") and the run builds, with the same digest
# (the build is reproducible) and so no push.
"$FERRY" plan --env test --no-cache --format json >"$WORK/nocache.plan.json" 2>/dev/null || fail "--no-cache plan failed"
[ "$(predicted nocache buildImage)" = miss ] && [ "$(reason nocache buildImage)" = "caching is off (--no-cache)" ] ||
  fail "--no-cache: the plan says $(predicted nocache buildImage): $(reason nocache buildImage)"
"$FERRY" run --env test --no-cache --no-color >"$WORK/nocache.run.out" 2>&1 ||
  { cat "$WORK/nocache.run.out" >&2; fail "--no-cache run failed"; }
grep -q "caching is off (--no-cache)" "$WORK/nocache.run.out" || fail "--no-cache: the run did not build: $(cat "$WORK/nocache.run.out")"
pass "--no-cache: the plan says MISS (caching is off) and the run builds"

# 7. A Dockerfile build keys the images it builds FROM by digest: the same FROM tag moved to
# other content is a MISS naming the base, in the plan and in the run.
copy_image() { # copy_image SRC DEST (both in the test registry)
  skopeo copy -q --src-cert-dir "$CERTS" --dest-cert-dir "$CERTS" \
    --src-creds "$REG_USER:$(cat "$REG_PASS_FILE")" --dest-creds "$REG_USER:$(cat "$REG_PASS_FILE")" \
    "docker://$1" "docker://$2" || fail "skopeo copy $1 -> $2 failed"
}
copy_image "$FERRY_TEST_BASE_IMAGE" "$FERRY_TEST_REGISTRY/$ID/dfbase:1"
printf 'FROM %s\nCOPY run.sh /app/run.sh\n' "$PROXY/$ID/dfbase:1" >"$WS/src/Dockerfile"
touch -d '-1 minute' "$WS/src/Dockerfile"
cat >"$WS/Ferryfile" <<'GROOVY'
pipeline {
  agent any
  stages {
    stage('build') { steps { buildImage name: 'app', context: 'src', dockerfile: 'src/Dockerfile' } }
    stage('push') { steps { pushImage name: 'app', tags: ['v1'], overwrite: true } }
  }
}
GROOVY
for step in dockerfile dockerfile-same dockerfile-moved; do
  [ "$step" = dockerfile-moved ] && copy_image "$FERRY_TEST_REGISTRY/$ID/base:2" "$FERRY_TEST_REGISTRY/$ID/dfbase:1"
  plan_json "$step"
  case $step in
  dockerfile) expect dockerfile miss miss ;;
  dockerfile-same) expect dockerfile-same hit hit ;;
  dockerfile-moved) expect dockerfile-moved miss miss "base image" ;;
  esac
  run "$step"
  agree "$step"
done
pass "a Dockerfile build: the same FROM is a HIT, the FROM tag moved is a MISS naming the base"

# 8. Build evidence in the registry: the push leaves a ferry-build-<key> tag on the image, so a
# machine with an empty cache (a fresh CI runner) plans and gets a HIT, and uploads nothing.
pipeline "$BASE" evidence
touch -d '-1 minute' "$WS/Ferryfile"
plan_json evidence
run evidence
agree evidence
D8=$(digest_of evidence)
[ "$(jq -r 'select(.type == "image.pushed") | .evidence' "$WORK/evidence.journal")" = written ] ||
  fail "evidence: the push did not write the build evidence: $(jq -c 'select(.type == "image.pushed")' "$WORK/evidence.journal")"
ETAG=$(jq -r 'select(.type == "image.pushed") | .evidenceTag' "$WORK/evidence.journal")
[ "$(registry_digest "${ETAG#"$PROXY"/}")" = "$D8" ] || fail "evidence: $ETAG does not point at $D8"
jq -e --arg t "$ETAG" '.steps[] | select(.kind == "pushImage") | .effects[] | select(.kind == "evidence" and .target == $t)' \
  "$WORK/evidence.plan.json" >/dev/null || fail "evidence: the plan did not list the evidence tag $ETAG as an effect"
pass "a push leaves build evidence $ETAG at $D8, as the plan said"

WS=$WORK/ws-fresh # another machine: a fresh checkout (new mtimes) and an empty cache
mkdir -p "$WS"
cp -r "$WORK/ws/src" "$WORK/ws/Ferryfile" "$WORK/ws/ferry.yaml" "$WS/"
touch -d '-1 minute' "$WS"/src/* "$WS"/src/lib/*
export XDG_CACHE_HOME=$WORK/cache-fresh
cd "$WS" || fail "cannot enter $WS"
m=$(mark)
plan_json fresh
expect fresh hit hit "evidence in"
run fresh
agree fresh
[ "$(digest_of fresh)" = "$D8" ] || fail "fresh machine: digest $(digest_of fresh), not $D8"
[ "$(uploads_since "$m")/$(blob_puts_since "$m")/$(manifest_puts_since "$m")" = 0/0/0 ] ||
  fail "fresh machine: the registry saw uploads: $(tail -n +"$((m + 1))" "$PROXY_LOG" | jq -c 'select(.method != "GET" and .method != "HEAD")')"
pass "a fresh machine: plan HIT from the registry's evidence ($(reason fresh buildImage)); no blob, no manifest sent"

# buildEvidence: false: neither read nor written.
sed -i "s|^    prefix: .*|&\n    buildEvidence: false|" "$WS/ferry.yaml"
export XDG_CACHE_HOME=$WORK/cache-off
plan_json off
expect off miss miss "no earlier build"
run off
[ "$(reported off image.built)" = miss ] || fail "buildEvidence: false: the run's build was $(reported off image.built)"
[ "$(jq -r 'select(.type == "image.pushed") | .evidence' "$WORK/off.journal")" = off ] ||
  fail "buildEvidence: false: the push reported evidence $(jq -r 'select(.type == "image.pushed") | .evidence' "$WORK/off.journal")"
pass "buildEvidence: false: a fresh cache misses (plan and run) and the push writes no evidence"

# A run that fails after its push rolls back the evidence it wrote, with the tags it pushed.
WS=$WORK/ws
export XDG_CACHE_HOME=$WORK/cache
cd "$WS" || fail "cannot enter $WS"
cat >"$WS/Ferryfile" <<GROOVY
pipeline {
  agent any
  stages {
    stage('build') { steps { buildImage name: 'app', context: 'src', base: '$BASE', env: [GREETING: 'rolled back'] } }
    stage('push') { steps { pushImage name: 'app', tags: ['rb'] } }
    stage('fail') { steps { sh 'exit 3' } }
  }
}
GROOVY
touch -d '-1 minute' "$WS/Ferryfile"
if "$FERRY" run --env test --no-color >"$WORK/rb.run.out" 2>&1; then
  fail "the failing run succeeded: $(cat "$WORK/rb.run.out")"
fi
journal=$(ls -td "$WS"/.ferry/runs/*/*/ | head -1)journal.ndjson
RBTAG=$(jq -r 'select(.type == "image.pushed") | .evidenceTag' "$journal")
[ "$(jq -r 'select(.type == "image.pushed") | .evidence' "$journal")" = written ] ||
  fail "rollback: the push did not write evidence: $(grep image.pushed "$journal")"
[ "$(jq -r --arg t "$RBTAG" 'select(.type == "effect" and .kind == "tag" and .target == $t) | .before' "$journal")" = absent ] ||
  fail "rollback: the evidence tag $RBTAG was not journaled: $(jq -c 'select(.type == "effect")' "$journal" 2>&1)"
[ -z "$(registry_digest "$ID/app:rb")" ] || fail "rollback: tag rb is still there"
[ -z "$(registry_digest "${RBTAG#"$PROXY"/}")" ] || fail "rollback: the evidence tag $RBTAG is still there: $(cat "$WORK/rb.run.out")"
pass "a failed run's rollback removes the tag it pushed and the build evidence it wrote"

# Evidence tags are not versions: a missing base lists the repository's tags without them.
pipeline "$PROXY/$ID/app:v0" evidence
plan_json missing-base
case $(reason missing-base buildImage) in
*ferry-build-*) fail "a missing base lists evidence tags: $(reason missing-base buildImage)" ;;
*v1*) ;;
*) fail "a missing base does not list the repository's tags: $(reason missing-base buildImage)" ;;
esac
pass "a missing base lists the tags that exist, evidence tags left out"

done_checks
