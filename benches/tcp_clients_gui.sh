#!/usr/bin/env bash
# The real window with thousands of TCP clients in its list: frame times, memory.
#
#   benches/tcp_clients_gui.sh [BINARY]          (default: target/release/netdbg)
#   CLIENTS=10000 PORT=8089 benches/tcp_clients_gui.sh
#
# Starts netdbg in its own Xvfb display (NETDBG_PROBE=1, fresh settings), opens the
# TCP server tab, sets the port, picks the tutorial auto-reply (收到) and starts
# listening. A Python process on 127.0.0.1 then connects CLIENTS clients; each sends
# one message and waits for the reply. With all of them connected and listed, the
# script scrolls the client table, sorts it and filters it while the probe records
# frame times; then every client sends once more (CLIENTS messages in a burst).
# Needs xvfb, xdotool and python3. PROBE_LOG=FILE keeps the app's probe lines (slow
# frames one by one).
set -euo pipefail
bin=$(realpath "${1:-target/release/netdbg}")
clients=${CLIENTS:-10000} port=${PORT:-8089}
work=$(mktemp -d)
disp=:$((300 + RANDOM % 500))
cleanup() {
  kill "${app:-}" "${xvfb:-}" "${py:-}" 2>/dev/null || true
  if [ -n "${PROBE_LOG:-}" ]; then cp "$work/probe.log" "$PROBE_LOG" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
x() { DISPLAY=$disp xdotool "$@"; }

Xvfb "$disp" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & xvfb=$!
sleep 1
HOME=$work XDG_DATA_HOME=$work DISPLAY=$disp NETDBG_PROBE=1 NETDBG_LANG=en "$bin" 2>"$work/probe.log" & app=$!
wid=$(x search --sync --onlyvisible --name netdbg | head -n1)
sleep 2
# Default layout, English: the tab, the port field, the tutorial preset, Start listening.
x mousemove --window "$wid" 90 12 click 1
sleep 0.5
x mousemove --window "$wid" 113 63 click 1
x windowfocus --sync "$wid" key --window "$wid" ctrl+a type --window "$wid" "$port"
x mousemove --window "$wid" 112 275 click 1
x mousemove --window "$wid" 62 183 click 1
for _ in $(seq 50); do ss -Htln "sport = :$port" | grep -q . && break; sleep 0.1; done
ss -Htln "sport = :$port" | grep -q . || { echo "netdbg is not listening on $port" >&2; exit 1; }

# The clients: non-blocking sockets in one process (no thread per client here).
mkfifo "$work/go"
python3 - "$clients" "$port" "$work/go" >"$work/clients.log" 2>&1 <<'PY' & py=$!
import selectors, socket, sys, time
n, port, go = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
sel = selectors.DefaultSelector()
start = time.perf_counter()
socks = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.setblocking(False)
    s.send(f"hello {i}".encode())
    socks.append(s)
    sel.register(s, selectors.EVENT_READ)
connected = time.perf_counter() - start
pending = n
while pending:
    for key, _ in sel.select(timeout=30):
        if key.fileobj.recv(4096):
            sel.unregister(key.fileobj)
            pending -= 1
    if time.perf_counter() - start > 120:
        break
print(f"connected {n} in {connected:.2f}s, replies {n - pending} in {time.perf_counter() - start:.2f}s", flush=True)
open(go).read()  # the script says when to send the second round
t = time.perf_counter()
for s in socks:
    s.send(b"again")
print(f"second round sent in {time.perf_counter() - t:.2f}s", flush=True)
time.sleep(5)
PY
for _ in $(seq 300); do grep -q replies "$work/clients.log" && break; sleep 0.5; done
cat "$work/clients.log"
threads=$(awk '/Threads/ {print $2}' "/proc/$app/status")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$app/status")
anon=$(awk '/RssAnon/ {print $2}' "/proc/$app/status")

# With every client listed: scroll the table, sort by RX both ways, filter, clear.
# (Default layout: the filter field at y 160, the column headers at 198, rows below.)
before=$(grep -c 'probe frames' "$work/probe.log" || true)
for _ in $(seq 40); do x mousemove --window "$wid" 700 300 click 5; sleep 0.05; done
x mousemove --window "$wid" 612 198 click 1; sleep 0.5; x click 1; sleep 0.5
x mousemove --window "$wid" 398 160 click 1
x windowfocus --sync "$wid" type --window "$wid" "127.0.0.1:4"; sleep 1
x key --window "$wid" ctrl+a BackSpace; sleep 1
echo go >"$work/go"
sleep 4
x mousemove --window "$wid" 600 300 mousemove --window "$wid" 610 310
sleep 1
echo "--- frame times with $clients clients listed (probe: CPU time per frame, once a second) ---"
grep 'probe frames' "$work/probe.log" | tail -n +$((before + 1)) | tee "$work/frames.log"
cat "$work/clients.log" | tail -n 1
worst=$(awk -F'worst_ms=' '{split($2,a," "); if (a[1]+0>m) m=a[1]+0} END {print m+0}' "$work/frames.log")
mean=$(awk -F'mean_ms=' '{split($2,a," "); s+=a[1]; n++} END {if (n) printf "%.2f", s/n; else print 0}' "$work/frames.log")
echo "RESULT tcp_clients_gui clients=$clients worst_frame_ms=$worst mean_frame_ms=$mean threads=$threads rss_kb=$rss anon_kb=$anon"
