#!/usr/bin/env bash
# TLS figures for netdbg against openssl, in one run on loopback:
#   1. throughput of SIZE_MB (default 1024) client → server:
#        openssl s_client → openssl s_server       (the reference)
#        netdbg tcp connect --tls → openssl s_server
#        openssl s_client → netdbg tcp serve --tls
#        and netdbg's plain-TCP cost on the same paths (nc on the other end), since
#        netdbg prints every byte it sends or receives (human lines here; with
#        --json its hex dumps bound it near 45 MB/s, TLS or not)
#   2. handshakes per second (`openssl s_time -new`, SECS seconds, default 5)
#        against openssl s_server and against netdbg tcp serve --tls.
#
#   benches/tls.sh [path/to/netdbg]      (default: target/release/netdbg)
#
# Prints one RESULT line per figure. Needs openssl; only 127.0.0.1 is used.
set -euo pipefail
BIN=${1:-target/release/netdbg}
SIZE_MB=${SIZE_MB:-1024}
SECS=${SECS:-5}
[ -x "$BIN" ] || { echo "tls.sh: no netdbg at $BIN (cargo build --release)" >&2; exit 2; }
command -v openssl >/dev/null || { echo "tls.sh: openssl is not installed" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# A leaf certificate (not a CA) for 127.0.0.1, so both sides accept it with --insecure/-verify off.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -days 1 -subj /CN=127.0.0.1 -addext basicConstraints=critical,CA:FALSE \
  -addext subjectAltName=IP:127.0.0.1 2>/dev/null
truncate -s "${SIZE_MB}M" "$work/data"
# s_server ends a session when its stdin ends: give it one that never does.
mkfifo "$work/hold"
exec 3<>"$work/hold"

port=$((20000 + RANDOM % 20000))
next_port() { port=$((port + 1)); }
wait_port() { for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }
now() { date +%s.%N; }
rate() { awk -v mb="$SIZE_MB" -v t="$1" 'BEGIN { printf "%.0f", mb * 1.048576 / t }'; }

openssl_server() { # port
  openssl s_server -accept "127.0.0.1:$1" -cert "$work/cert.pem" -key "$work/key.pem" -quiet \
    <"$work/hold" >/dev/null 2>&1 &
  pids+=($!)
  wait_port "$1"
  # wait_port's probe was a connection: s_server serves one at a time and is ready again.
  sleep 0.2
}

netdbg_server() { # port
  "$BIN" tcp serve --bind "127.0.0.1:$1" --tls --cert "$work/cert.pem" --key "$work/key.pem" \
    --max-clients 100 >/dev/null 2>&1 &
  pids+=($!)
  wait_port "$1"
}

timed() { # command… ; prints seconds
  local start end
  start=$(now)
  "$@" >/dev/null 2>&1 || true
  end=$(now)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}

# 1. Throughput.
next_port; openssl_server "$port"
t_ref=$(timed openssl s_client -connect "127.0.0.1:$port" -quiet -no_ign_eof <"$work/data")
echo "RESULT tls throughput openssl_to_openssl_mb_s=$(rate "$t_ref") secs=$t_ref"

next_port; openssl_server "$port"
t_client=$(timed "$BIN" tcp connect "127.0.0.1:$port" --tls --insecure --file "$work/data" --wait 0)
echo "RESULT tls throughput netdbg_to_openssl_mb_s=$(rate "$t_client") secs=$t_client"

next_port; netdbg_server "$port"
t_server=$(timed openssl s_client -connect "127.0.0.1:$port" -quiet -no_ign_eof <"$work/data")
echo "RESULT tls throughput openssl_to_netdbg_mb_s=$(rate "$t_server") secs=$t_server"

# nc -l takes one connection: no probe, a moment to start instead.
next_port
nc -l 127.0.0.1 "$port" >/dev/null &
pids+=($!)
sleep 0.3
t_plain_client=$(timed "$BIN" tcp connect "127.0.0.1:$port" --file "$work/data" --wait 0)
echo "RESULT tcp throughput netdbg_to_nc_plain_mb_s=$(rate "$t_plain_client") secs=$t_plain_client"

next_port
"$BIN" tcp serve --bind "127.0.0.1:$port" >/dev/null 2>&1 &
pids+=($!)
wait_port "$port"
t_plain_server=$(timed nc -q0 127.0.0.1 "$port" <"$work/data")
echo "RESULT tcp throughput nc_to_netdbg_plain_mb_s=$(rate "$t_plain_server") secs=$t_plain_server"

# 2. Handshakes per second (full handshakes, no resumption).
handshakes() { # port
  openssl s_time -connect "127.0.0.1:$1" -new -time "$SECS" 2>/dev/null \
    | awk '/connections in [0-9.]+ real seconds/ { print $1 / $4; exit }'
}
next_port; openssl_server "$port"
echo "RESULT tls handshakes openssl_server_per_s=$(handshakes "$port")"
next_port; netdbg_server "$port"
echo "RESULT tls handshakes netdbg_server_per_s=$(handshakes "$port")"
