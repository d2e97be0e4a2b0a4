"""The part of libX11 (through ctypes) that spotkey's X11 helper scripts share: the library
handle, a walk over every window below a root, and whether a window is on screen. Used by
x11-close-window.py (desktop bench) and x11-window-exists.py (check-deb.sh) under Xvfb.

Other clients' windows come and go while we walk (WebKit's, GTK's): an X error about one of
them is expected and ignored, instead of Xlib's default handler ending this process."""
import ctypes, ctypes.util

x = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
x.XOpenDisplay.restype = ctypes.c_void_p
x.XDefaultRootWindow.restype = ctypes.c_ulong
x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
x.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                         ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                         ctypes.POINTER(ctypes.c_uint)]
x.XFetchName.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_char_p)]
x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]


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

# int handler(Display *, XErrorEvent *): a window that vanished mid-walk is not our error.
ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_ignore_errors = ERROR_HANDLER(lambda _display, _event: 0)
x.XSetErrorHandler.argtypes = [ERROR_HANDLER]
x.XSetErrorHandler.restype = ctypes.c_void_p


def windows(display, window):
    """Every window below `window`, depth first."""
    root, parent = ctypes.c_ulong(), ctypes.c_ulong()
    children, count = ctypes.POINTER(ctypes.c_ulong)(), ctypes.c_uint()
    if x.XQueryTree(display, window, ctypes.byref(root), ctypes.byref(parent), ctypes.byref(children), ctypes.byref(count)):
        for i in range(count.value):
            yield children[i]
            yield from windows(display, children[i])


def named(display, title):
    """Every window whose WM_NAME is `title`."""
    for window in windows(display, x.XDefaultRootWindow(display)):
        name = ctypes.c_char_p()
        if x.XFetchName(display, window, ctypes.byref(name)) and name.value == title.encode():
            yield window


def viewable(display, window):
    """Whether `window` is mapped on screen (False once it is gone)."""
    attributes = XWindowAttributes()
    return bool(x.XGetWindowAttributes(display, window, ctypes.byref(attributes))) and \
        attributes.map_state == IS_VIEWABLE


def open_display():
    display = x.XOpenDisplay(None)
    if not display:
        raise SystemExit("cannot open the X display (is DISPLAY set?)")
    x.XSetErrorHandler(_ignore_errors)
    return display
