# shellcheck shell=bash
# Shared helpers for scripts/testenv: logging, free ports, starting and stopping
# processes by PID. Sourced, not executed.
#
# State directory layout ($TE_DIR):
#   pids/NN-name.pid   "PID STARTTIME" of each started process; the process leads its own
#                      session and process group (PGID == PID), NN is the start order
#   logs/name.log      stdout+stderr of that process
#   ports.used         ports handed out by free_port in this run
#   env                the export lines printed by `up`

log() { printf '[testenv] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# need CMD HINT: fail with HINT unless CMD is on PATH (or an executable path).
need() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found. $2"
}

# now_ms: wall clock in milliseconds, for timing reports.
now_ms() { date +%s%3N; }

# free_port: print a TCP port on 127.0.0.1 that no socket uses (in any state) and that
# this run has not handed out before. Ports come from below the kernel's ephemeral range
# (ip_local_port_range, usually 32768-60999): a port in that range can be taken at any
# moment by an outgoing connection, e.g. the API server's own connections to etcd. The
# caller binds it right away; a lost race shows up as a start failure naming the port.
free_port() {
  local used p lo=15000 hi=32767 eph_lo=32768 eph_hi=60999
  read -r eph_lo eph_hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  if [ "$eph_lo" -gt 17000 ]; then
    hi=$((eph_lo - 1))                      # below the ephemeral range (the usual case)
  elif [ "$eph_hi" -lt 63000 ]; then
    lo=$((eph_hi + 1)); hi=65535            # above it
  fi                                        # else: no room outside it; keep 15000-32767
  used=" $(ss -Htan 2>/dev/null | awk '{n=split($4,a,":"); printf "%s ", a[n]}') "
  [ -f "$TE_DIR/ports.used" ] && used+=" $(tr '\n' ' ' <"$TE_DIR/ports.used") "
  for _ in $(seq 1 500); do
    p=$(( lo + (RANDOM * 32768 + RANDOM) % (hi - lo + 1) ))
    case $used in *" $p "*) continue ;; esac
    echo "$p" >>"$TE_DIR/ports.used"
    echo "$p"
    return 0
  done
  die "no free port found in $lo-$hi"
}

# proc_stat PID: the fields of /proc/PID/stat after "pid (comm)"; $1 is the state,
# $20 the start time (field 22 overall). comm may contain spaces, hence the cut.
proc_stat() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  echo "${stat##*) }"
}

# proc_start_time PID: the kernel start time of PID, used to make sure a recorded PID
# still names the process we started (PIDs get reused).
proc_start_time() {
  local f
  f=$(proc_stat "$1") || return 1
  awk '{print $20}' <<<"$f"
}

# alive PIDFILE: true if the process recorded in PIDFILE still runs (and is no zombie).
alive() {
  local pid st f
  read -r pid st <"$1" 2>/dev/null || return 1
  [ -n "$pid" ] || return 1
  f=$(proc_stat "$pid") || return 1
  # shellcheck disable=SC2086
  set -- $f
  [ "$1" != Z ] && [ "${20}" = "$st" ]
}

# start_bg NAME CMD...: start CMD in its own session/process group, in the background,
# with stdin from /dev/null and output to logs/NAME.log (nothing inherits our stdout,
# so `eval "$(testenv up)"` and CTest never wait on a daemon). Records its PID.
start_bg() {
  local name=$1 n pid
  shift
  n=$(find "$TE_DIR/pids" -name '*.pid' | wc -l)
  # In a non-interactive shell the async child is not a process-group leader, so
  # setsid(1) calls setsid() and execs without forking: $! is the daemon itself.
  setsid "$@" </dev/null >"$TE_DIR/logs/$name.log" 2>&1 &
  pid=$!
  disown "$pid" 2>/dev/null || true
  echo "$pid $(proc_start_time "$pid")" >"$TE_DIR/pids/$(printf '%02d' "$n")-$name.pid"
}

pidfile_of() { find "$TE_DIR/pids" -name "[0-9][0-9]-$1.pid" | head -n1; }

# show_log NAME: last lines of a process's log, to stderr.
show_log() {
  [ -f "$TE_DIR/logs/$1.log" ] || return 0
  log "---- last lines of $TE_DIR/logs/$1.log ----"
  tail -n 25 "$TE_DIR/logs/$1.log" >&2
}

# wait_until NAME SECONDS DESC CMD...: poll CMD (every 0.2 s) until it succeeds; fail if
# the process NAME exits first or SECONDS pass.
wait_until() {
  local name=$1 secs=$2 desc=$3 pf deadline
  shift 3
  pf=$(pidfile_of "$name")
  deadline=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    if [ -n "$pf" ] && ! alive "$pf"; then
      show_log "$name"
      die "$name exited while waiting for $desc"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      show_log "$name"
      die "timed out after ${secs}s waiting for $desc"
    fi
    sleep 0.2
  done
}

# listening_on PORT: something listens on 127.0.0.1:PORT.
listening_on() {
  ss -Htln "sport = :$1" | grep -c . >/dev/null
}

# stop_all DIR [GRACE] [PATTERN]: stop the processes recorded in DIR/pids whose name
# matches the shell PATTERN (default: all). SIGTERM goes to each process group, newest
# first; then we wait until no member of any group is left, and after GRACE seconds
# (default 10) the groups still alive get SIGKILL. Pid files of stopped groups are
# removed; returns non-zero if a group survived even SIGKILL.
stop_all() {
  local dir=$1 grace=${2:-10} pattern=${3:-*} pf pid st name deadline killed
  local -a pfs=() live=() still=()
  mapfile -t pfs < <(find "$dir/pids" -name '*.pid' 2>/dev/null | sort -r)
  for pf in "${pfs[@]}"; do
    name=$(basename "$pf" .pid); name=${name#[0-9][0-9]-}
    # shellcheck disable=SC2053
    [[ $name == $pattern ]] || continue
    read -r pid st <"$pf" || { rm -f "$pf"; continue; }
    if owned_group_alive "$pf"; then
      log "stopping $name (pid $pid)"
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      live+=("$pf")
    else
      rm -f "$pf"
    fi
  done
  deadline=$(( $(date +%s) + grace ))
  killed=0
  while [ ${#live[@]} -gt 0 ]; do
    still=()
    for pf in "${live[@]}"; do
      read -r pid st <"$pf"
      if owned_group_alive "$pf"; then still+=("$pf"); else rm -f "$pf"; fi
    done
    live=("${still[@]+"${still[@]}"}")
    [ ${#live[@]} -gt 0 ] || break
    if [ "$(date +%s)" -ge "$deadline" ]; then
      [ $killed = 0 ] || break                # survived SIGKILL: leave the pid files
      for pf in "${live[@]}"; do
        read -r pid st <"$pf"
        name=$(basename "$pf" .pid); name=${name#[0-9][0-9]-}
        log "$name (pid $pid) did not exit after ${grace}s: SIGKILL"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      done
      killed=1
      deadline=$(( $(date +%s) + 5 ))
    fi
    sleep 0.1
  done
  [ ${#live[@]} = 0 ]
}

# owned_group_alive PIDFILE: the process group recorded in PIDFILE still has a live
# member, and is still ours: while the leader exists its start time must match (a PID is
# only reused once its process group is empty, so members without a leader are ours).
owned_group_alive() {
  local pid st now
  read -r pid st <"$1" 2>/dev/null || return 1
  if [ -d "/proc/$pid" ]; then
    now=$(proc_start_time "$pid") || now=""
    [ -z "$now" ] || [ "$now" = "$st" ] || return 1
  fi
  group_alive "$pid"
}

# group_alive PGID: some non-zombie process is still in process group PGID.
group_alive() {
  ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ {found=1} END {exit !found}'
}

# group_ports PGID: the TCP addresses that members of process group PGID listen on.
group_ports() {
  local pids
  pids=$(ps -e -o pid=,pgid= | awk -v g="$1" '$2 == g {printf "pid=%s,|", $1}')
  [ -n "$pids" ] || return 0
  ss -Htlnp 2>/dev/null | grep -E "${pids%|}" | awk '{print $4}' | sort -u | tr '\n' ' ' || true
}

# emit NAME VALUE: record an export line for `up` to print.
emit() {
  printf 'export %s=%q\n' "$1" "$2" >>"$TE_DIR/env"
}
