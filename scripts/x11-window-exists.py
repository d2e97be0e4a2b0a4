#!/usr/bin/env python3
"""Exit 0 when a MAPPED (viewable) X11 window titled ARGV[1] exists, else 1. GTK also names a
hidden client-leader window after the app, which is why the map state is checked. For
scripts/check-deb.sh under Xvfb; uses only libX11 through ctypes."""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from x11windows import named, open_display, viewable  # noqa: E402

def main(title):
    display = open_display()
    sys.exit(0 if any(viewable(display, w) for w in list(named(display, title))) else 1)

main(sys.argv[1])
