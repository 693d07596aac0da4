#!/usr/bin/env python3
"""Launches a program and times when its window's first pixels reach the screen.

    DISPLAY=:N first_paint.py X,Y,W,H SETTLE_S PID_FILE -- COMMAND [ARG...]

Starts COMMAND (its stdout goes to /dev/null, its stderr is this script's), writes its
pid to PID_FILE, and reads the screen rectangle X,Y,W,H (root window coordinates; pick
one the window covers, e.g. its tab bar; it is blanked first) over and over, about every
1 ms, from one X connection, for SETTLE_S seconds. Then prints one line:

    first_paint_ms=T states=N launched_unix_ms=L

T is the time from just before COMMAND was started to the first read in which the
rectangle already showed the window's content as it settles, drawn and presented, as
the user sees it: at least 98 % of its pixels as in the last read (a first frame may
place a label a fraction of a pixel off; a blank or half-built window is far from it).
A program that presents a frame into a hidden window, or maps an empty window early,
gets no credit for that: only pixels on the screen count. N is how many different
pictures the rectangle showed on the way (a blank window, a first frame that differs
a little from the settled one...). first_paint_ms=NA if the rectangle never changed
much. L is when COMMAND was started (Unix time, ms), for timing other things against
the same start. COMMAND keeps running; stopping it is the caller's job (PID_FILE).
"""
import ctypes
import ctypes.util
import subprocess
import sys
import time

ALL_PLANES = ctypes.c_ulong(-1).value
Z_PIXMAP = 2


class XImage(ctypes.Structure):
    # the leading fields of Xlib's XImage, enough to find the pixels
    _fields_ = [
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("xoffset", ctypes.c_int),
        ("format", ctypes.c_int),
        ("data", ctypes.c_void_p),
        ("byte_order", ctypes.c_int),
        ("bitmap_unit", ctypes.c_int),
        ("bitmap_bit_order", ctypes.c_int),
        ("bitmap_pad", ctypes.c_int),
        ("depth", ctypes.c_int),
        ("bytes_per_line", ctypes.c_int),
    ]


def blank_out(x11, display, root, x, y, w, h):
    """Covers the rectangle with a black window and takes it away, leaving it black (or
    the root's background): what a window left there before (Xvfb keeps it) cannot pass
    for the new window's content."""
    x11.XCreateSimpleWindow.restype = ctypes.c_ulong
    x11.XCreateSimpleWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int,
                                        ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
                                        ctypes.c_uint, ctypes.c_ulong, ctypes.c_ulong]
    x11.XMapRaised.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x11.XDestroyWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    cover = x11.XCreateSimpleWindow(display, root, x, y, w, h, 0, 0, 0)
    x11.XMapRaised(display, cover)
    x11.XSync(display, 0)
    time.sleep(0.05)
    x11.XDestroyWindow(display, cover)
    x11.XSync(display, 0)


def main():
    if len(sys.argv) < 6 or sys.argv[4] != "--":
        sys.exit("usage: first_paint.py X,Y,W,H SETTLE_S PID_FILE -- COMMAND [ARG...]")
    x, y, w, h = (int(v) for v in sys.argv[1].split(","))
    settle_s, pid_file, command = float(sys.argv[2]), sys.argv[3], sys.argv[5:]

    x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x11.XGetImage.restype = ctypes.POINTER(XImage)
    x11.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
                              ctypes.c_uint, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
    x11.XDestroyImage.argtypes = [ctypes.POINTER(XImage)]
    display = x11.XOpenDisplay(None)
    if not display:
        sys.exit("first_paint: cannot open the X display")
    root = x11.XDefaultRootWindow(display)
    blank_out(x11, display, root, x, y, w, h)

    def picture():
        image = x11.XGetImage(display, root, x, y, w, h, ALL_PLANES, Z_PIXMAP)
        if not image:
            return None
        pixels = ctypes.string_at(image.contents.data, image.contents.bytes_per_line * h)
        x11.XDestroyImage(image)
        return pixels

    before = picture()
    started = time.monotonic_ns()
    launched = time.time_ns() // 1_000_000
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    with open(pid_file, "w") as out:
        out.write(f"{child.pid}\n")
    seen = [(started, before)]
    deadline = started + int(settle_s * 1e9)
    while (now := time.monotonic_ns()) < deadline and child.poll() is None:
        shown = picture()
        if shown != seen[-1][1]:
            seen.append((now, shown))
        time.sleep(0.001)
    final = seen[-1][1]
    states = len({shown for _, shown in seen})
    first_paint = "NA"
    if not settled(before, final):
        first = next(t for t, shown in seen if settled(shown, final))
        first_paint = f"{(first - started) / 1e6:.1f}"
    print(f"first_paint_ms={first_paint} states={states} launched_unix_ms={launched}", flush=True)


def settled(shown, final):
    """At least 98 % of the pixels as in the final picture."""
    if shown is None or final is None or len(shown) != len(final):
        return False
    pixels = len(final) // 4
    same = sum(shown[i:i + 4] == final[i:i + 4] for i in range(0, len(final), 4))
    return same >= 0.98 * pixels

main()
