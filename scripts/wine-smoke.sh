#!/usr/bin/env bash
# Smoke-test the Windows build of netdbg under Wine (Debian 12: Wine 8), headless.
#
#   scripts/wine-smoke.sh [PATH/TO/netdbg.exe]
#       default: target/x86_64-pc-windows-gnu/release/netdbg.exe (relative to the repo)
#
# Checks (each prints PASS or FAIL; the exit status is non-zero if any fails):
#   a. gui         the window opens (NETDBG_LANG=zh), a screenshot is saved to $SHOT
#                  (default ./windows-smoke.png), the process is still alive 5 s later
#   b. wine->linux `netdbg.exe udp send` reaches a Linux UDP listener on 127.0.0.1
#   c. linux->wine `netdbg.exe udp listen --json` receives a datagram sent from Linux;
#                  if the exe prints nothing (GUI subsystem, no console), the check falls
#                  back to what Linux can see: the port was bound and the listener ended
#                  at once after the datagram (--count 1) instead of at its idle timeout.
#
# Environment:
#   SHOT=FILE.png           where the screenshot goes (default ./windows-smoke.png)
#   NETDBG_WINEPREFIX=DIR   Wine prefix to use (default ~/.cache/netdbg-wine; kept warm between runs)
#   KEEP=1                  keep the temp folder (logs, the exe copy) even when everything passes
#   SMOKE_TIMEOUT=SECS      hard limit for the whole run (default 600; a warm run takes well under a minute)
#
# Only 127.0.0.1 is used. Everything started here (Xvfb, wine processes, the prefix's wineserver,
# python listeners) is stopped on exit. The bcryptprimitives.dll stand-in (windows/README.md) is
# built next to a COPY of the exe in the temp folder, never next to the original.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
exe_arg=${1:-$repo/target/x86_64-pc-windows-gnu/release/netdbg.exe}
case $exe_arg in /*) exe_src=$exe_arg ;; *) exe_src=$PWD/$exe_arg ;; esac
shot=${SHOT:-windows-smoke.png}
case $shot in /*) ;; *) shot=$PWD/$shot ;; esac
prefix=${NETDBG_WINEPREFIX:-$HOME/.cache/netdbg-wine}
smoke_timeout=${SMOKE_TIMEOUT:-600}

say() { printf 'wine-smoke: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

[[ -f $exe_src ]] || die "no exe at $exe_src (build it: cargo build --release --target x86_64-pc-windows-gnu)"

# --- tools -------------------------------------------------------------------------------
need=()
command -v wine >/dev/null || need+=(wine wine64)
command -v Xvfb >/dev/null || need+=(xvfb)
command -v xdotool >/dev/null || need+=(xdotool)
[[ -x /usr/bin/import ]] || need+=(imagemagick)
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
command -v python3 >/dev/null || need+=(python3)
if ((${#need[@]})); then
  [[ $(id -u) == 0 ]] || die "missing packages (${need[*]}); run as root or install them"
  say "installing ${need[*]} ..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null) \
    || die "could not install ${need[*]}"
fi
# ImageMagick's own binaries, not a stand-in that may sit earlier on PATH.
import_bin=$(ls /usr/bin/import-im6.q16 /usr/bin/import 2>/dev/null | head -n1)
identify_bin=$(ls /usr/bin/identify-im6.q16 /usr/bin/identify 2>/dev/null | head -n1)

# --- temp folder, exe copy, the dll --------------------------------------------------------
t0=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/netdbg-wine-smoke.XXXXXX")
cp "$exe_src" "$tmp/netdbg.exe"
"$repo/windows/bcryptprimitives/build.sh" "$tmp" >/dev/null || die "could not build bcryptprimitives.dll"

export WINEPREFIX=$prefix WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
# Wine's own "install wine32" nag and similar noise go to stderr; keep it out of the way.
mkdir -p "$(dirname "$prefix")"

pids=()          # everything to stop on exit
xvfb_pid=""
failed=0
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  # Stop this prefix's wineserver and whatever Windows processes it still runs (only ours:
  # the prefix is private to this script, and the lock below keeps runs from overlapping).
  if [[ -d $WINEPREFIX ]]; then timeout 15 wineserver -k >/dev/null 2>&1; timeout 10 wineserver -w >/dev/null 2>&1; fi
  [[ -n $xvfb_pid ]] && kill "$xvfb_pid" 2>/dev/null
  [[ -n ${watchdog_pid:-} ]] && kill "$watchdog_pid" 2>/dev/null
  if ((failed)) || [[ ${KEEP:-} == 1 ]] || ((rc != 0)); then
    say "logs kept in $tmp"
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

# Hard limit for the whole run.
main_pid=$$
( sleep "$smoke_timeout" & s=$!; trap 'kill $s 2>/dev/null; exit 0' TERM; wait "$s" || exit 0
  say "gave up after ${smoke_timeout}s"; kill -TERM "$main_pid" ) 2>/dev/null &
watchdog_pid=$!

# One run at a time per prefix.
exec 9>"$prefix.lock"
flock -w 300 9 || die "another wine-smoke run holds $prefix.lock"

# --- X display -------------------------------------------------------------------------------
Xvfb -displayfd 8 -screen 0 1280x800x24 -nolisten tcp 8>"$tmp/display" >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do [[ -s $tmp/display ]] && break; sleep 0.1; done
[[ -s $tmp/display ]] || die "Xvfb did not start"
export DISPLAY=:$(head -n1 "$tmp/display")

# --- Wine prefix -----------------------------------------------------------------------------
if [[ ! -f $WINEPREFIX/system.reg ]]; then
  say "creating the Wine prefix $WINEPREFIX (once; about a minute) ..."
  timeout 300 wineboot -u >"$tmp/wineboot.log" 2>&1 || die "wineboot failed; see $tmp/wineboot.log"
fi
# Keep one wineserver up for the whole run (faster than one per wine call); killed in cleanup.
wineserver -p >/dev/null 2>&1
wine_version=$(wine --version 2>/dev/null)
say "$wine_version, prefix $WINEPREFIX, display $DISPLAY, exe $exe_src"

result() { # NAME STATUS DETAIL...
  local name=$1 status=$2; shift 2
  [[ $status == PASS ]] || failed=1
  printf '%s %s: %s\n' "$status" "$name" "$*"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Is 127.0.0.1:PORT bound by a UDP socket? (read /proc, so nothing is disturbed)
udp_bound() {
  local hex; hex=$(printf '0100007F:%04X' "$1")
  grep -q " $hex " /proc/net/udp
}

# --- a. GUI ----------------------------------------------------------------------------------
check_gui() {
  local start=$SECONDS t_start pid wid="" alive
  t_start=$(date +%s.%N)
  (cd "$tmp" && NETDBG_LANG=zh exec wine ./netdbg.exe >"$tmp/gui.out" 2>"$tmp/gui.err") &
  pid=$!; pids+=("$pid")
  while ((SECONDS - start < 90)); do
    wid=$(xdotool search --onlyvisible --name netdbg 2>/dev/null | head -n1)
    [[ -n $wid ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if [[ -z $wid ]]; then
    result gui FAIL "no window named netdbg (process $(kill -0 "$pid" 2>/dev/null && echo alive || echo exited)); stderr: $(tail -c 400 "$tmp/gui.err" | tr '\n' ' ')"
    return
  fi
  local appeared; appeared=$(awk -v a="$(date +%s.%N)" -v b="$t_start" 'BEGIN { printf "%.1f", a - b }')
  local title; title=$(xdotool getwindowname "$wid" 2>/dev/null || echo '?')
  sleep 5
  kill -0 "$pid" 2>/dev/null && alive=1 || alive=0
  "$import_bin" -window root "$shot" 2>/dev/null
  local colours; colours=$("$identify_bin" -format '%k' "$shot" 2>/dev/null || echo 0)
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  if ((alive == 0)); then
    result gui FAIL "window appeared after ${appeared}s but the process died within 5 s; stderr: $(tail -c 400 "$tmp/gui.err" | tr '\n' ' ')"
  elif ((colours < 16)); then
    result gui FAIL "window appeared, process alive, but the screenshot $shot is nearly blank ($colours colours)"
  else
    result gui PASS "window \"$title\" after ${appeared}s, alive 5 s later, screenshot $shot ($colours colours)"
  fi
}

# --- b. Wine -> Linux ------------------------------------------------------------------------
check_wine_to_linux() {
  local msg="hello from wine" port lpid rc
  python3 - "$tmp/b.port" "$tmp/b.got" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.settimeout(60)
try:
    data, peer = s.recvfrom(65535)
    open(sys.argv[2], "wb").write(data)
except socket.timeout:
    pass
EOF
  lpid=$!; pids+=("$lpid")
  for _ in $(seq 50); do [[ -s $tmp/b.port ]] && break; sleep 0.1; done
  port=$(cat "$tmp/b.port" 2>/dev/null)
  [[ -n $port ]] || { result wine-to-linux FAIL "the python listener did not start"; return; }
  (cd "$tmp" && timeout 60 wine ./netdbg.exe udp send --bind 127.0.0.1:0 --to "127.0.0.1:$port" "$msg" >"$tmp/b.out" 2>"$tmp/b.err")
  rc=$?
  for _ in $(seq 50); do [[ -f $tmp/b.got ]] && break; sleep 0.1; done
  kill "$lpid" 2>/dev/null
  local got; got=$(cat "$tmp/b.got" 2>/dev/null)
  local printed; printed=$(head -c 300 "$tmp/b.out" | tr '\n' ' ')
  if [[ $got == "$msg" ]]; then
    result wine-to-linux PASS "listener on 127.0.0.1:$port got \"$got\"; exe exit $rc; exe stdout: ${printed:-<nothing>}"
  else
    result wine-to-linux FAIL "listener on 127.0.0.1:$port got \"${got:-<nothing>}\"; exe exit $rc; stdout: ${printed:-<nothing>}; stderr: $(tail -c 300 "$tmp/b.err" | tr '\n' ' ')"
  fi
}

# --- c. Linux -> Wine ------------------------------------------------------------------------
check_linux_to_wine() {
  local msg="hello from linux" port pid start bound=0 rc elapsed
  port=$(free_port)
  start=$SECONDS
  (cd "$tmp" && exec wine ./netdbg.exe udp listen --bind "127.0.0.1:$port" --count 1 --json --timeout 20 >"$tmp/c.out" 2>"$tmp/c.err") &
  pid=$!; pids+=("$pid")
  while ((SECONDS - start < 40)); do
    udp_bound "$port" && { bound=1; break; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if ((bound == 0)); then
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    result linux-to-wine FAIL "127.0.0.1:$port never got bound; stdout: $(head -c 300 "$tmp/c.out" | tr '\n' ' '); stderr: $(tail -c 300 "$tmp/c.err" | tr '\n' ' ')"
    return
  fi
  local sent_at=$SECONDS
  python3 -c 'import socket,sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(sys.argv[1].encode(), ("127.0.0.1", int(sys.argv[2])))' "$msg" "$port"
  # --count 1: the listener ends right after the first datagram; --timeout 20: otherwise 20 s idle.
  while kill -0 "$pid" 2>/dev/null && ((SECONDS - sent_at < 40)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    result linux-to-wine FAIL "listener on 127.0.0.1:$port still running 40 s after the datagram"
    return
  fi
  wait "$pid"; rc=$?
  elapsed=$((SECONDS - sent_at))
  local printed; printed=$(head -c 400 "$tmp/c.out" | tr '\n' ' ')
  if python3 - "$tmp/c.out" "$msg" <<'EOF'
import json, sys
want = sys.argv[2]
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    try:
        ev = json.loads(line)
    except ValueError:
        continue
    if ev.get("event") == "received" and ev.get("text") == want:
        sys.exit(0)
sys.exit(1)
EOF
  then
    result linux-to-wine PASS "JSON received event with \"$msg\" (exit $rc, ${elapsed}s after the send); stdout: $printed"
  elif [[ -z $printed ]] && ((rc == 0 && elapsed < 10)); then
    result linux-to-wine PASS "(inferred) the exe PRINTED NOTHING to its redirected stdout, but it bound 127.0.0.1:$port and ended with exit 0 ${elapsed}s after the datagram (--count 1), not at its 20 s idle timeout"
  else
    result linux-to-wine FAIL "no JSON received event with \"$msg\"; exit $rc ${elapsed}s after the send; stdout: ${printed:-<nothing>}; stderr: $(tail -c 300 "$tmp/c.err" | tr '\n' ' ')"
  fi
}

check_gui
check_wine_to_linux
check_linux_to_wine

say "done in $(($(date +%s) - t0))s ($wine_version)"
if ((failed)); then say "some checks FAILED"; exit 1; fi
say "all checks passed"
exit 0
