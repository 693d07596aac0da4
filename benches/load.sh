#!/usr/bin/env bash
# `netdbg load` measured against references, in one run (issue #20 items 4 and 6):
#   1. RTT accuracy: p50/p99 of a plain C ping-pong (benches/load/pingpong.c) and of
#      `netdbg load tcp --connections 1 --expect-reply`, against the same C echo server.
#   2. Rate accuracy: `netdbg load udp --rate R` achieved vs requested at 1/s, 1,000/s
#      and 100,000/s (and TCP at 1,000/s), measured between the first and last send.
#   3. UDP 64 B flat out: netdbg vs `iperf3 -u -b 0 -l 64` and Packet Sender's CLI (datagrams/s sent).
#   4. TCP one connection, 128 KiB writes: netdbg vs `iperf3` (MB/s).
#   5. Connections/s: 5,000 connections × 1 echoed message against `netdbg echo tcp`
#      and `netdbg tcp serve --echo`.
# Packet Sender is not compared: it is not packaged for Debian and was not installed.
#
#   benches/load.sh [BINARY]     (default: target/release/netdbg)
#   SECS=5 N=20000 benches/load.sh
# Needs cc, iperf3, socat, python3; packetsender (Debian's package) for its line in part 3.
set -euo pipefail
bin=$(realpath "${1:-target/release/netdbg}")
here=$(dirname "$(realpath "$0")")
secs=${SECS:-5} n=${N:-20000}
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

cc -O2 -o "$work/pingpong" "$here/load/pingpong.c"
field() { python3 -c "import json,sys; d=json.loads([l for l in sys.stdin if '\"summary\"' in l][-1]); print($1)"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
background() { "$@" >/dev/null 2>&1 & pids+=($!); sleep 0.3; }

echo "== 1. round trip, 64 B, one connection, $n messages (µs); 3 rounds, alternating"
port=$(free_port); background "$work/pingpong" server "$port"
"$work/pingpong" client "$port" 2000 64 >/dev/null   # warm-up
c50s=() d50s=()
for round in 1 2 3; do
  read -r c50 c99 < <("$work/pingpong" client "$port" "$n" 64)
  read -r d50 d99 < <("$bin" load tcp --to "127.0.0.1:$port" --messages "$n" --size 64 --expect-reply --json \
    | field 'd["rtt_us"]["p50"], d["rtt_us"]["p99"]')
  echo "RESULT load_rtt round=$round reference=c_pingpong p50_us=$c50 p99_us=$c99 netdbg_p50_us=$d50 netdbg_p99_us=$d99"
  c50s+=("$c50") d50s+=("$d50")
done
python3 - "${c50s[@]}" "${d50s[@]}" <<'PY'
import statistics, sys
v = [float(x) for x in sys.argv[1:]]
c, d = statistics.median(v[:3]), statistics.median(v[3:])
print(f"RESULT load_rtt median_p50_us reference={c} netdbg={d} difference={(d - c) / c * 100:+.1f}%")
PY

echo "== 2. rate accuracy (achieved between the first and the last send)"
sink=$(free_port); background socat -u "UDP-RECV:$sink" /dev/null
for spec in "1 6" "1000 $((1000 * secs))" "100000 $((100000 * secs))"; do
  read -r rate count <<<"$spec"
  got=$("$bin" load udp --to "127.0.0.1:$sink" --rate "$rate" --count "$count" --json | field 'd["msgs_per_s"]')
  echo "RESULT load_rate proto=udp requested=$rate count=$count achieved=$got error=$(python3 -c "print(f'{($got-$rate)/$rate*100:+.3f}%')")"
done
echo_port=$(free_port); background "$bin" echo tcp --bind "127.0.0.1:$echo_port"
got=$("$bin" load tcp --to "127.0.0.1:$echo_port" --rate 1000 --messages $((1000 * secs)) --json | field 'd["msgs_per_s"]')
echo "RESULT load_rate proto=tcp requested=1000 count=$((1000 * secs)) achieved=$got error=$(python3 -c "print(f'{($got-1000)/1000*100:+.3f}%')")"

echo "== 3. UDP 64 B flat out for $secs s (datagrams/s sent)"
got=$("$bin" load udp --to "127.0.0.1:$sink" --size 64 --secs "$secs" --json | field 'd["msgs_per_s"]')
echo "RESULT load_udp_max tool=netdbg datagrams_per_s=$got"
iport=$(free_port); background iperf3 -s -p "$iport"
got=$(iperf3 -c 127.0.0.1 -p "$iport" -u -b 0 -l 64 -t "$secs" -J \
  | python3 -c 'import json,sys; s=json.load(sys.stdin)["end"]["sum"]; print(round(s["packets"]/s["seconds"]))')
echo "RESULT load_udp_max tool=iperf3 datagrams_per_s=$got"
# Packet Sender's command line (Debian's packetsender): its "intense traffic" mode,
# as fast as it goes (no rate, no delay), for as many datagrams as netdbg sent per second.
if command -v packetsender >/dev/null; then
  count=$(( ${got%.*} * secs / 2 ))
  got=$(QT_QPA_PLATFORM=offscreen packetsender -q -u --num "$count" --rate 0 --usdelay 0 127.0.0.1 "$sink" \
    "$(python3 -c "print('78' * 64)")" 2>&1 | sed -n 's/^Effective rate = \([0-9.]*\) packets.*/\1/p')
  echo "RESULT load_udp_max tool=packetsender datagrams_per_s=$got"
else
  echo "RESULT load_udp_max tool=packetsender skipped=not-installed (apt-get install packetsender)"
fi

echo "== 4. TCP one connection, 128 KiB writes, $secs s (MB/s)"
tport=$(free_port); background socat -u -b 131072 "TCP-LISTEN:$tport,reuseaddr,fork" /dev/null
got=$("$bin" load tcp --to "127.0.0.1:$tport" --size 131072 --secs "$secs" --reply-timeout 1 --json | field 'd["mb_per_s"]')
echo "RESULT load_tcp_throughput tool=netdbg MB_per_s=$got"
got=$(iperf3 -c 127.0.0.1 -p "$iport" -l 131072 -t "$secs" -J \
  | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["end"]["sum_sent"]["bits_per_second"]/8e6, 1))')
echo "RESULT load_tcp_throughput tool=iperf3 MB_per_s=$got"

echo "== 5. connections per second: 5,000 connections, one 64 B echo each"
serve_port=$(free_port); background "$bin" tcp serve --bind "127.0.0.1:$serve_port" --echo
big_echo=$(free_port); background "$bin" echo tcp --bind "127.0.0.1:$big_echo" --max-clients 10000
for target in "netdbg_echo $big_echo" "netdbg_tcp_serve $serve_port"; do
  read -r name port <<<"$target"
  start=$(date +%s.%N)
  got=$("$bin" load tcp --to "127.0.0.1:$port" --connections 5000 --expect-reply --json | field 'd["connected"], d["received"]')
  end=$(date +%s.%N)
  read -r connected received <<<"$got"
  echo "RESULT load_connects server=$name connected=$connected received=$received secs=$(python3 -c "print(round($end-$start,2))") per_s=$(python3 -c "print(round($connected/($end-$start)))")"
done
