#!/usr/bin/env python3
"""Closes the X11 window titled ARGV[1] exactly as a window manager's close button does (a
WM_DELETE_WINDOW client message), and returns once no window of that title is on screen. For
the desktop benchmark under Xvfb, which has no window manager. Uses only libX11 through ctypes.
Exit 0 when closed, 1 when no such window is on screen, 2 when it is still there after ARGV[2]
seconds (default 20); the request is sent again every second meanwhile, in case the app was
not listening yet."""
import ctypes, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from x11windows import named, open_display, viewable, x  # noqa: E402

class ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("data", ctypes.c_long * 5)]

class XEvent(ctypes.Union):
    _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]

x.XInternAtom.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.POINTER(XEvent)]
RESEND_EVERY = 1.0
POLL_EVERY = 0.02


def on_screen(display, title):
    # The whole tree is walked before anything is sent: no window can vanish under the walk
    # because of us (others' windows may, and the error handler ignores that).
    return [w for w in list(named(display, title)) if viewable(display, w)]


def ask_to_close(display, windows):
    protocols = x.XInternAtom(display, b"WM_PROTOCOLS", 0)
    delete = x.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
    for window in windows:
        event = XEvent()
        event.xclient.type = 33  # ClientMessage
        event.xclient.window = window
        event.xclient.message_type = protocols
        event.xclient.format = 32
        event.xclient.data[0] = delete
        x.XSendEvent(display, window, 0, 0, ctypes.byref(event))
    # Delivered (or failed, for a window that just went) before we look again.
    x.XSync(display, 0)


def main(title, timeout):
    display = open_display()
    windows = on_screen(display, title)
    if not windows:
        sys.exit(1)
    deadline = time.monotonic() + timeout
    next_send = 0.0
    while windows:
        now = time.monotonic()
        if now > deadline:
            print(f"x11-close-window: {title!r} is still on screen after {timeout:g} s", file=sys.stderr)
            sys.exit(2)
        if now >= next_send:
            ask_to_close(display, windows)
            next_send = now + RESEND_EVERY
        time.sleep(POLL_EVERY)
        windows = on_screen(display, title)
    sys.exit(0)


def seconds(text):
    value = float(text)
    if not 0 < value <= 600:  # also rejects NaN
        raise SystemExit(f"x11-close-window: timeout {text!r} is not between 0 and 600 seconds")
    return value


main(sys.argv[1], seconds(sys.argv[2]) if len(sys.argv) > 2 else 20.0)
