#!/usr/bin/env bash
# Issue 6, images: `ferry run` builds and pushes to the testenv registry (TLS, password), checked
# with tools ferry did not write (registry_push.sh covers the push client alone):
#   - a native build and a buildah (Dockerfile) build are pushed; skopeo inspect shows the digest
#     ferry reported;
#   - umoci unpack of a skopeo copy holds exactly the context's files (minus .dockerignore) over
#     the base's files;
#   - two workspaces with the same sources and different mtimes build one digest;
#   - a wrong password fails with the registry's 401 naming the registry, pushes nothing and
#     prints no secret.
# Usage: image_build.sh <env file> <ferry>
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
FERRY=${2:-}
[ -n "$FERRY" ] && [ -x "$FERRY" ] || fail "usage: $0 <env file> <ferry>: build it with cmake --build <dir> --target ferry"
# shellcheck disable=SC2034  # lib_push.sh only checks that it exists
PUSH_TOOL=$FERRY
. "$IT_DIR/push/lib_push.sh"
require_tool umoci "Install it: apt-get install umoci."
require_tool buildah "Install it: apt-get install buildah."
require_vars FERRY_TEST_BASE_IMAGE

ID=it-build-$$-$RANDOM
PASSWORD=$(cat "$REG_PASS_FILE")

# workspace DIR PASSWORD-FILE: a ferry.yaml for the testenv registry and a context under DIR/src.
workspace() {
  mkdir -p "$1/src/lib" "$1/src/logs"
  registry_ferry_yaml "$1/ferry.yaml" "$FERRY_TEST_REGISTRY" "$ID" "$2"
  printf 'echo hello\n' >"$1/src/run.sh"
  chmod 755 "$1/src/run.sh"
  printf 'one\n' >"$1/src/lib/one.txt"
  printf 'deep\n' >"$1/src/lib/two.txt"
  ln -s one.txt "$1/src/lib/link.txt"
  printf 'logs\n*.tmp\n.dockerignore\nDockerfile\n' >"$1/src/.dockerignore"
  printf 'ignored\n' >"$1/src/logs/app.log"
  printf 'ignored\n' >"$1/src/scratch.tmp"
  printf 'FROM %s\nCOPY . /app/\n' "$FERRY_TEST_BASE_IMAGE" >"$1/src/Dockerfile"
}

# pipeline DIR [native]: a native and a Dockerfile build of the same context, each pushed (or
# only the native one).
pipeline() {
  local dockerfile_stage="
    stage('buildah') {
      steps {
        buildImage name: 'buildah', context: 'src', dockerfile: 'src/Dockerfile'
        pushImage name: 'buildah', tags: ['v1']
      }
    }"
  [ "${2:-}" = native ] && dockerfile_stage=
  cat >"$1/Ferryfile" <<GROOVY
pipeline {
  agent any
  stages {
    stage('native') {
      steps {
        buildImage name: 'native', context: 'src', base: '$FERRY_TEST_BASE_IMAGE', workdir: '/app'
        pushImage name: 'native', tags: ['v1']
      }
    }$dockerfile_stage
  }
}
GROOVY
}

# run_in DIR CACHE NAME: `ferry run` in DIR with its own cache; the journal in $WORK/NAME.journal
run_in() {
  (cd "$1" && XDG_CACHE_HOME=$2 "$FERRY" run --env test --no-color) >"$WORK/$3.out" 2>&1 || return 1
  cp "$(ls -td "$1"/.ferry/runs/*/*/ | head -1)journal.ndjson" "$WORK/$3.journal"
}
built() { jq -r --arg n "$2" 'select(.type == "image.built" and .name == $n) | .digest' "$WORK/$1.journal"; }
pushed() { jq -r --arg r "$2" 'select(.type == "image.pushed" and (.reference | endswith($r))) | .digest' "$WORK/$1.journal"; }

WS1=$WORK/ws1
workspace "$WS1" "$REG_PASS_FILE"
pipeline "$WS1"
touch -d '2020-01-01 00:00' "$WS1"/src/* "$WS1"/src/lib/*
run_in "$WS1" "$WORK/cache1" one || { cat "$WORK/one.out" >&2; fail "ferry run failed"; }
for name in native buildah; do
  d=$(built one "$name")
  [ -n "$d" ] && [ "$(pushed one "/$name:v1")" = "$d" ] || fail "$name: built $d, pushed $(pushed one "/$name:v1")"
  [ "$(registry_digest "$ID/$name:v1")" = "$d" ] || fail "skopeo: $ID/$name:v1 is not $d"
  pass "$name build pushed; skopeo inspect shows the digest ferry reported ($d)"
done

# The base's own files, then each image's: exactly the base's plus the context's under /app.
unpack() { # REF DIR
  skopeo copy -q --src-cert-dir "$CERTS" --src-creds "$REG_USER:$PASSWORD" "docker://$1" "oci:$WORK/oci:$2" ||
    fail "skopeo copy $1 failed"
  umoci unpack --rootless --image "$WORK/oci:$2" "$WORK/$2" >/dev/null 2>&1 || fail "umoci unpack of $1 failed"
}
unpack "$FERRY_TEST_BASE_IMAGE" base
(cd "$WORK/base/rootfs" && find . -mindepth 1 | sort) >"$WORK/base.list"
mkdir -p "$WORK/expected"
cp -a "$WS1/src" "$WORK/expected/app"
rm -rf "$WORK/expected/app/logs" "$WORK/expected/app/scratch.tmp" "$WORK/expected/app/.dockerignore" \
  "$WORK/expected/app/Dockerfile"
(cd "$WORK/expected" && find . -mindepth 1 | sort) >"$WORK/context.list"
sort -u "$WORK/base.list" "$WORK/context.list" >"$WORK/expected.list"
for name in native buildah; do
  unpack "$FERRY_TEST_REGISTRY/$ID/$name:v1" "$name"
  (cd "$WORK/$name/rootfs" && find . -mindepth 1 | sort) >"$WORK/$name.list"
  diff -u "$WORK/expected.list" "$WORK/$name.list" >&2 || fail "$name: the image's files are not the base's plus the context's"
  diff -r --no-dereference "$WORK/expected/app" "$WORK/$name/rootfs/app" >&2 || fail "$name: /app differs from the context"
  pass "$name: umoci unpack holds exactly the base's files plus the context minus .dockerignore"
done

# Same sources, other mtimes, another workspace and cache: the same digest. (Without build
# evidence: the registry's would make it a hit, and this is about building.)
WS2=$WORK/ws2
workspace "$WS2" "$REG_PASS_FILE"
sed -i "s|^    prefix: .*|&\n    buildEvidence: false|" "$WS2/ferry.yaml"
grep -q 'buildEvidence: false' "$WS2/ferry.yaml" || fail "could not turn build evidence off in $WS2/ferry.yaml"
pipeline "$WS2" native
touch -d '2024-06-30 12:34' "$WS2"/src/* "$WS2"/src/lib/*
run_in "$WS2" "$WORK/cache2" two || { cat "$WORK/two.out" >&2; fail "second workspace: ferry run failed"; }
[ "$(built two native)" = "$(built one native)" ] ||
  fail "two workspaces, different mtimes: $(built one native) vs $(built two native)"
[ "$(jq -r 'select(.type == "image.built" and .name == "native") | .cache' "$WORK/two.journal")" = miss ] ||
  fail "the second workspace did not build (its cache should be empty): $(grep image.built "$WORK/two.journal")"
pass "reproducible: two workspaces with different mtimes build one digest ($(built two native))"

# A wrong password: the push fails with the registry's 401, naming it; nothing pushed or printed.
WS3=$WORK/ws3
printf 'wrong-%s' "$PASSWORD" >"$WORK/wrong-password"
workspace "$WS3" "$WORK/wrong-password"
cat >"$WS3/Ferryfile" <<'GROOVY'
pipeline {
  agent any
  stages {
    stage('push') {
      steps {
        buildImage name: 'denied', context: 'src', base: 'scratch'
        pushImage name: 'denied', tags: ['v1']
      }
    }
  }
}
GROOVY
if run_in "$WS3" "$WORK/cache3" wrong; then
  fail "a run with a wrong password succeeded"
fi
grep -q "401" "$WORK/wrong.out" && grep -qF "$FERRY_TEST_REGISTRY" "$WORK/wrong.out" ||
  { cat "$WORK/wrong.out" >&2; fail "the failure does not give the registry's 401 naming $FERRY_TEST_REGISTRY"; }
[ -z "$(registry_digest "$ID/denied:v1")" ] || fail "a refused push left a tag"
if grep -rqF "$(cat "$WORK/wrong-password")" "$WORK/wrong.out" "$WS3/.ferry" ||
  grep -rqF "$PASSWORD" "$WORK/wrong.out" "$WS3/.ferry"; then
  fail "a password was printed or recorded"
fi
pass "a wrong password: $(grep -m1 401 "$WORK/wrong.out" | cut -c1-160)"

done_checks
