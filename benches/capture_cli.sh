#!/usr/bin/env bash
# `netdbg tcp serve --capture FILE` under one client writing 64 KiB blocks flat out
# (stdout to /dev/null), FILE as JSON lines and as pcapng: rate (the capture is
# lossless, so the client goes as fast as the writer), file size, and whether the
# file holds every byte the client sent (SHA-256 of the received stream).
#
#   benches/capture_cli.sh [BINARY]        (default: target/release/netdbg)
#   SECS=3 PORT=8093 benches/capture_cli.sh
#
# Needs python3.
set -euo pipefail
bin=$(realpath "${1:-target/release/netdbg}")
send=$(dirname "$0")/common/bulk_send.py
secs=${SECS:-3} port=${PORT:-8093}
work=$(mktemp -d)
cleanup() { kill "${server:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

peak_of() { awk '/VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# The received stream's length and SHA-256, from either kind of capture.
received_of() {
  python3 - "$1" <<'PY'
import hashlib, json, struct, sys
path, digest, n = sys.argv[1], hashlib.sha256(), 0
if path.endswith(".jsonl"):
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if r.get("dir") == "rx":
                data = bytes.fromhex(r["hex"])
                digest.update(data)
                n += len(data)
else:
    # Enhanced packet blocks (type 6) in the section's byte order: Ethernet, IPv4,
    # TCP; the segments toward the local side (destination MAC ...:01).
    with open(path, "rb") as f:
        order = "<" if f.read(12)[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
        f.seek(0)
        while header := f.read(8):
            kind, length = struct.unpack(order + "II", header)
            body = f.read(length - 8)
            if kind != 6:
                continue
            caplen = struct.unpack_from(order + "I", body, 12)[0]
            frame = body[20:20 + caplen]
            if frame[5] != 1 or frame[23] != 6:
                continue
            ip_len = (frame[14] & 0x0F) * 4
            tcp = 14 + ip_len
            payload = frame[tcp + (frame[tcp + 12] >> 4) * 4:]
            digest.update(payload)
            n += len(payload)
print(n, digest.hexdigest())
PY
}

run() { # run EXTENSION
  local file="$work/capture.$1"
  "$bin" tcp serve --bind "127.0.0.1:$port" --json --timeout 3 --capture "$file" \
    >/dev/null 2>"$work/err.txt" & server=$!
  read -r sent sha rate < <(python3 "$send" "$port" "$secs")
  local peak; peak=$(peak_of "$server")
  wait "$server" 2>/dev/null || true
  local size; size=$(stat -c %s "$file")
  local holds=yes got
  got=$(received_of "$file")
  [ "$got" = "$sent $sha" ] || holds="no ($got)"
  echo "RESULT capture_cli format=$1 secs=$secs sent_bytes=$sent rate_MBps=$rate file_bytes=$size peak_rss_kb=$peak file_holds_every_byte=$holds"
  rm -f "$file"
}

run jsonl
run pcapng
