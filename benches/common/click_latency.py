#!/usr/bin/env python3
"""Click-to-repaint times from a GUI bench.

    click_latency.py CLICKS_FILE PROBE_LOG [PREFIX]

CLICKS_FILE: one `date +%s%N` per line, taken just before each xdotool click.
PROBE_LOG: netdbg's stderr with NETDBG_PROBE=1, whose `press_shown_unix_ns=` lines
say when the frame that handled a press was on screen. Each click is matched to
the first such frame after it. Prints one line:
    PREFIXclicks=N/M PREFIXclick_ms_median=… PREFIXclick_ms_p90=… PREFIXclick_ms_p99=… PREFIXclick_ms_max=…
"""
import re
import sys

clicks = [int(line) for line in open(sys.argv[1]) if line.strip()]
shown = [int(m) for m in re.findall(r"press_shown_unix_ns=(\d+)", open(sys.argv[2]).read())]
prefix = sys.argv[3] if len(sys.argv) > 3 else ""
ms = []
for t in clicks:
    after = [s for s in shown if s >= t]
    if after:
        ms.append((min(after) - t) / 1e6)
ms.sort()
if not ms:
    print(f"{prefix}clicks=0/{len(clicks)}")
else:
    def pick(q):
        return ms[min(len(ms) - 1, int(q * len(ms)))]
    print(
        f"{prefix}clicks={len(ms)}/{len(clicks)} {prefix}click_ms_median={pick(0.5):.0f} "
        f"{prefix}click_ms_p90={pick(0.9):.0f} {prefix}click_ms_p99={pick(0.99):.0f} "
        f"{prefix}click_ms_max={ms[-1]:.0f}"
    )
