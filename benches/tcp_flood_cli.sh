#!/usr/bin/env bash
# `netdbg tcp serve` under one client writing 64 KiB blocks flat out, with stdout
# going to a pipe nobody reads, to /dev/null and to a file: peak memory, rate, and
# (to a file) whether the printed data holds every byte the client sent.
#
#   benches/tcp_flood_cli.sh [BINARY]        (default: target/release/netdbg)
#   SECS=10 PORT=8092 benches/tcp_flood_cli.sh
#
# References in the same run: the same sender into `nc -l` writing to /dev/null and
# to a file. Needs python3 and nc.
set -euo pipefail
bin=$(realpath "${1:-target/release/netdbg}")
send=$(dirname "$0")/common/bulk_send.py
secs=${SECS:-10} port=${PORT:-8092}
work=$(mktemp -d)
cleanup() { kill "${server:-}" "${holder:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT


# Peak RSS of a process, sampled until it ends (VmHWM is the kernel's own peak).
peak_of() { awk '/VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

run_nc() { # run_nc DEST
  nc -l 127.0.0.1 "$port" >"$1" & server=$!
  sleep 0.3
  read -r sent _ rate < <(python3 "$send" "$port" "$secs")
  wait "$server" 2>/dev/null || true
  echo "RESULT tcp_flood_cli receiver=nc stdout=$1 secs=$secs sent_bytes=$sent rate_MBps=$rate"
}

run_netdbg() { # run_netdbg KIND
  local kind=$1 out
  case $kind in
    pipe) mkfifo "$work/pipe"; out="$work/pipe"
          # Opens the pipe and never reads it.
          sleep 1000 <"$work/pipe" & holder=$! ;;
    null) out=/dev/null ;;
    file) out="$work/out.jsonl" ;;
  esac
  "$bin" tcp serve --bind "127.0.0.1:$port" --json --timeout 3 >"$out" 2>"$work/err.txt" & server=$!
  read -r sent sha rate < <(python3 "$send" "$port" "$secs")
  local peak; peak=$(peak_of "$server")
  if [ "$kind" = pipe ]; then
    kill "$server" "$holder" 2>/dev/null || true
  fi
  wait "$server" 2>/dev/null || true
  local holds=n/a
  if [ "$kind" = file ]; then
    local printed
    printed=$(python3 - "$out" <<'PY'
import hashlib, json, sys
digest, n = hashlib.sha256(), 0
with open(sys.argv[1]) as f:
    for line in f:
        event = json.loads(line)
        if event["event"] == "received":
            data = bytes.fromhex(event["hex"])
            digest.update(data)
            n += len(data)
print(n, digest.hexdigest())
PY
)
    [ "$printed" = "$sent $sha" ] && holds=yes || holds="no ($printed)"
  fi
  echo "RESULT tcp_flood_cli receiver=netdbg stdout=$kind secs=$secs sent_bytes=$sent rate_MBps=$rate peak_rss_kb=$peak file_holds_every_byte=$holds"
}

run_nc /dev/null
run_nc "$work/nc.out"
rm -f "$work/nc.out"
run_netdbg pipe
run_netdbg null
run_netdbg file
