#!/usr/bin/env bash
# Git acceptance: push to and clone from the git daemon and the smart-HTTP server;
# the HTTP one refuses a wrong password (and anonymous access).
. "$(dirname "$0")/lib.sh"
load_env "${1:-}"
require_vars FERRY_TEST_GIT FERRY_TEST_GIT_HTTP FERRY_TEST_GIT_HTTP_USER \
  FERRY_TEST_GIT_HTTP_PASSWORD_FILE FERRY_TEST_GIT_ROOT
require_tool git "Install it: apt-get install git."

# An isolated git configuration; never prompt.
export HOME="$WORK/home" GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0 GIT_ASKPASS=/bin/false
mkdir -p "$HOME"
git config --global user.name "ferry test"
git config --global user.email "test@ferry.invalid"
git config --global init.defaultBranch main

PASS=$(cat "$FERRY_TEST_GIT_HTTP_PASSWORD_FILE")
HOSTPORT=${FERRY_TEST_GIT_HTTP#http://}
AUTH_URL="http://$FERRY_TEST_GIT_HTTP_USER:$PASS@$HOSTPORT"
WRONG_URL="http://$FERRY_TEST_GIT_HTTP_USER:wrong$PASS@$HOSTPORT"

id=$$
git init -q --bare --initial-branch=main "$FERRY_TEST_GIT_ROOT/daemon-$id.git"
git init -q --bare --initial-branch=main "$FERRY_TEST_GIT_ROOT/http-$id.git"

git init -q "$WORK/src"
cd "$WORK/src"
echo "hello" >README
git add README
git commit -q -m first
c1=$(git rev-parse HEAD)

# git daemon: push, then clone and compare.
expect_ok "push to the git daemon" git push -q "$FERRY_TEST_GIT/daemon-$id.git" main
expect_ok "clone from the git daemon" git clone -q "$FERRY_TEST_GIT/daemon-$id.git" "$WORK/c-daemon"
[ "$(git -C "$WORK/c-daemon" rev-parse HEAD)" = "$c1" ] || fail "daemon clone has the wrong commit"
pass "daemon clone has the pushed commit"

# smart HTTP: push (including a pack above git's 1 MiB post buffer, sent chunked), clone.
head -c 3000000 /dev/urandom >blob
git add blob
git commit -q -m "big blob"
c2=$(git rev-parse HEAD)
expect_ok "push to smart HTTP with the password" git push -q "$AUTH_URL/http-$id.git" main
expect_ok "clone from smart HTTP with the password" git clone -q "$AUTH_URL/http-$id.git" "$WORK/c-http"
[ "$(git -C "$WORK/c-http" rev-parse HEAD)" = "$c2" ] || fail "HTTP clone has the wrong commit"
cmp -s blob "$WORK/c-http/blob" || fail "HTTP clone has a different blob"
pass "HTTP clone has the pushed commit and content"

# Both servers serve the same repository directory: what went in over HTTP comes out of the daemon.
expect_ok "clone over git:// of a repo pushed over HTTP" git clone -q "$FERRY_TEST_GIT/http-$id.git" "$WORK/c-cross"
[ "$(git -C "$WORK/c-cross" rev-parse HEAD)" = "$c2" ] || fail "cross clone has the wrong commit"

# Refusals.
expect_fail "HTTP clone with a wrong password is refused" git clone -q "$WRONG_URL/http-$id.git" "$WORK/c-wrong"
grep -qi 'authentication failed' "$WORK/expect_fail.out" || fail "wrong password: no authentication failure message"
expect_fail "HTTP push with a wrong password is refused" git push -q "$WRONG_URL/http-$id.git" main:refs/heads/wrong
expect_fail "anonymous HTTP clone is refused" git clone -q "http://$HOSTPORT/http-$id.git" "$WORK/c-anon"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://$HOSTPORT/http-$id.git/info/refs?service=git-upload-pack")" = 401 ] ||
  fail "anonymous info/refs did not get 401"
pass "anonymous info/refs -> 401"
git --git-dir="$FERRY_TEST_GIT_ROOT/http-$id.git" rev-parse --verify -q refs/heads/wrong >/dev/null &&
  fail "a push with a wrong password changed the repository"
pass "the refused push changed nothing"
done_checks
