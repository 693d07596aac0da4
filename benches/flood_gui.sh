#!/usr/bin/env bash
# The real window under a UDP flood: does it stay responsive, and is anything lost?
#
#   benches/flood_gui.sh [BINARY]        (default: target/release/netdbg)
#   RATE=250000 SECS=10 PORT=7788 SHOT=after.png benches/flood_gui.sh
#   RATE=100000 SECS=10 SEARCH=xxxx benches/flood_gui.sh   (with a query in Search)
#   LOG_LINES=1000000 ...                  (the "Log limit (lines)" setting first)
#   CLICKS=1 ...                           (click an inert spot every 0.25 s during the
#                                           flood: click-to-repaint median/p90/p99/max)
#   MARK=needle ...                        (the first datagram says MARK, so a SEARCH for
#                                           it has one match)
#   SCROLL=1 ...                           (after the flood, scroll the log 40 wheel steps:
#                                           the mean frame time while scrolling)
#   SPIN=1 ...                             (the sender busy-waits between bursts instead of
#                                           sleeping: how this bench sent until 2026-12-05)
#
# Starts netdbg in its own Xvfb display with NETDBG_PROBE=1 and a fresh settings
# folder, clicks "Open" (UDP on 0.0.0.0:PORT), blasts 64-byte datagrams at RATE/s
# for SECS from a paced Python sender on 127.0.0.1, then prints the frame times the
# app measured, the datagrams it counted against those sent, and its RSS.
# The sender sends each millisecond's datagrams in a burst and sleeps once it has
# caught up. A flood normally comes from another machine; a sender that spins
# would take one of this machine's 2 cores from netdbg (with SPIN=1 the worst
# frame under a search was 12.1, 19.3 and 15.2 ms in three runs; sleeping, it was
# 13.9, 12.6 and 13.5 ms in the three runs alternated with them).
# Needs xvfb, xdotool and python3 (apt-get install -y xvfb xdotool).
set -euo pipefail
bin=$(realpath "${1:-target/release/netdbg}")
rate=${RATE:-250000} secs=${SECS:-10} port=${PORT:-7788}
work=$(mktemp -d)
disp=:$((300 + RANDOM % 500))
# PROBE_LOG=FILE keeps the app's probe lines (slow frames one by one) for a closer look.
cleanup() {
  kill "${app:-}" "${xvfb:-}" 2>/dev/null || true
  [ -n "${PROBE_LOG:-}" ] && cp "$work/probe.log" "$PROBE_LOG"
  rm -rf "$work"
}
trap cleanup EXIT

Xvfb "$disp" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & xvfb=$!
sleep 1
HOME=$work XDG_DATA_HOME=$work DISPLAY=$disp NETDBG_PROBE=1 NETDBG_LANG=en "$bin" 2>"$work/probe.log" & app=$!
wid=$(DISPLAY=$disp xdotool search --sync --onlyvisible --name netdbg | head -n1)
sleep 2
# Port field, then "Open", at the top of the settings panel (default layout, English).
DISPLAY=$disp xdotool mousemove --window "$wid" 107 63 click 1
DISPLAY=$disp xdotool windowfocus --sync "$wid" key --window "$wid" ctrl+a type --delay 80 --window "$wid" "$port"
DISPLAY=$disp xdotool mousemove --window "$wid" 68 91 click 1
for _ in $(seq 50); do ss -Huln "sport = :$port" | grep -q . && break; sleep 0.1; done
ss -Huln "sport = :$port" | grep -q . || { echo "netdbg did not open UDP port $port" >&2; exit 1; }
if [ -n "${LOG_LINES:-}" ]; then
  # "Log limit (lines)" (below the Encoding label and its list): a double click edits
  # the number. Where the settings column changes, this moves: look at a screenshot.
  DISPLAY=$disp xdotool mousemove --window "$wid" 133 296 click --repeat 2 1
  DISPLAY=$disp xdotool key --window "$wid" ctrl+a type --delay 80 --window "$wid" "$LOG_LINES"
  DISPLAY=$disp xdotool key --window "$wid" Return
  sleep 0.5
fi
if [ -n "${SEARCH:-}" ]; then
  # The log's Search field (default layout, English): every frame keeps its matches.
  DISPLAY=$disp xdotool mousemove --window "$wid" 390 66 click 1
  DISPLAY=$disp xdotool type --delay 80 --window "$wid" "$SEARCH"
  sleep 0.5
fi

before=$(grep -c 'probe frames' "$work/probe.log" || true)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$app/stat"; }
ticks_before=$(cpu_ticks)
cat >"$work/send.py" <<'PY'
import socket, sys, time
rate, secs, port = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
spin = len(sys.argv) > 5 and sys.argv[5] == "1"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
payload = b"x" * 64
mark = sys.argv[4].encode() if len(sys.argv) > 4 and sys.argv[4] else b""
if mark:
    s.sendto(mark, ("127.0.0.1", port))
burst = max(1, rate // 1000)
start = time.perf_counter()
sent = 0
while True:
    now = time.perf_counter() - start
    if now >= secs:
        break
    due = int(now * rate)
    while sent < due:
        for _ in range(min(burst, due - sent)):
            s.sendto(payload, ("127.0.0.1", port))
        sent += min(burst, due - sent)
    if not spin:
        # Caught up: give the core back until the next half millisecond's datagrams
        # are due (a device on the network costs this machine nothing between them).
        time.sleep(0.0005)
print(sent + (1 if mark else 0))
PY
python3 "$work/send.py" "$rate" "$secs" "$port" "${MARK:-}" "${SPIN:-0}" >"$work/sent.txt" & sender=$!
: >"$work/clicks.txt"
if [ "${CLICKS:-0}" = 1 ]; then
  # Inert spot: the empty part of the settings column.
  DISPLAY=$disp xdotool mousemove --window "$wid" 130 660
  DISPLAY=$disp python3 "$(dirname "$0")/common/xtest_clicks.py" "$sender" 0.25 "$work/clicks.txt"
fi
wait "$sender"
sent=$(cat "$work/sent.txt")
cpu_pct=$(awk -v t=$(( $(cpu_ticks) - ticks_before )) -v hz="$(getconf CLK_TCK)" -v s="$secs" 'BEGIN {printf "%.1f", 100 * t / hz / s}')
# The probe reports when a frame is drawn; once idle, a mouse move draws one more.
sleep 1.5
DISPLAY=$disp xdotool mousemove --window "$wid" 600 300 mousemove --window "$wid" 610 310
sleep 1
scroll=""
if [ "${SCROLL:-0}" = 1 ]; then
  # Up through the log with the wheel (X buttons 4 = up), 10 steps a second.
  scroll_from=$(grep -c 'probe frames' "$work/probe.log" || true)
  DISPLAY=$disp xdotool mousemove --window "$wid" 680 330
  for _ in $(seq 40); do DISPLAY=$disp xdotool click 4; sleep 0.1; done
  sleep 1.2
  scroll_mean=$(grep 'probe frames' "$work/probe.log" | tail -n +$((scroll_from + 1)) \
    | awk -F'mean_ms=' '{split($2,a," "); s += a[1]; n++} END {if (n) printf "%.1f", s / n; else print "NA"}')
  scroll=" scroll_frame_ms_mean=$scroll_mean"
fi
[ -n "${SHOT:-}" ] && DISPLAY=$disp import -window root "$SHOT"
rss=$(awk '/VmRSS/ {print $2}' "/proc/$app/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$app/status")
anon=$(awk '/RssAnon/ {print $2}' "/proc/$app/status")
# Without a GPU, Mesa's llvmpipe (libLLVM + swrast) is mapped into the process.
mesa=$(awk '/^[0-9a-f]+-/ {name=$6} /^Rss:/ && (name ~ /libLLVM|_dri\.so|swrast/) {kb += $2} END {print kb + 0}' "/proc/$app/smaps")
counted=$(grep -o 'rx_packets=[0-9]*' "$work/probe.log" | tail -n1 | cut -d= -f2)
echo "--- frame times during the flood (probe: CPU time per frame, once a second) ---"
grep 'probe frames' "$work/probe.log" | tail -n +$((before + 1)) | tee "$work/flood.log"
worst=$(awk -F'worst_ms=' '{split($2,a," "); if (a[1]+0>m) m=a[1]+0} END {print m+0}' "$work/flood.log")
clicks=""
[ -s "$work/clicks.txt" ] && clicks=" $(python3 "$(dirname "$0")/common/click_latency.py" "$work/clicks.txt" "$work/probe.log")"
echo "RESULT flood_gui rate=$rate secs=$secs sent=$sent counted=${counted:-0} lost=$((sent - ${counted:-0})) worst_frame_ms=$worst cpu_pct_of_one_core=$cpu_pct rss_kb=$rss hwm_kb=$hwm anon_kb=$anon mesa_software_renderer_kb=$mesa$clicks$scroll"
