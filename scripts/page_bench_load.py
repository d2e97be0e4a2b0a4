#!/usr/bin/python3
"""One cold start for scripts/page-bench.py, in its own process: a 480x680 WebKitGTK window loads
one page as Tauri serves it and prints, as one JSON line, the page's own timeline and the PSS of
its web and network processes once the page has been idle for a while.

    page_bench_load.py '{"dir": "/path/to/page" or null for hello-world, "flags": [...]}'
"""
import glob
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELLO = ("<!doctype html><html><head><meta charset=utf-8><title>hello</title></head>"
         "<body><h1 id=hello>Hello, world</h1></body></html>")
IDLE_S = 2.0
DEADLINE_S = 30.0

# The signed-in status of the WebDriver tests' and the desktop bench's fake Spotify user
# (docs/IPC.md's shape): a development-mode app's profile, so no email, country or plan.
NOW = int(time.time())
STATUS = {
    "revision": 3, "setup_needed": False, "client_id": "0123456789abcdef0123456789abcdef",
    "connection": "signed_in", "problem": None, "sign_in": None, "last_error": None,
    "account": {
        "display_name": "Fake User", "id": "fakeuser", "account_id": "acc_5f2b9c",
        "avatar_url": None, "email": None, "country": None, "country_label": None, "product": None,
        "scopes": ["user-read-email", "user-read-private"], "access_expires_at": NOW + 3600,
        "connection_expires_at": NOW + 180 * 86400, "connection_expiring_soon": False,
        "keychain": "Secret Service (default keyring)", "needs_consent": False,
    },
}
SETTINGS = {
    "client_id": STATUS["client_id"], "has_client_secret": False,
    "scopes": ["user-read-email", "user-read-private"],
    "available_scopes": [{"name": "user-read-email", "description": "See your email address"},
                         {"name": "user-read-private", "description": "See your plan and country"}],
    "autostart": False, "start_hidden": False, "tray_unavailable": None,
}
# Tauri's IPC, answered in the page: what the app's Rust side would reply.
IPC_STUB = """
window.__TAURI_INTERNALS__ = window.__TAURI_INTERNALS__ || {};
(function () {
  const replies = { status: %s, get_settings: %s };
  let next = 1;
  const cbs = new Map();
  window.__TAURI_INTERNALS__.transformCallback = (cb) => { const id = next++; cbs.set(id, cb); return id; };
  window.__TAURI_INTERNALS__.unregisterCallback = (id) => cbs.delete(id);
  window.__TAURI_INTERNALS__.invoke = (cmd) => new Promise((resolve) =>
    setTimeout(() => resolve(cmd in replies ? replies[cmd] : next++), 5));
  window.__TAURI_INTERNALS__.metadata = { currentWindow: { label: "main" }, currentWebview: { label: "main" } };
})();
""" % (json.dumps(STATUS), json.dumps(SETTINGS))
STATUS_SCRIPT = "window.__SPOTKEY_STATUS__ = %s;" % json.dumps(STATUS)
MIME = {".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml",
        ".json": "application/json", ".png": "image/png"}

TIMELINE = """JSON.stringify((() => {
  const n = performance.getEntriesByType('navigation')[0] || {};
  const at = (name) => { const e = performance.getEntriesByName(name)[0]; return e ? e.startTime : -1; };
  return { origin: performance.timeOrigin, response_end: n.responseEnd || -1,
           dom_interactive: n.domInteractive || -1, dcl: n.domContentLoadedEventEnd || -1,
           load: n.loadEventEnd || -1, fcp: at('first-contentful-paint'),
           mark: at('spotkey:status-rendered'), first_module: at('bench:first-module'),
           render_start: at('bench:render-start'),
           frame: Math.max(at('spotkey:status-painted'), at('bench:status-frame')),
           sans: getComputedStyle(document.documentElement).getPropertyValue('--sans').trim(),
           // every box's place and size: the same for two pages that draw the same
           layout: [...document.querySelectorAll('body *')].map((e) => {
             const r = e.getBoundingClientRect();
             return [r.x, r.y, r.width, r.height].map((v) => v.toFixed(2)).join(',');
           }).join(';'),
           text: (document.body && document.body.innerText || '').slice(0, 4000),
           // the fonts the drawn text asks for: each (family list, size, weight) is a lookup
           faces: [...new Set([...document.querySelectorAll('body *')].filter((e) =>
             e.getClientRects().length && [...e.childNodes].some((c) => c.nodeType === 3 && c.data.trim()))
             .map((e) => { const s = getComputedStyle(e);
               return `${s.fontFamily.split(',')[0]} ${s.fontSize} ${s.fontWeight}`; }))].sort() };
})())"""


def tauri_global_api():
    """Tauri's `withGlobalTauri` script, as the app injects it (empty when not found)."""
    found = sorted(glob.glob(os.path.expanduser(
        "~/.cargo/registry/src/*/tauri-2.*/scripts/bundle.global.js")))
    return open(found[-1], encoding="utf-8").read() if found else ""


def app_csp(page_dir=None):
    """The app's CSP, with what Tauri adds for a page's inline scripts and styles (hashes and
    nonces, at build time): an experiment that inlines them leaves those in `csp.txt`."""
    extra = os.path.join(page_dir, "csp.txt") if page_dir else None
    if extra and os.path.isfile(extra):
        with open(extra, encoding="utf-8") as f:
            return f.read().strip()
    with open(os.path.join(ROOT, "tauri.conf.json"), encoding="utf-8") as f:
        return json.load(f)["app"]["security"]["csp"]



def scheme_handler(page_dir, requests):
    """Serves hello-world, or the files of page_dir with the app's CSP, as Tauri's protocol does."""
    from gi.repository import Gio, GLib, Soup, WebKit2
    csp = app_csp(page_dir)

    def serve(req):
        path = req.get_path() or "/"
        requests.append(path)
        if page_dir is None:
            data, mime = HELLO.encode(), "text/html"
        else:
            name = os.path.normpath(path.lstrip("/") or "index.html")
            full = os.path.join(page_dir, name)
            if name.startswith("..") or not os.path.isfile(full):
                req.finish_error(GLib.Error.new_literal(Gio.io_error_quark(), "not found", 1))
                return
            with open(full, "rb") as f:
                data = f.read()
            mime = MIME.get(os.path.splitext(name)[1], "application/octet-stream")
        stream = Gio.MemoryInputStream.new_from_bytes(GLib.Bytes.new(data))
        resp = WebKit2.URISchemeResponse.new(stream, len(data))
        resp.set_content_type(mime)
        headers = Soup.MessageHeaders.new(Soup.MessageHeadersType.RESPONSE)
        if page_dir is not None:
            headers.append("Content-Security-Policy", csp)
        resp.set_http_headers(headers)
        resp.set_status(200, None)
        req.finish_with_response(resp)
    return serve


def injected_by_rust(page_dir):
    """early.js, which the app injects at document start (older pages load it themselves)."""
    early = os.path.join(page_dir, "early.js")
    with open(os.path.join(page_dir, "index.html"), encoding="utf-8") as f:
        loaded_by_page = 'src="early.js"' in f.read()
    if loaded_by_page or not os.path.isfile(early):
        return []
    with open(early, encoding="utf-8") as f:
        return [f.read()]


def webview(page_dir, flags, requests):
    """The webview as wry builds it: its own context and scheme, the app's injected scripts."""
    from gi.repository import WebKit2
    ctx = WebKit2.WebContext.new_ephemeral()
    ctx.register_uri_scheme("tauri", scheme_handler(page_dir, requests))
    ctx.get_security_manager().register_uri_scheme_as_secure("tauri")
    ucm = WebKit2.UserContentManager()
    scripts = [IPC_STUB] + ([] if "no-tauri-js" in flags else [tauri_global_api()])
    if page_dir is not None:
        scripts.append(STATUS_SCRIPT)
        scripts.extend(injected_by_rust(page_dir))
    for s in scripts:
        ucm.add_script(WebKit2.UserScript.new(s, WebKit2.UserContentInjectedFrames.TOP_FRAME,
                                              WebKit2.UserScriptInjectionTime.START, None, None))
    view = WebKit2.WebView(web_context=ctx, user_content_manager=ucm)
    st = view.get_settings()
    st.set_enable_webgl(True)  # what wry sets
    st.set_enable_webaudio(True)
    st.set_enable_page_cache(True)
    st.set_javascript_can_access_clipboard(True)
    if "hw-never" in flags:
        st.set_hardware_acceleration_policy(WebKit2.HardwareAccelerationPolicy.NEVER)
    if "file" in flags:
        st.set_allow_file_access_from_file_urls(True)
    return view


def child(page_dir, flags):
    import gi
    gi.require_version("Gtk", "3.0")
    gi.require_version("WebKit2", "4.1")
    gi.require_version("Soup", "3.0")
    from gi.repository import GLib, Gtk, WebKit2

    requests = []
    view = webview(page_dir, flags, requests)
    win = Gtk.Window(title="page-bench")
    win.set_default_size(480, 680)
    win.add(view)
    win.show_all()
    out = {"error": None}

    def finish(result):
        out.update(result)
        Gtk.main_quit()

    def measured(_view, res, _data):
        try:
            t = json.loads(view.evaluate_javascript_finish(res).to_string())
        except Exception as e:  # noqa: BLE001 - reported in the output, not raised
            return finish({"error": f"timeline: {e}"})
        procs = web_processes()
        t["t0"] = t.pop("origin") - started_ms
        return finish({**t, "text": t["text"][:200], "requests": len(requests),
                       "pss_web": procs.get("web", -1), "pss_net": procs.get("net", -1)})

    def loaded(_view, event):
        if event == WebKit2.LoadEvent.FINISHED:
            GLib.timeout_add(int(IDLE_S * 1000), lambda: view.evaluate_javascript(
                TIMELINE, -1, None, None, None, measured, None) and False)

    view.connect("load-changed", loaded)
    GLib.timeout_add(int(DEADLINE_S * 1000), lambda: finish({"error": "deadline"}) or False)
    started_ms = time.time() * 1000
    if page_dir is None:
        view.load_uri("tauri://localhost/")
    elif "file" in flags:
        view.load_uri("file://" + os.path.join(page_dir, "index.html"))
    else:
        view.load_uri("tauri://localhost/index.html")
    if "hw-never-late" in flags:  # as `with_webview` can: on the main loop, after the load began
        GLib.idle_add(lambda: view.get_settings().set_hardware_acceleration_policy(
            WebKit2.HardwareAccelerationPolicy.NEVER) and False)
    Gtk.main()
    print(json.dumps(out))


def pss_mib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return -1


def web_processes():
    """PSS (MiB) of this process's WebKit children: web and network process."""
    out = {}
    me = str(os.getpid())
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        ppid = stat[stat.rindex(")") + 2:].split()[1]
        if ppid != me:
            continue
        if comm.startswith("WebKitWebProces"):
            out["web"] = pss_mib(pid)
        elif comm.startswith("WebKitNetworkPr"):
            out["net"] = pss_mib(pid)
    return out



if __name__ == "__main__":
    spec = json.loads(sys.argv[1])
    child(spec["dir"], set(spec["flags"]))
