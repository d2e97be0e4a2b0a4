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
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile

from page_bench_load import DEADLINE_S
from page_bench_variants import EXPERIMENTS, FLAG_ENV, WEBVIEW_FLAGS, prepare

LOAD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "page_bench_load.py")

ROWS = [("response_end", "nav start -> index.html received (ms)"),
        ("dom_interactive", "nav start -> DOM interactive (ms)"),
        ("fcp", "nav start -> first contentful paint (ms)"),
        ("mark", "nav start -> status-rendered mark (ms)"),
        ("frame", "nav start -> status-painted: its frame (ms)"),
        ("first_module", "nav start -> first module runs (+marks, ms)"),
        ("render_start", "nav start -> render(injected) (+marks, ms)"),
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
        for flag in flags:
            env.update(FLAG_ENV.get(flag, {}))
        p = subprocess.run([sys.executable, LOAD, arg], env=env,
                           capture_output=True, text=True, timeout=DEADLINE_S + 15)
    except subprocess.TimeoutExpired:
        return {"error": "the load timed out"}
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if p.returncode != 0 or not lines:
        return {"error": f"the load exited {p.returncode}: {p.stderr.strip()[-300:]}"}
    return json.loads(lines[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("variants", nargs="*", default=["hello", "ui"])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--show-text", action="store_true", help="print each variant's text and a hash of its layout (first run)")
    a = ap.parse_args()
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
                    layout = hashlib.sha256(r["layout"].encode()).hexdigest()[:12]
                    print(f"--- {v}: layout {layout}, --sans {r['sans']!r}, text {r['text']!r}")
                    print(f"    faces ({len(r.get('faces', []))}): {r.get('faces')}")
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

