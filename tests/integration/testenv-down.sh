#!/usr/bin/env bash
# CTest fixture cleanup, always run: stop the test environment of ENV_FILE and check that
# `down` left no process and no listening port behind and removed its files.
#   testenv-down.sh ENV_FILE
. "$(dirname "$0")/lib.sh"
env_file=${1:?usage: testenv-down.sh ENV_FILE}
[ -f "$env_file" ] || fail "$env_file does not exist: testenv.up did not get far enough to record a state directory"
# shellcheck disable=SC1090
te_dir=$(set +u; . "$env_file"; echo "${FERRY_TESTENV_DIR:-}")
[ -n "$te_dir" ] || fail "$env_file names no FERRY_TESTENV_DIR"
if [ ! -d "$te_dir" ]; then
  "$REPO_ROOT/scripts/testenv" down --env-file "$env_file" || true
  fail "state directory $te_dir does not exist: the environment was not up (see testenv.up), nothing to check"
fi

# What runs now: every member of every recorded process group, and their listening ports.
groups=$(for f in "$te_dir"/pids/*.pid; do [ -f "$f" ] && awk '{print $1}' "$f"; done)
[ -n "$groups" ] || fail "no processes recorded in $te_dir/pids"
pids=$(ps -e -o pid=,pgid= | awk -v g=" $(echo $groups) " 'index(g, " " $2 " ") {print $1}')
ports=$(for p in $pids; do ss -Htlnp | grep "pid=$p," | awk '{n=split($4,a,":"); print a[n]}'; done | sort -un)
note "process groups: $(echo $groups)"
note "processes: $(echo $pids)"
note "listening ports: $(echo $ports)"
[ -n "$ports" ] || fail "the environment listens on no port before down (it should)"
for p in $ports; do
  ss -Htln "sport = :$p" | awk '{print $4}' | grep -cv '^127\.0\.0\.1:\|^\[::1\]:' >/dev/null &&
    fail "port $p listens on a non-loopback address: $(ss -Htln "sport = :$p")"
done
pass "before down: $(echo $pids | wc -w) processes, ports $(echo $ports), all on loopback"

"$REPO_ROOT/scripts/testenv" down --env-file "$env_file" || fail "scripts/testenv down failed"
pass "scripts/testenv down succeeded"

left=""
for p in $pids; do
  st=$(cat "/proc/$p/stat" 2>/dev/null) || continue
  st=${st##*) }
  [ "${st%% *}" = Z ] || left+=" $p"
done
[ -z "$left" ] || { ps -o pid,pgid,args -p "${left# }" >&2 || true; fail "processes still running after down:$left"; }
pass "no process of the environment is left"
for p in $ports; do
  ! ss -Htln "sport = :$p" | grep -c . >/dev/null || fail "port $p still listening after down: $(ss -Htlnp "sport = :$p")"
done
pass "no port of the environment is still listening"
strays=""
for f in /proc/[0-9]*/cmdline; do
  args=$(tr '\0' ' ' 2>/dev/null <"$f") || continue
  case $args in *"$te_dir"*) strays+=" ${f%/cmdline}: $args;" ;; esac
done
[ -z "$strays" ] || fail "processes mentioning $te_dir remain: $strays"
pass "no process mentions the state directory"
[ ! -e "$te_dir" ] || fail "state directory $te_dir still exists"
pass "state directory removed"
[ ! -e "$env_file" ] || fail "env file $env_file still exists"
pass "env file removed"
if "$REPO_ROOT/scripts/testenv" status --dir "$te_dir" >/dev/null 2>&1; then fail "status says running after down"; fi
pass "status reports not running"
done_checks
