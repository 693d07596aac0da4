"""One TCP client writing 64 KiB blocks to 127.0.0.1:PORT as fast as the receiver
takes them, for SECS. Prints: bytes sent, their SHA-256, MB/s.

    python3 benches/common/bulk_send.py PORT SECS

Used by benches/tcp_flood_gui.sh and benches/tcp_flood_cli.sh.
"""
import hashlib
import socket
import sys
import time

port, secs = int(sys.argv[1]), float(sys.argv[2])
block = bytes(range(256)) * 256  # 64 KiB
for _ in range(100):  # the receiver may still be starting
    try:
        s = socket.create_connection(("127.0.0.1", port))
        break
    except ConnectionRefusedError:
        time.sleep(0.05)
else:
    sys.exit(f"nothing listens on {port}")
digest, sent, start = hashlib.sha256(), 0, time.perf_counter()
# send(), not sendall(): a receiver that stops reading must not hang the sender,
# and what went out is known to the byte.
s.settimeout(0.2)
view = memoryview(block)
while time.perf_counter() - start < secs:
    try:
        n = s.send(view[sent % len(block):])
    except socket.timeout:
        continue
    digest.update(view[sent % len(block):sent % len(block) + n])
    sent += n
s.close()
print(sent, digest.hexdigest(), f"{sent / (time.perf_counter() - start) / 1e6:.0f}")
