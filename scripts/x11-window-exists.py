#!/usr/bin/env python3
"""Exit 0 when a MAPPED (viewable) X11 window titled ARGV[1] exists, else 1. GTK also names a
hidden client-leader window after the app, which is why the map state is checked. For
scripts/check-deb.sh under Xvfb; uses only libX11 through ctypes."""
import ctypes, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from x11windows import named, open_display, x  # noqa: E402

class XWindowAttributes(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int), ("height", ctypes.c_int),
                ("border_width", ctypes.c_int), ("depth", ctypes.c_int), ("visual", ctypes.c_void_p),
                ("root", ctypes.c_ulong), ("class", ctypes.c_int), ("bit_gravity", ctypes.c_int),
                ("win_gravity", ctypes.c_int), ("backing_store", ctypes.c_int),
                ("backing_planes", ctypes.c_ulong), ("backing_pixel", ctypes.c_ulong),
                ("save_under", ctypes.c_int), ("colormap", ctypes.c_ulong), ("map_installed", ctypes.c_int),
                ("map_state", ctypes.c_int), ("all_event_masks", ctypes.c_long),
                ("your_event_mask", ctypes.c_long), ("do_not_propagate_mask", ctypes.c_long),
                ("override_redirect", ctypes.c_int), ("screen", ctypes.c_void_p)]

IS_VIEWABLE = 2
x.XGetWindowAttributes.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(XWindowAttributes)]

def main(title):
    display = open_display()
    for window in named(display, title):
        attributes = XWindowAttributes()
        if x.XGetWindowAttributes(display, window, ctypes.byref(attributes)) and attributes.map_state == IS_VIEWABLE:
            sys.exit(0)
    sys.exit(1)

main(sys.argv[1])
