#!/usr/bin/python3
"""The page variants of scripts/page-bench.py: ui/ (as it is, at a git revision, or a directory)
with experiments that each change one thing in a copy of it."""
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _css_add(d, css):
    with open(os.path.join(d, "app.css"), "a", encoding="utf-8") as f:
        f.write("\n" + css + "\n")


def _sub(d, name, pattern, repl, flags=0):
    p = os.path.join(d, name)
    with open(p, encoding="utf-8") as f:
        text = f.read()
    changed, count = re.subn(pattern, repl, text, flags=flags)
    if count == 0:
        # An experiment that changes nothing would be measured as if it had: say so instead.
        sys.exit(f"page-bench: {name} of this page has no {pattern!r}; the experiment does not apply")
    with open(p, "w", encoding="utf-8") as f:
        f.write(changed)


def _html_sub(d, pattern, repl, flags=0):
    _sub(d, "index.html", pattern, repl, flags)


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


def _inline(d, classic=False):
    """The stylesheet and the bundle inside index.html: one response for the whole first screen.
    Tauri hashes inline scripts and puts nonces on inline styles: `csp.txt` allows them alike.
    `classic`: the bundle as a strict classic script at the end of the body, where a module's
    body would run (no module loader)."""
    import base64
    import hashlib
    import json
    _bundle(d)
    with open(os.path.join(d, "bundle.js"), encoding="utf-8") as f:
        script = f.read()
    with open(os.path.join(d, "app.css"), encoding="utf-8") as f:
        style = f.read()
    _html_sub(d, r'<link rel="stylesheet" href="app\.css">', lambda _: "<style>" + style + "</style>")
    if classic:
        script = '"use strict";\n' + script
        _html_sub(d, r'\s*<script type="module" src="bundle\.js"></script>', "")
        _html_sub(d, r"</body>", lambda _: "<script>" + script + "</script>\n</body>")
    else:
        _html_sub(d, r'<script type="module" src="bundle\.js"></script>',
                  lambda _: '<script type="module">' + script + "</script>")
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    with open(os.path.join(ROOT, "tauri.conf.json"), encoding="utf-8") as f:
        csp = json.load(f)["app"]["security"]["csp"]
    csp = csp.replace("script-src 'self'", f"script-src 'self' 'sha256-{digest}'")
    csp = csp.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    with open(os.path.join(d, "csp.txt"), "w", encoding="utf-8") as f:
        f.write(csp)


def css(what, rules):
    """An experiment that only adds CSS rules after app.css's own."""
    return what, lambda d: _css_add(d, rules)


EXPERIMENTS = {
    "no-anim": css("the spinner without its infinite animation",
                   ".spinner { animation: none !important; }"),
    "no-loading": ("no #loading box at all (hidden from the start)",
                   lambda d: _html_sub(d, r'id="loading" class="loading"', 'id="loading" class="loading" hidden')),
    "no-shadow": css("no box-shadow, gradient or filter",
                   "* { box-shadow: none !important; filter: none !important; }"
                   " .avatar { background: #1db954 !important; }"),
    "shadow-small": css("the cards' shadow without its wide (14 px) blur",
                        ":root { --shadow: 0 1px 3px rgba(16, 24, 20, 0.08); }"),
    "shadow-crisp": css("the cards' shadow as two unblurred 1 px lines",
                        ":root { --shadow: 0 1px 0 rgba(16, 24, 20, 0.05), 0 2px 0 rgba(16, 24, 20, 0.03); }"),
    "no-sticky": css("the header not position: sticky",
                   ".app-header { position: static !important; }"),
    "no-preload": ("no <link rel=modulepreload>",
                   lambda d: _html_sub(d, r'\s*<link rel="modulepreload"[^>]*>', "")),
    "bundle": ("the ten modules concatenated into one", _bundle),
    "no-js": ("no script at all (the page as parsed: the loading box)",
              lambda d: _html_sub(d, r'\s*<script type="module"[^>]*></script>', "")),
    "no-sprite": ("no SVG sprite",
                  lambda d: _html_sub(d, r'<svg class="sprite".*?</svg>', "", re.S)),
    "sys-font": css("one font family instead of the fallback list",
                   ":root { font-family: sans-serif !important; --mono: monospace !important; }"),
    "sans-short": css("the text font list cut to `sans-serif` (the monospace list kept)",
                   ":root { font-family: sans-serif !important; }"),
    "mono-short": css("the monospace list cut to `monospace` (the text font list kept)",
                   ":root { --mono: monospace !important; }"),
    "no-intl": ("dates and countries without Intl (ICU)",
                lambda d: _sub(d, "format.js", r"(export function (formatDate|countryName)\(\w+\) \{)",
                               r"\1 return String(arguments[0]);")),
    "drop-kw": ("the lists without system-ui, -apple-system, ui-monospace (WebKitGTK has no such font)",
                lambda d: _sub(d, "app.css", r"(system-ui, -apple-system, |ui-monospace, )", "")),
    "hide-main": css("the drawn screen not painted (visibility: hidden), the scripts run as before",
                   ".main, .app-header { visibility: hidden !important; }"),
    "no-icons": css("the SVG icons and logo not painted",
                   "svg { visibility: hidden !important; }"),
    "no-radius": css("no rounded corners",
                   "* { border-radius: 0 !important; }"),
    "no-text": css("the text not painted (transparent), layout as before",
                   "* { color: transparent !important; }"),
    "marks": ("marks when the first module runs and when render starts (timing only)",
              lambda d: (_sub(d, "dom.js", r"^", "performance.mark('bench:first-module');\n"),
                         _sub(d, "main.js", r"\nif \(isStatus\(injected\)\) \{",
                              "\nperformance.mark('bench:render-start');\nif (isStatus(injected)) {"),
                         # the paint of the frame holding the status: rAF runs before it, a task after
                         _sub(d, "main.js", r"(performance\.mark\(\"spotkey:status-rendered\"\);)",
                              "\\1 requestAnimationFrame(() => setTimeout(() => "
                              "performance.mark('bench:status-frame')));"))),
    "saved-fonts": ("font lists saved by an earlier start (early.js finds them), as on every start after the first",
                    lambda d: _sub(d, "early.js", r'localStorage\.getItem\("spotkey\.fontLists"\)',
                                   "'" + '{"sans": "sans-serif", "mono": "monospace"}' + "'")),
    "no-intl-date": ("dates without Intl (countries still named by Intl.DisplayNames)",
                     lambda d: _sub(d, "format.js", r"(export function formatDate\(\w+\) \{)",
                                    r"\1 return String(arguments[0]);")),
    "no-intl-country": ("countries without Intl.DisplayNames (pages before 2026-11-26 08:00; ui/ now has none)",
                        lambda d: _sub(d, "format.js", r"(export function countryName\(\w+\) \{)",
                                       r"\1 return String(arguments[0]);")),
    "bundle-classic": ("the bundle as a classic script at the end of the body (runs during the parse)",
                       lambda d: (_bundle(d),
                                  _html_sub(d, r'\s*<script type="module" src="bundle\.js"></script>', ""),
                                  _html_sub(d, r"</body>", '<script src="bundle.js"></script>\n</body>'))),
    "sans-named": css("the text font list as the installed family's own name (DejaVu Sans) rather than "
                      "the generic sans-serif", 'html:root { --sans: "DejaVu Sans", sans-serif !important; }'),
    "one-weight": css("every text at weight 400 (the sizes kept)", "* { font-weight: 400 !important; }"),
    "one-size": css("every text at 15px (the weights kept)", "* { font-size: 15px !important; }"),
    "one-face": css("every text at weight 400 and 15px: one font, as hello-world has",
                    "* { font-weight: 400 !important; font-size: 15px !important; }"),
    "date-manual": ("dates in English from the Date's own fields, as ui/ now writes them (for older pages)",
                    lambda d: _sub(d, "format.js", r"(export function formatDate\(\w+\) \{)",
                                   r"\1 const t = new Date(arguments[0] * 1000); return "
                                   r"['January','February','March','April','May','June','July','August',"
                                   r"'September','October','November','December'][t.getMonth()] + ' ' + "
                                   r"t.getDate() + ', ' + t.getFullYear();")),
    "hold-paint": ("nothing painted until the status is drawn (or 400 ms): one first frame, the status",
                   lambda d: (_css_add(d, "html:not(.drawn) body { visibility: hidden; animation: reveal 0s 400ms forwards; }"
                                          " @keyframes reveal { to { visibility: visible; } }"),
                              _sub(d, "main.js", r'(performance\.mark\("spotkey:status-rendered"\);)',
                                   r'document.documentElement.classList.add("drawn"); \1'))),
    "inline": ("the stylesheet and every module (as one) inside index.html: no request but the page's",
               _inline),
    "inline-classic": ("as +inline, the bundle a strict classic script at the end of the body",
                       lambda d: _inline(d, classic=True)),
    "empty-css": ("app.css emptied (the link stays): what its rules cost the first frame",
                  lambda d: open(os.path.join(d, "app.css"), "w").close()),
    "no-mono": css("no monospace text (the mono font list set to the text one)",
                   ":root { --mono: var(--sans) !important; } code, .mono, kbd, pre { font-family: var(--sans) !important; }"),
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
    "no-dmabuf": "WEBKIT_DISABLE_DMABUF_RENDERER=1 (no DMA-BUF renderer: no EGL display to set up)",
    "no-comp-env": "WEBKIT_DISABLE_COMPOSITING_MODE=1 (compositing off from the process's start)",
}
# The environment each webview flag sets for the load's process (and so for its web process).
FLAG_ENV = {
    "cpu": {"WEBKIT_SKIA_ENABLE_CPU_RENDERING": "1"},
    "no-dmabuf": {"WEBKIT_DISABLE_DMABUF_RENDERER": "1"},
    "no-comp-env": {"WEBKIT_DISABLE_COMPOSITING_MODE": "1"},
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

