#!/usr/bin/env bash
# The real window under one TCP client writing 64 KiB blocks flat out: peak memory,
# click-to-repaint time, exact counters, and a capture that holds every byte.
#
#   benches/tcp_flood_gui.sh [BINARY]        (default: target/release/netdbg)
#   SECS=10 PORT=8091 CAPTURE=1 benches/tcp_flood_gui.sh
#
# Starts netdbg in its own Xvfb display (NETDBG_PROBE=1, fresh settings folder),
# opens the TCP server tab, starts listening and (CAPTURE=1) starts "Capture to
# file…" through the file dialog. A Python client then sends as fast as loopback
# takes it for SECS, hashing what it sent, while this script clicks an inert spot
# of the window every 0.5 s; the probe prints when the frame that handled each
# press was on screen. The same sender against `nc -l >/dev/null` first gives the
# reference rate on this machine in this run.
# Needs xvfb, xdotool, zenity (the file dialog), python3 and nc.
set -euo pipefail
bin=$(realpath "${1:-target/release/netdbg}")
send=$(dirname "$0")/common/bulk_send.py
secs=${SECS:-10} port=${PORT:-8091} capture=${CAPTURE:-1}
if [ "$capture" = 1 ] && ! command -v zenity >/dev/null; then
  echo "CAPTURE=1 needs zenity (the file dialog): apt-get install zenity, or CAPTURE=0" >&2
  exit 1
fi
work=$(mktemp -d)
disp=:$((300 + RANDOM % 500))
cleanup() { kill "${app:-}" "${xvfb:-}" "${peak_watch:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
x() { DISPLAY=$disp xdotool "$@"; }


# Reference: the same sender into nc, in this run.
nc -l 127.0.0.1 "$port" >/dev/null & ncpid=$!
sleep 0.5
read -r _ _ nc_rate < <(python3 "$send" "$port" "$secs")
wait "$ncpid" 2>/dev/null || true

Xvfb "$disp" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & xvfb=$!
sleep 1
HOME=$work XDG_DATA_HOME=$work XDG_RUNTIME_DIR=$work DISPLAY=$disp NETDBG_PROBE=1 NETDBG_LANG=en \
  "$bin" 2>"$work/probe.log" & app=$!
wid=$(x search --sync --onlyvisible --name netdbg | head -n1)
sleep 2
# Default layout, English: the tab, the port field, Start listening.
x mousemove --window "$wid" 90 12 click 1
sleep 0.5
x mousemove --window "$wid" 113 63 click 1
x windowfocus --sync "$wid" key --window "$wid" ctrl+a type --delay 80 --window "$wid" "$port"
x mousemove --window "$wid" 62 183 click 1
for _ in $(seq 50); do ss -Htln "sport = :$port" | grep -q . && break; sleep 0.1; done
ss -Htln "sport = :$port" | grep -q . || { DISPLAY=$disp import -window root /tmp/tcp_flood_fail.png; echo "netdbg is not listening on $port (screen: /tmp/tcp_flood_fail.png)" >&2; exit 1; }
if [ "$capture" = 1 ]; then
  # "Capture to file…", then the dialog: the whole path in the name field.
  x mousemove --window "$wid" 338 89 click 1
  dialog=$(DISPLAY=$disp timeout 10 xdotool search --sync --onlyvisible --class zenity | head -n1) || true
  [ -n "$dialog" ] || { DISPLAY=$disp import -window root /tmp/tcp_flood_fail.png; echo "no file dialog (screen: /tmp/tcp_flood_fail.png)" >&2; exit 1; }
  sleep 1
  x windowfocus --sync "$dialog" key --window "$dialog" ctrl+a
  x type --delay 20 --window "$dialog" "$work/capture.jsonl"
  x key --window "$dialog" Return
  for _ in $(seq 50); do [ -e "$work/capture.jsonl" ] && break; sleep 0.1; done
  [ -e "$work/capture.jsonl" ] || { DISPLAY=$disp import -window root /tmp/tcp_flood_fail.png; echo "the capture did not start (screen: /tmp/tcp_flood_fail.png)" >&2; exit 1; }
  sleep 0.5
fi

# Inert spot: the empty part of the settings column. First 10 clicks on the idle
# window: what the method itself costs (X, one frame).
x mousemove --window "$wid" 130 660
: >"$work/idle_clicks.txt"
sleep 3.3 & idle=$!
DISPLAY=$disp python3 "$(dirname "$0")/common/xtest_clicks.py" "$idle" 0.3 "$work/idle_clicks.txt"
sleep 0.5
python3 "$send" "$port" "$secs" >"$work/sent.txt" & sender=$!
if [ -n "${RENICE:-}" ]; then
  sleep 0.3
  for task in /proc/$app/task/*; do
    case $(cat "$task/comm") in tcp-client*|tcp-serve*|client*) renice -n "$RENICE" -p "$(basename "$task")" >/dev/null; echo "reniced $(cat "$task/comm")";; esac
  done
fi
: >"$work/clicks.txt"
DISPLAY=$disp python3 "$(dirname "$0")/common/xtest_clicks.py" "$sender" 0.5 "$work/clicks.txt"
read -r sent sha nd_rate <"$work/sent.txt"
rss_during=$(awk '/VmHWM/ {print $2}' "/proc/$app/status")
# Every byte counted (the probe prints the engine's counters once a second).
counted=0
for _ in $(seq 120); do
  counted=$(grep -o 'rx_bytes=[0-9]*' "$work/probe.log" | tail -n1 | cut -d= -f2)
  [ "${counted:-0}" -ge "$sent" ] && break
  x mousemove --window "$wid" 131 661 mousemove --window "$wid" 130 660
  sleep 0.5
done
capture_sha=none
if [ "$capture" = 1 ]; then
  # Stop capturing (the same button), then hash the received bytes it holds.
  x mousemove --window "$wid" 338 89 click 1
  sleep 2
  capture_sha=$(python3 - "$work/capture.jsonl" <<'PY'
import hashlib, json, sys
digest = hashlib.sha256()
with open(sys.argv[1]) as f:
    for line in f:
        record = json.loads(line)
        if record["dir"] == "rx":
            digest.update(bytes.fromhex(record["hex"]))
print(digest.hexdigest())
PY
)
fi
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$app/status")
latency() { # latency CLICKS_FILE PREFIX
  python3 "$(dirname "$0")/common/click_latency.py" "$1" "$work/probe.log" "$2"
}
idle_latency=$(latency "$work/idle_clicks.txt" idle_)
flood_latency=$(latency "$work/clicks.txt" "")
echo "--- frame times during the flood (probe: CPU time per frame, once a second) ---"
grep 'probe frames' "$work/probe.log" | tail -n 15
match=no
[ "$capture_sha" = "$sha" ] && match=yes
[ "$capture" = 1 ] || match=not-captured
echo "RESULT tcp_flood_gui secs=$secs sent_bytes=$sent counted_bytes=${counted:-0} rate_MBps=$nd_rate nc_rate_MBps=$nc_rate $flood_latency $idle_latency peak_rss_kb=$hwm peak_rss_kb_at_end_of_flood=$rss_during capture_sha256_matches=$match"
