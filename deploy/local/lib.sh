# shellcheck shell=bash
# Helpers shared by the deploy/local/*.sh scripts. Source it; do not run it.
#
# Sets REPO_ROOT (from this file's own path, so the scripts work from any working directory)
# and VAR_DIR (= $REPO_ROOT/var, gitignored: every piece of local state lives there, except
# PostgreSQL's cluster, which Debian's pg_ctlcluster keeps in /var/lib/postgresql).
#
# Conventions: progress and errors go to stderr; stdout is left for machine-readable output
# (infra.sh prints `export` lines there).

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$LOCAL_DIR/../.." && pwd)"
VAR_DIR="$REPO_ROOT/var"
export DEBIAN_FRONTEND=noninteractive

# PART names the part in every message ("kafka", "postgres", ...); each script sets it.
PART="${PART:-local}"

# Any unexpected failure (set -e) names the part, the script line and the command; errtrace
# makes the trap fire inside functions too.
set -o errtrace
trap 'printf "[%s] ERROR: %s failed (exit %d) at %s:%d\n" "$PART" "$BASH_COMMAND" "$?" "${BASH_SOURCE[0]##*/}" "$LINENO" >&2' ERR

log() { printf '[%s] %s\n' "$PART" "$*" >&2; }

# die MESSAGE [LOGFILE...]: print an error naming the part, the tail of its logs, and exit 1.
die() {
    local msg="$1"; shift
    printf '[%s] ERROR: %s\n' "$PART" "$msg" >&2
    local f
    for f in "$@"; do
        if [[ -s "$f" ]]; then
            printf '[%s] ---- last lines of %s ----\n' "$PART" "$f" >&2
            # Logs appended to by several runs (spawn's "==== " lines): only the last run.
            awk '/^==== / { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$f" |
                tail -n 40 | sed "s/^/[$PART]   /" >&2
            printf '[%s] ----\n' "$PART" >&2
        fi
    done
    exit 1
}

# as_root CMD...: run as root (directly when we are root, else through sudo).
as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

# now_s: seconds since the epoch with decimals, for measuring start-up times.
now_s() { date +%s.%N; }
# elapsed_s START: seconds since START, one decimal.
elapsed_s() { awk -v s="$1" -v e="$(now_s)" 'BEGIN { printf "%.1f", e - s }'; }

# apt_ensure PACKAGE...: install the packages that are missing (and only then `apt-get update`,
# once). Our own apt calls are serialised with a lock file because infra.sh starts parts in
# parallel, and dpkg's lock is waited on instead of failing at once.
apt_ensure() {
    local pkg missing=()
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    command -v apt-get >/dev/null 2>&1 || die "missing packages ${missing[*]} and no apt-get to install them"
    mkdir -p "$VAR_DIR/log"
    local apt_log="$VAR_DIR/log/apt-$PART.log"
    log "installing ${missing[*]} with apt (log: $apt_log)"
    (
        flock 9
        # (8>&- 9>&-: a daemon started by a package's postinst must not inherit our locks)
        as_root apt-get -o DPkg::Lock::Timeout=300 update -q 8>&- 9>&- &&
            as_root apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}" 8>&- 9>&-
    ) 9>"$VAR_DIR/log/apt.lock" >"$apt_log" 2>&1 || die "apt-get could not install ${missing[*]}" "$apt_log"
}

# pid_running PIDFILE [CMDLINE-FRAGMENT]: true when the pid in PIDFILE is alive (and, when a
# fragment is given, its command line contains it: a stale pid file may name a reused pid).
pid_running() {
    local pidfile="$1" fragment="${2:-}" pid
    [[ -s "$pidfile" ]] || return 1
    pid="$(<"$pidfile")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    # A process killed with SIGKILL stays a zombie until its parent reaps it: that is not running.
    [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]] || return 1
    if [[ -n "$fragment" ]]; then
        tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$fragment" || return 1
    fi
}

# alive PID: the process exists and is not a zombie (a SIGKILLed process stays one until it is reaped).
alive() {
    kill -0 "$1" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]]
}

# stop_pidfile PIDFILE WHAT [GRACE_SECONDS] [CMDLINE-FRAGMENT]: SIGTERM the process, wait, SIGKILL
# after the grace (0: SIGKILL at once, a crash). With a fragment, a pid whose command line does not
# contain it is a reused pid, not ours: it is left alone and the pid file removed.
stop_pidfile() {
    local pidfile="$1" what="$2" grace="${3:-30}" fragment="${4:-}" pid i
    if [[ ! -s "$pidfile" ]]; then
        log "$what is not running (no pid file)"
        return 0
    fi
    pid="$(<"$pidfile")"
    if ! pid_running "$pidfile" "$fragment"; then
        log "$what is not running (stale pid file removed)"
        rm -f "$pidfile"
        return 0
    fi
    if ((grace > 0)); then
        log "stopping $what (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < grace * 10; i++)); do
            alive "$pid" || break
            sleep 0.1
        done
        alive "$pid" && log "$what did not stop within ${grace}s; sending SIGKILL"
    else
        log "killing $what (pid $pid, SIGKILL)"
    fi
    if alive "$pid"; then
        kill -KILL "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do alive "$pid" || break; sleep 0.1; done
    fi
    rm -f "$pidfile"
    log "$what stopped"
}

# pids_with FRAGMENT: the live processes whose command line (arguments joined by spaces) contains
# FRAGMENT, one pid a line; a trailing space in FRAGMENT also matches the end of the command line.
pids_with() {
    local re pid
    re="$(printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g')"
    [[ "$re" != *" " ]] || re="${re% }( |\$)"
    while read -r pid; do
        if alive "$pid"; then echo "$pid"; fi
    done < <(pgrep -f -- "$re" || true)
}

# adopt PIDFILE FRAGMENT [CWD]: when PIDFILE names no live process but exactly one process has
# FRAGMENT in its command line (and, when given, CWD as its working directory), record its pid.
# That is how a part started from this checkout whose pid file was lost (a removed var/, a start
# cut short) is still stopped by `stop` instead of being left running. True when adopted.
adopt() {
    local pidfile="$1" fragment="$2" cwd="${3:-}" pid found=()
    pid_running "$pidfile" "$fragment" && return 1
    while read -r pid; do
        if [[ -z "$cwd" || "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$cwd" ]]; then found+=("$pid"); fi
    done < <(pids_with "$fragment")
    ((${#found[@]} == 1)) || return 1
    mkdir -p "$(dirname "$pidfile")"
    echo "${found[0]}" >"$pidfile"
    log "found pid ${found[0]} ($fragment) without a pid file: recorded it in $pidfile"
}

# port_open PORT [HOST]: true when something accepts TCP connections there (bash's /dev/tcp).
port_open() {
    (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null
}

# port_owner PORT: the "users:((...))" description of who listens on 127.0.0.1:PORT, if anyone.
port_owner() {
    ss -Hltnp "sport = :$1" 2>/dev/null | awk '{ print $4, $NF }' | head -n 3
}

# listener_pids PORT: the pids holding a socket that listens on PORT (from ss; every nginx worker too).
listener_pids() {
    ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u
}

# require_free_port PORT WHAT: exit with an error naming the owner when something listens on PORT
# (a leftover process or another stack answering there would be taken for ours).
require_free_port() {
    port_open "$1" || return 0
    die "port $1 for $2 is taken by another process: $(port_owner "$1")"
}

# wait_until TIMEOUT_SECONDS COMMAND...: poll COMMAND every 0.2 s until it succeeds.
wait_until() {
    local timeout="$1"; shift
    local deadline=$((SECONDS + timeout))
    while ((SECONDS < deadline)); do
        "$@" && return 0
        sleep 0.2
    done
    "$@"
}

# spawn PIDFILE LOGFILE CMD...: start CMD detached (own session, so it outlives this script and
# the caller's process group; stdin closed; output appended to LOGFILE) and record its pid.
# `setsid` execs in place here (our background child is never a group leader), so $! is the pid
# of CMD itself. fds 8 and 9 (our locks) are closed: a daemon must not inherit and hold them.
spawn() {
    local pidfile="$1" logfile="$2"; shift 2
    printf '\n==== %s start: %s\n' "$(date -Is)" "$*" >>"$logfile"
    setsid "$@" </dev/null >>"$logfile" 2>&1 8>&- 9>&- &
    echo $! >"$pidfile"
}

# lock_part NAME: hold an exclusive lock (on fd 8) until this script exits, so that two starts
# (or a start and a stop) of the same part, e.g. from infra.sh and a test runner at once, run one
# after the other; the second one then finds the part running and reuses it. Every command that
# leaves a daemon behind must run with `8>&-`, or the daemon would hold the lock forever.
lock_part() {
    mkdir -p "$VAR_DIR/locks"
    exec 8>"$VAR_DIR/locks/$1.lock"
    if ! flock -n 8; then
        log "waiting for another $1 start/stop to finish"
        flock -w 600 8 || die "timed out waiting for the lock $VAR_DIR/locks/$1.lock"
    fi
}

# usage_exit SCRIPT COMMANDS: print a usage line and exit 2.
usage_exit() {
    printf 'usage: %s %s\n' "$1" "$2" >&2
    exit 2
}
