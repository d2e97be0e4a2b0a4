#!/usr/bin/env python3
"""Asks the X11 window titled ARGV[1] to close, exactly as a window manager's close button
does (a WM_DELETE_WINDOW client message). For the desktop benchmark under Xvfb, which has no
window manager. Uses only libX11 through ctypes. Exit 1 when no such window exists."""
import ctypes, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from x11windows import named, open_display, x  # noqa: E402

class ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("data", ctypes.c_long * 5)]

class XEvent(ctypes.Union):
    _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]

x.XInternAtom.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.POINTER(XEvent)]
x.XFlush.argtypes = [ctypes.c_void_p]

def main(title):
    display = open_display()
    protocols = x.XInternAtom(display, b"WM_PROTOCOLS", 0)
    delete = x.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
    found = False
    # Every window with that name: GTK also names its hidden client-leader window after the
    # app, and that one ignores the request. The whole tree is walked before the first request
    # is sent, so no window can vanish in the middle of the walk.
    for window in list(named(display, title)):
        found = True
        event = XEvent()
        event.xclient.type = 33  # ClientMessage
        event.xclient.window = window
        event.xclient.message_type = protocols
        event.xclient.format = 32
        event.xclient.data[0] = delete
        x.XSendEvent(display, window, 0, 0, ctypes.byref(event))
    x.XFlush(display)
    sys.exit(0 if found else 1)

main(sys.argv[1])
