#!/usr/bin/env python3
"""Clicks through XTest from one long-lived X connection, for click-to-repaint times.

    DISPLAY=:N xtest_clicks.py PID INTERVAL_S OUT_FILE

While process PID lives, presses and releases mouse button 1 where the pointer is,
every INTERVAL_S seconds, and appends to OUT_FILE the wall-clock time (`%s%N`) just
before each press was flushed to the X server. One connection for all clicks: no
process start (several ms, more on a loaded machine) between the time taken and
the click, which spawning `xdotool click` per click has.
"""
import ctypes
import ctypes.util
import os
import sys
import time

pid, interval, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
xtst = ctypes.CDLL(ctypes.util.find_library("Xtst") or "libXtst.so.6")
x11.XOpenDisplay.restype = ctypes.c_void_p
x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
x11.XFlush.argtypes = [ctypes.c_void_p]
xtst.XTestFakeButtonEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
display = x11.XOpenDisplay(None)
if not display:
    sys.exit("xtest_clicks: cannot open the X display")


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


with open(out, "a") as times:
    while alive(pid):
        time.sleep(interval)
        times.write(f"{time.time_ns()}\n")
        times.flush()
        xtst.XTestFakeButtonEvent(display, 1, 1, 0)
        xtst.XTestFakeButtonEvent(display, 1, 0, 0)
        x11.XFlush(display)
