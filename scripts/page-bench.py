#!/usr/bin/python3
"""Where spotkey's page spends its first paint and its web process's memory, without a Rust build.

Loads page variants in a WebKitGTK 4.1 webview (480x680, like the app's window), each a cold
start in its own process, alternating the variants (A B A B ...), and prints per variant the
medians of: navigation start -> first contentful paint, -> the page's `spotkey:status-rendered`
mark, -> DOMContentLoaded, -> `load`; the WebKitWebProcess PSS once the page is drawn and idle;
how many requests the page made; and each median's ratio to the first variant's.

Pages are served as Tauri serves them: over a custom URI scheme registered on the web context
(secure, with the app's CSP header), with the app's injected scripts at document start (Tauri's
global API when it is found in the cargo registry, a stub of Tauri's IPC that answers `status`,
`get_settings` and `listen`, and the signed-in status Rust injects as `__SPOTKEY_STATUS__`).

Needs Debian's python3-gi and gir1.2-webkit2-4.1 (and xvfb without a display):
    xvfb-run -a /usr/bin/python3 scripts/page-bench.py [--runs 7] [VARIANT ...]
Variants: `hello`, `ui` (ui/ as it is), ui/ at a git revision (`git:REV`, e.g. `git:HEAD~1` for
the same run's before), a directory of a page (`dir:PATH`); each with
experiment suffixes joined by `+` (e.g. `ui+no-anim`); `--list` names the suffixes.
"""
import argparse
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELLO = ("<!doctype html><html><head><meta charset=utf-8><title>hello</title></head>"
         "<body><h1 id=hello>Hello, world</h1></body></html>")
IDLE_S = 2.0
DEADLINE_S = 30.0

# The signed-in status of the WebDriver tests' fake Spotify user (docs/IPC.md's shape).
NOW = int(time.time())
STATUS = {
    "revision": 3, "setup_needed": False, "client_id": "0123456789abcdef0123456789abcdef",
    "connection": "signed_in", "problem": None, "sign_in": None, "last_error": None,
    "account": {
        "display_name": "Fake User", "id": "fakeuser", "account_id": None,
        "avatar_url": None, "email": "fake@example.com", "country": "SE", "product": "premium",
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
  return { origin: performance.timeOrigin, dcl: n.domContentLoadedEventEnd || -1,
           load: n.loadEventEnd || -1, fcp: at('first-contentful-paint'),
           mark: at('spotkey:status-rendered'), first_module: at('bench:first-module'),
           render_start: at('bench:render-start'), frame: at('bench:status-frame'),
           fonts: ['--sans', '--mono'].map((p) =>
             getComputedStyle(document.documentElement).getPropertyValue(p).trim()).join(' | '),
           text: (document.body && document.body.innerText || '').slice(0, 4000) };
})())"""


def tauri_global_api():
    """Tauri's `withGlobalTauri` script, as the app injects it (empty when not found)."""
    found = sorted(glob.glob(os.path.expanduser(
        "~/.cargo/registry/src/*/tauri-2.*/scripts/bundle.global.js")))
    return open(found[-1], encoding="utf-8").read() if found else ""


def app_csp():
    with open(os.path.join(ROOT, "tauri.conf.json"), encoding="utf-8") as f:
        return json.load(f)["app"]["security"]["csp"]


# ---------- experiments: each changes one thing in a copy of ui/ ----------

def _css_add(d, css):
    with open(os.path.join(d, "app.css"), "a", encoding="utf-8") as f:
        f.write("\n" + css + "\n")


def _html_sub(d, pattern, repl, flags=0):
    p = os.path.join(d, "index.html")
    with open(p, encoding="utf-8") as f:
        html = f.read()
    with open(p, "w", encoding="utf-8") as f:
        f.write(re.sub(pattern, repl, html, flags=flags))


def _sub(d, name, pattern, repl):
    p = os.path.join(d, name)
    with open(p, encoding="utf-8") as f:
        text = f.read()
    with open(p, "w", encoding="utf-8") as f:
        f.write(re.sub(pattern, repl, text))


def _bundle(d):
    """Every module in one file, imports dropped (only to measure: names do not collide)."""
    order, seen = [], set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        src = open(os.path.join(d, name), encoding="utf-8").read()
        for dep in re.findall(r'^import .* from "\./([\w-]+\.js)";$', src, re.M):
            visit(dep)
        order.append((name, src))
    visit("main.js")
    out = []
    for name, src in order:
        src = re.sub(r'^import .* from "\./[\w-]+\.js";\n', "", src, flags=re.M)
        out.append("// " + name + "\n" + re.sub(r"^export ", "", src, flags=re.M))
    with open(os.path.join(d, "bundle.js"), "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    _html_sub(d, r'\s*<link rel="modulepreload"[^>]*>', "")
    _html_sub(d, r'src="main\.js"', 'src="bundle.js"')


EXPERIMENTS = {
    "no-anim": ("the spinner without its infinite animation",
                lambda d: _css_add(d, ".spinner { animation: none !important; }")),
    "no-loading": ("no #loading box at all (hidden from the start)",
                   lambda d: _html_sub(d, r'id="loading" class="loading"', 'id="loading" class="loading" hidden')),
    "no-shadow": ("no box-shadow, gradient or filter",
                  lambda d: _css_add(d, "* { box-shadow: none !important; filter: none !important; }"
                                        " .avatar { background: #1db954 !important; }")),
    "no-sticky": ("the header not position: sticky",
                  lambda d: _css_add(d, ".app-header { position: static !important; }")),
    "no-preload": ("no <link rel=modulepreload>",
                   lambda d: _html_sub(d, r'\s*<link rel="modulepreload"[^>]*>', "")),
    "bundle": ("the ten modules concatenated into one", _bundle),
    "no-js": ("no script at all (the page as parsed: the loading box)",
              lambda d: _html_sub(d, r'\s*<script type="module"[^>]*></script>', "")),
    "no-sprite": ("no SVG sprite",
                  lambda d: _html_sub(d, r'<svg class="sprite".*?</svg>', "", re.S)),
    "sys-font": ("one font family instead of the fallback list",
                 lambda d: _css_add(d, ":root { font-family: sans-serif !important; --mono: monospace !important; }")),
    "sans-short": ("the text font list cut to `sans-serif` (the monospace list kept)",
                   lambda d: _css_add(d, ":root { font-family: sans-serif !important; }")),
    "mono-short": ("the monospace list cut to `monospace` (the text font list kept)",
                   lambda d: _css_add(d, ":root { --mono: monospace !important; }")),
    "no-intl": ("dates and countries without Intl (ICU)",
                lambda d: _sub(d, "format.js", r"(export function (formatDate|countryName)\(\w+\) \{)",
                               r"\1 return String(arguments[0]);")),
    "drop-kw": ("the lists without system-ui, -apple-system, ui-monospace (WebKitGTK has no such font)",
                lambda d: _sub(d, "app.css", r"(system-ui, -apple-system, |ui-monospace, )", "")),
    "hide-main": ("the drawn screen not painted (visibility: hidden), the scripts run as before",
                  lambda d: _css_add(d, ".main, .app-header { visibility: hidden !important; }")),
    "no-icons": ("the SVG icons and logo not painted",
                 lambda d: _css_add(d, "svg { visibility: hidden !important; }")),
    "no-radius": ("no rounded corners",
                  lambda d: _css_add(d, "* { border-radius: 0 !important; }")),
    "no-text": ("the text not painted (transparent), layout as before",
                lambda d: _css_add(d, "* { color: transparent !important; }")),
    "marks": ("marks when the first module runs and when render starts (timing only)",
              lambda d: (_sub(d, "dom.js", r"^", "performance.mark('bench:first-module');\n"),
                         _sub(d, "main.js", r"\nif \(isStatus\(injected\)\) \{",
                              "\nperformance.mark('bench:render-start');\nif (isStatus(injected)) {"),
                         # the paint of the frame holding the status: rAF runs before it, a task after
                         _sub(d, "main.js", r"(performance\.mark\(\"spotkey:status-rendered\"\);)",
                              "\\1 requestAnimationFrame(() => setTimeout(() => "
                              "performance.mark('bench:status-frame')));"))),
    "no-css": ("no stylesheet", lambda d: _html_sub(d, r'\s*<link rel="stylesheet"[^>]*>', "")),
}
# Experiments on the webview rather than the page.
WEBVIEW_FLAGS = {
    "hw-never": "hardware-acceleration-policy NEVER (no accelerated compositing)",
    "hw-never-late": "hardware-acceleration-policy NEVER set once the load has started (as a "
                     "Tauri app can: `with_webview` runs on the main loop after `build`)",
    "file": "served from file:// instead of the custom scheme",
    "no-tauri-js": "without Tauri's global API script (the IPC stub stays)",
    "cpu": "WEBKIT_SKIA_ENABLE_CPU_RENDERING=1 (Skia paints on the CPU, composites as before)",
}


def export_ui(rev, dest):
    """ui/ as it was at a git revision (the same run's "before")."""
    os.makedirs(dest)
    archive = subprocess.run(["git", "-C", ROOT, "archive", rev, "ui"], capture_output=True, check=False)
    if archive.returncode != 0:
        sys.exit(f"page-bench: git archive {rev}: {archive.stderr.decode(errors='replace').strip()}")
    subprocess.run(["tar", "-x", "-C", dest, "--strip-components=1"], input=archive.stdout, check=True)


def prepare(variant, tmp):
    """(directory or None for hello, webview flags) for a variant name."""
    parts = variant.split("+")
    base, mods = parts[0], parts[1:]
    flags = {m for m in mods if m in WEBVIEW_FLAGS}
    unknown = [m for m in mods if m not in WEBVIEW_FLAGS and m not in EXPERIMENTS]
    if unknown:
        sys.exit(f"page-bench: unknown experiment(s) {unknown}; --list names them")
    if base == "hello":
        return None, flags
    d = os.path.join(tmp, re.sub(r"[^\w.-]", "_", variant))
    if base.startswith("git:"):
        export_ui(base[4:], d)
    else:
        src = os.path.join(ROOT, "ui") if base == "ui" else base[4:] if base.startswith("dir:") else None
        if src is None or not os.path.isdir(src):
            sys.exit(f"page-bench: no page for variant {variant!r}")
        shutil.copytree(src, d)
    for m in mods:
        if m in EXPERIMENTS:
            EXPERIMENTS[m][1](d)
    return d, flags


# ---------- one cold start, in its own process ----------

def child(page_dir, flags):
    import gi
    gi.require_version("Gtk", "3.0")
    gi.require_version("WebKit2", "4.1")
    from gi.repository import Gio, GLib, Gtk, WebKit2

    requests = []
    csp = app_csp()

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
            data = open(full, "rb").read()
            mime = MIME.get(os.path.splitext(name)[1], "application/octet-stream")
        resp = WebKit2.URISchemeResponse.new(Gio.MemoryInputStream.new_from_bytes(GLib.Bytes.new(data)), len(data))
        resp.set_content_type(mime)
        headers = WebKit2.URISchemeResponse.get_http_headers(resp) if hasattr(resp, "get_http_headers") else None
        if headers is None:
            from gi.repository import Soup
            headers = Soup.MessageHeaders.new(Soup.MessageHeadersType.RESPONSE)
        if page_dir is not None:
            headers.append("Content-Security-Policy", csp)
        resp.set_http_headers(headers)
        resp.set_status(200, None)
        req.finish_with_response(resp)

    ctx = WebKit2.WebContext.new_ephemeral()
    ctx.register_uri_scheme("tauri", serve)
    ctx.get_security_manager().register_uri_scheme_as_secure("tauri")
    ucm = WebKit2.UserContentManager()
    scripts = [IPC_STUB] + ([] if "no-tauri-js" in flags else [tauri_global_api()])
    if page_dir is not None:
        scripts.append(STATUS_SCRIPT)
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
    win = Gtk.Window(title="page-bench")
    win.set_default_size(480, 680)
    win.add(view)
    win.show_all()
    out = {"error": None}

    def finish(result=None):
        out.update(result or {})
        Gtk.main_quit()

    def measured(obj, res, _data):
        try:
            value = view.evaluate_javascript_finish(res)
            t = json.loads(value.to_string())
        except Exception as e:  # noqa: BLE001 - reported, not raised
            return finish({"error": f"timeline: {e}"})
        procs = web_processes()
        finish({"t0": t["origin"] - started_ms, "dcl": t["dcl"], "load": t["load"], "fcp": t["fcp"],
                "mark": t["mark"], "first_module": t["first_module"],
                "render_start": t["render_start"], "frame": t["frame"], "fonts": t["fonts"], "requests": len(requests), "pss_web": procs.get("web", -1),
                "pss_net": procs.get("net", -1), "text": t["text"][:200]})

    def loaded(_v, event):
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
    if "hw-never-late" in flags:
        GLib.idle_add(lambda: st.set_hardware_acceleration_policy(
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


# ---------- the paired runs ----------

ROWS = [("fcp", "nav start -> first contentful paint (ms)"),
        ("mark", "nav start -> status-rendered mark (ms)"),
        ("first_module", "nav start -> first module runs (+marks) (ms)"),
        ("render_start", "nav start -> render(injected) starts (+marks)"),
        ("frame", "nav start -> the status's frame painted (+marks)"),
        ("dcl", "nav start -> DOMContentLoaded end (ms)"),
        ("load", "nav start -> load end (ms)"),
        ("t0", "load_uri -> nav start (ms)"),
        ("pss_web", "WebKitWebProcess PSS, idle (MiB)"),
        ("pss_net", "WebKitNetworkProcess PSS (MiB)"),
        ("requests", "requests over the scheme")]


def one_run(variant, prepared):
    page_dir, flags = prepared
    arg = json.dumps({"dir": page_dir, "flags": sorted(flags)})
    try:
        env = dict(os.environ)
        if "cpu" in flags:
            env["WEBKIT_SKIA_ENABLE_CPU_RENDERING"] = "1"
        p = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", arg], env=env,
                           capture_output=True, text=True, timeout=DEADLINE_S + 15)
    except subprocess.TimeoutExpired:
        return {"error": "child timed out"}
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if p.returncode != 0 or not lines:
        return {"error": f"child exit {p.returncode}: {p.stderr.strip()[-300:]}"}
    return json.loads(lines[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("variants", nargs="*", default=["hello", "ui"])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--child")
    ap.add_argument("--show-text", action="store_true", help="print the page's text of each first run")
    a = ap.parse_args()
    if a.child:
        spec = json.loads(a.child)
        return child(spec["dir"], set(spec["flags"]))
    if a.list:
        for k, (what, _) in EXPERIMENTS.items():
            print(f"+{k:12} {what}")
        for k, what in WEBVIEW_FLAGS.items():
            print(f"+{k:12} {what}")
        return None
    if not 1 <= a.runs <= 100:
        sys.exit("page-bench: --runs must be 1..100")
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        sys.exit("page-bench: no display; run it under `xvfb-run -a`")
    with tempfile.TemporaryDirectory(prefix="page-bench-") as tmp:
        prepared = {v: prepare(v, tmp) for v in a.variants}
        samples = {v: [] for v in a.variants}
        for i in range(a.runs):
            for v in a.variants:
                r = one_run(v, prepared[v])
                if r.get("error"):
                    print(f"  {v} run {i + 1}: {r['error']}", file=sys.stderr)
                    continue
                if a.show_text and i == 0:
                    print(f"--- {v}: {r['text']!r}\n    fonts: {r['fonts']}")
                samples[v].append(r)
    report(a.variants, samples)
    return None


def median(rs, key):
    xs = [r[key] for r in rs if isinstance(r.get(key), (int, float)) and r[key] >= 0]
    return statistics.median(xs) if xs else None


def report(variants, samples):
    base = variants[0]
    width = max(16, *(len(v) for v in variants))
    print(f"medians of {', '.join(f'{v}: {len(samples[v])}' for v in variants)} paired runs; "
          f"ratios against {base}")
    print(f"{'':44}" + "".join(f"{v:>{width + 2}}" for v in variants))
    for key, label in ROWS:
        cells = []
        b = median(samples[base], key)
        for v in variants:
            m = median(samples[v], key)
            if m is None:
                cells.append(f"{'-':>{width + 2}}")
                continue
            ratio = f" ({m / b:.2f}x)" if v != base and b else ""
            cells.append(f"{m:.1f}{ratio}".rjust(width + 2))
        print(f"{label:44}" + "".join(cells))


if __name__ == "__main__":
    main()
