# shellcheck shell=bash
# Two git servers sharing one directory of bare repositories:
#   git daemon (git://, push enabled, no auth) and
#   smart HTTP: git http-backend behind git-http.py (a small CGI host with basic auth).
# A test makes a bare repo with `git init --bare "$FERRY_TEST_GIT_ROOT/<name>.git"` and can
# then reach it as "$FERRY_TEST_GIT/<name>.git" and "$FERRY_TEST_GIT_HTTP/<name>.git".
# Sourced by scripts/testenv.

GIT_HTTP_USER=ferry

git_check_tools() {
  need git "Install it: apt-get install git (or scripts/install-deps)."
  [ -x "$(git --exec-path)/git-daemon" ] ||
    die "git daemon not found in $(git --exec-path). Install it: apt-get install git (or scripts/install-deps)."
  [ -x "$(git --exec-path)/git-http-backend" ] ||
    die "git http-backend not found in $(git --exec-path). Install it: apt-get install git."
  need "$PYTHON" "Install it: apt-get install python3 (or scripts/install-deps)."
}

git_up() {
  local d="$TE_DIR/git" dport hport password
  mkdir -p "$d/repos"

  dport=$(free_port)
  start_bg git-daemon git daemon --reuseaddr --listen=127.0.0.1 --port="$dport" \
    --base-path="$d/repos" --export-all --enable=receive-pack --informative-errors "$d/repos"

  hport=$(free_port)
  password=$(random_password)
  (umask 077 && printf '%s' "$password" >"$d/http-password")
  printf '%s:%s\n' "$GIT_HTTP_USER" "$(printf '%s' "$password" | sha256sum | cut -d' ' -f1)" >"$d/http-credentials"
  chmod 600 "$d/http-credentials"
  start_bg git-http "$PYTHON" "$TE_SCRIPTS/git-http.py" "$hport" "$d/repos" "$d/http-credentials"

  wait_until git-daemon 20 "git daemon on 127.0.0.1:$dport" listening_on "$dport"
  wait_until git-http 20 "git smart-HTTP on 127.0.0.1:$hport" listening_on "$hport"

  emit FERRY_TEST_GIT "git://127.0.0.1:$dport"
  emit FERRY_TEST_GIT_HTTP "http://127.0.0.1:$hport"
  emit FERRY_TEST_GIT_HTTP_USER "$GIT_HTTP_USER"
  emit FERRY_TEST_GIT_HTTP_PASSWORD_FILE "$d/http-password"
  emit FERRY_TEST_GIT_ROOT "$d/repos"
  log "git: git://127.0.0.1:$dport and http://127.0.0.1:$hport (user $GIT_HTTP_USER), repos in $d/repos"
}
