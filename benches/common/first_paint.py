#!/usr/bin/env python3
"""Launches a program and times when its window's first pixels reach the screen.

    DISPLAY=:N first_paint.py X,Y,W,H SETTLE_S PID_FILE [--window NAME] -- COMMAND [ARG...]

Starts COMMAND (its stdout goes to /dev/null, its stderr is this script's), writes its
pid to PID_FILE, and reads the screen rectangle X,Y,W,H (root window coordinates; pick
one the window covers, e.g. its tab bar; it is blanked first) over and over, about every
1 ms, from one X connection, for SETTLE_S seconds. Then prints one line:

    first_paint_ms=T states=N launched_unix_ms=L [window_ms=W]

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

With --window NAME it also looks, in the same loop and over the same connection, for a
viewable top-level window whose name contains NAME, every 5 ms: W is the time to the first
look that found one (NA if none), what `xdotool search --onlyvisible --name NAME` tells, without
starting a process per look (those took CPU from the program being timed).
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


class XWindowAttributes(ctypes.Structure):
    _fields_ = [
        ("x", ctypes.c_int), ("y", ctypes.c_int),
        ("width", ctypes.c_int), ("height", ctypes.c_int),
        ("border_width", ctypes.c_int), ("depth", ctypes.c_int),
        ("visual", ctypes.c_void_p), ("root", ctypes.c_ulong),
        ("class_", ctypes.c_int), ("bit_gravity", ctypes.c_int),
        ("win_gravity", ctypes.c_int), ("backing_store", ctypes.c_int),
        ("backing_planes", ctypes.c_ulong), ("backing_pixel", ctypes.c_ulong),
        ("save_under", ctypes.c_int), ("colormap", ctypes.c_ulong),
        ("map_installed", ctypes.c_int), ("map_state", ctypes.c_int),
        ("all_event_masks", ctypes.c_long), ("your_event_mask", ctypes.c_long),
        ("do_not_propagate_mask", ctypes.c_long), ("override_redirect", ctypes.c_int),
        ("screen", ctypes.c_void_p),
    ]


IS_VIEWABLE = 2
# Looking for the window takes three round trips; every 5 ms is plenty (xdotool was 25).
WINDOW_EVERY_NS = 5_000_000


def window_finder(x11, display, root, name):
    """A function telling whether a viewable top-level window's name contains `name`."""
    ulong_p = ctypes.POINTER(ctypes.c_ulong)
    x11.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ulong_p, ulong_p,
                               ctypes.POINTER(ulong_p), ctypes.POINTER(ctypes.c_uint)]
    x11.XFetchName.argtypes = [ctypes.c_void_p, ctypes.c_ulong,
                               ctypes.POINTER(ctypes.c_char_p)]
    x11.XGetWindowAttributes.argtypes = [ctypes.c_void_p, ctypes.c_ulong,
                                         ctypes.POINTER(XWindowAttributes)]
    x11.XFree.argtypes = [ctypes.c_void_p]
    wanted = name.encode()

    def named(window):
        title = ctypes.c_char_p()
        if not x11.XFetchName(display, window, ctypes.byref(title)) or not title.value:
            return False
        found = wanted in title.value
        x11.XFree(title)
        return found

    def viewable(window):
        attributes = XWindowAttributes()
        return (x11.XGetWindowAttributes(display, window, ctypes.byref(attributes))
                and attributes.map_state == IS_VIEWABLE)

    def find():
        root_back, parent = ctypes.c_ulong(), ctypes.c_ulong()
        children, count = ulong_p(), ctypes.c_uint()
        if not x11.XQueryTree(display, root, ctypes.byref(root_back), ctypes.byref(parent),
                              ctypes.byref(children), ctypes.byref(count)):
            return False
        try:
            return any(viewable(children[i]) and named(children[i]) for i in range(count.value))
        finally:
            if children:
                x11.XFree(children)

    return find


def main():
    args = sys.argv[1:]
    window_name = None
    if len(args) >= 5 and args[3] == "--window":
        window_name = args[4]
        del args[3:5]
    if len(args) < 5 or args[3] != "--":
        sys.exit("usage: first_paint.py X,Y,W,H SETTLE_S PID_FILE [--window NAME] -- COMMAND [ARG...]")
    x, y, w, h = (int(v) for v in args[0].split(","))
    settle_s, pid_file, command = float(args[1]), args[2], args[4:]

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
    window_seen = window_finder(x11, display, root, window_name) if window_name else None
    window_found_at = None
    window_checked = 0

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
        if (window_seen and window_found_at is None
                and now - window_checked >= WINDOW_EVERY_NS):
            window_checked = now
            if window_seen():
                window_found_at = now
        if shown != seen[-1][1]:
            seen.append((now, shown))
        time.sleep(0.001)
    final = seen[-1][1]
    states = len({shown for _, shown in seen})
    first_paint = "NA"
    if not settled(before, final):
        first = next(t for t, shown in seen if settled(shown, final))
        first_paint = f"{(first - started) / 1e6:.1f}"
    window = ""
    if window_name:
        window = " window_ms=" + ("NA" if window_found_at is None
                                  else f"{(window_found_at - started) / 1e6:.1f}")
    print(f"first_paint_ms={first_paint} states={states} launched_unix_ms={launched}{window}",
          flush=True)


def settled(shown, final):
    """At least 98 % of the pixels as in the final picture."""
    if shown is None or final is None or len(shown) != len(final):
        return False
    pixels = len(final) // 4
    same = sum(shown[i:i + 4] == final[i:i + 4] for i in range(0, len(final), 4))
    return same >= 0.98 * pixels

main()
