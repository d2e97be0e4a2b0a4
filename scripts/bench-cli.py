#!/usr/bin/env python3
"""Whole-process CLI figures, each with its baseline measured in the same run (A B A B ...
pairs, medians, the ratio taken pair by pair). Run it inside scripts/test-env.sh (a private,
unlocked GNOME Keyring): `make bench-cli`. Public tools only: python3, secret-tool.

  token  : `spotkey token` (valid stored token)  vs  `secret-tool lookup` of the same item
  status : `spotkey status`                      vs  `secret-tool lookup` of the same item
  gui    : `spotkey token`                       vs  the same command from spotkey-desktop
                                                     (the same code linked with the GUI stack)
  login  : whole `spotkey login` against an auto-approving fake (link followed at once)
           vs the floor (benches/peers floor-login: listener, link, one callback, one token
           POST, one keychain write, nothing else), and vs rspotify's cli sign-in (benches/peers, built from crates.io by `make bench-cli`:
           PKCE, its own loopback listener, the token written to a plain JSON file), driven
           through the same fake; and vs a peer command given with --peer (optional).
           librespot-oauth is left out: its Spotify endpoints are hardcoded, so it cannot be
           pointed at the fake without patching its source.
Peak RSS: GNU time's %M of 3 extra runs each, the largest (time forks from a small process,
so a forked parent's size cannot leak into the figure as it does with wait4 here)."""
import argparse, os, re, socket, statistics, subprocess, sys, tempfile, threading, time
import urllib.error, urllib.request

LINK = re.compile(r"(https?://\S+/authorize\?\S+)")

def run_once(argv, env, follow_link=False):
    """Runs argv to its exit; returns (seconds, peak RSS KiB, exit code, output). The output is
    stderr, with stdout too when a link is followed (a peer may print its link on either)."""
    if callable(argv):
        argv = argv()  # a peer that needs a fresh argument (a free port) each run
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE if follow_link else subprocess.DEVNULL,
                            stderr=subprocess.STDOUT if follow_link else subprocess.PIPE, text=True)
    output = proc.stdout if follow_link else proc.stderr
    lines = []
    def read():
        followed = False
        for line in output:
            lines.append(line)
            link = LINK.search(line)
            if follow_link and link and not followed:
                # The browser: the fake approves at once and redirects to the loopback listener.
                followed = True
                browse(link.group(1))
    reader = threading.Thread(target=read)
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    return elapsed, usage.ru_maxrss, proc.returncode, "".join(lines)

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

_no_redirect = urllib.request.build_opener(_NoRedirect)

def browse(link, deadline_s=10.0):
    """What a browser does with the sign-in link against the auto-approving fake: GET it, then
    the redirect to the loopback listener. A peer may print its link before its listener is
    bound (rspotify does), so the loopback hop is retried on "connection refused" until the
    deadline; retries are 1 ms apart, so a peer loses at most that to them."""
    try:
        _no_redirect.open(link, timeout=10).read()
        sys.exit(f"the fake answered the sign-in link without a redirect: {link}")
    except urllib.error.HTTPError as answer:
        if answer.code not in (302, 303, 307):
            raise
        callback = answer.headers["Location"]
    end = time.monotonic() + deadline_s
    while True:
        try:
            urllib.request.urlopen(callback, timeout=10).read()
            return
        except urllib.error.URLError as e:
            refused = isinstance(e.reason, ConnectionRefusedError)
            if not refused or time.monotonic() > end:
                raise
            time.sleep(0.001)

def peak_rss_kib(argv, env, follow_link):
    with tempfile.NamedTemporaryFile("r") as out:
        peaks = []
        for _ in range(3):
            timed = lambda: ["/usr/bin/time", "-f", "%M", "-o", out.name] + \
                (argv() if callable(argv) else argv)
            run_once(timed, env, follow_link)
            out.seek(0)
            peaks.append(int(out.read().strip().splitlines()[-1]))
        return max(peaks)

def words(argv):
    return (argv() if callable(argv) else argv)[:2]

def compare(name, a, b, runs, env, follow_a=False, follow_b=False, expect_a=0):
    times_a, times_b, ratios = [], [], []
    for i in range(runs + 1):
        ta, _, code, err = run_once(a, env, follow_a)
        if code != expect_a:
            sys.exit(f"{name}: {' '.join(words(a))} exited {code}: {err.strip()}")
        tb, _, code_b, err_b = run_once(b, env, follow_b)
        if follow_b and code_b != 0:
            sys.exit(f"{name}: {' '.join(words(b))} exited {code_b}: {err_b.strip()}")
        if i == 0:
            continue  # warm-up pair
        times_a.append(ta); times_b.append(tb); ratios.append(ta / tb)
    peak_a, peak_b = peak_rss_kib(a, env, follow_a), peak_rss_kib(b, env, follow_b)
    ms = lambda xs: f"{statistics.median(xs) * 1000:7.1f} ms (min {min(xs) * 1000:.1f}, max {max(xs) * 1000:.1f})"
    print(f"{name:<7} A {' '.join(os.path.basename(x) for x in words(a))}: {ms(times_a)}  peak {peak_a / 1024:.1f} MiB")
    print(f"{'':<7} B {' '.join(os.path.basename(x) for x in words(b))}: {ms(times_b)}  peak {peak_b / 1024:.1f} MiB")
    print(f"{'':<7} ratio A/B (median of pairs): {statistics.median(ratios):.2f}")

def start_fake(fake):
    env = dict(os.environ, FAKE_CONSENT="approve", FAKE_CLIENT_ID="bench-client")
    proc = subprocess.Popen([fake], env=env, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    found = re.match(r"accounts=(\S+) api=(\S+)", line)
    if not found:
        sys.exit(f"the fake Spotify did not start: {line!r}")
    return proc, found.group(1), found.group(2)

def lookup_command(service):
    """secret-tool lookup of the item spotkey reads for `token`: the stored session."""
    out = subprocess.run(["secret-tool", "search", "--all", "service", service],
                         capture_output=True, text=True).stdout + \
          subprocess.run(["secret-tool", "search", "--all", "service", service],
                         capture_output=True, text=True).stderr
    items, current = [], {}
    for line in out.splitlines():
        if line.startswith("["):
            current = {}; items.append(current)
        elif line.startswith("attribute."):
            key, _, value = line[len("attribute."):].partition(" = ")
            current[key] = value
    session = [i for i in items if "session" in " ".join(i.values())] or items
    if not session:
        sys.exit(f"no keychain item for service {service}: did the login store one?")
    argv = ["secret-tool", "lookup"]
    for key, value in sorted(session[0].items()):
        argv += [key, value]
    return argv

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def rspotify_login(peer, accounts, api, home):
    """rspotify's sign-in on a fresh free port, with no cached token (it would skip the sign-in)."""
    token_file = os.path.join(home, "rspotify-token.json")
    def argv():
        if os.path.exists(token_file):
            os.remove(token_file)
        return [os.path.abspath(peer), accounts, api, "bench-client", str(free_port()), token_file]
    return argv

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", default="target/release")
    parser.add_argument("--fake", default=None)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--peer", default=None, help="a whole-sign-in peer command (shell words)")
    parser.add_argument("--rspotify", default="benches/peers/target/release/rspotify-login",
                        help="rspotify's sign-in peer (skipped with a note when missing)")
    parser.add_argument("--floor", default="benches/peers/target/release/floor-login",
                        help="benches/peers/target/release/floor-login: the whole-process floor")
    parser.add_argument("--then", default=None,
                        help="instead of the figures: run this shell command signed in, with "
                             "SPOTKEY_* set and $LOOKUP holding the secret-tool lookup command")
    args = parser.parse_args()
    spotkey = os.path.abspath(os.path.join(args.bin_dir, "spotkey"))
    desktop = os.path.abspath(os.path.join(args.bin_dir, "spotkey-desktop"))
    fake_bin = args.fake or os.path.join(args.bin_dir, "examples", "fake_spotify")
    fake, accounts, api = start_fake(fake_bin)
    home = tempfile.mkdtemp(prefix="spotkey-bench.")
    env = dict(os.environ, SPOTKEY_ACCOUNTS_URL=accounts, SPOTKEY_API_URL=api,
               SPOTKEY_CLIENT_ID="bench-client", SPOTKEY_KEYCHAIN_SERVICE="spotkey-bench",
               XDG_CONFIG_HOME=home + "/config", XDG_CACHE_HOME=home + "/cache", BROWSER="/bin/false")
    env.pop("SPOTKEY_CLIENT_SECRET", None); env.pop("SPOTKEY_LOG", None)
    try:
        _, _, code, err = run_once([spotkey, "login", "--no-browser"], env, follow_link=True)
        if code != 0:
            sys.exit(f"login failed ({code}): {err.strip()}")
        lookup = lookup_command("spotkey-bench")
        if args.then:
            env["LOOKUP"] = " ".join(lookup)
            sys.exit(subprocess.run(["bash", "-c", args.then], env=env).returncode)
        print(f"spotkey CLI benchmark: {args.runs} pairs each (+1 warm-up), fake Spotify, real Secret Service")
        compare("token", [spotkey, "token"], lookup, args.runs, env)
        compare("status", [spotkey, "status"], lookup, args.runs, env)
        if os.path.exists(desktop):
            compare("gui", [spotkey, "token"], [desktop, "token"], args.runs, env)
        login = [spotkey, "login", "--no-browser"]
        if args.floor and os.path.exists(args.floor):
            floor = [os.path.abspath(args.floor), accounts, "bench-client", "spotkey-bench-floor"]
            compare("login", login, floor, args.runs, env, follow_a=True, follow_b=True)
        else:
            print(f"login   floor not built ({args.floor}): `make bench-cli` builds it")
        if os.path.exists(args.rspotify):
            compare("login", login, rspotify_login(args.rspotify, accounts, api, home), args.runs,
                    env, follow_a=True, follow_b=True)
        else:
            print(f"login   rspotify peer not built ({args.rspotify}): `make bench-cli` builds it")
        if args.peer:
            compare("login", login, args.peer.split(), args.runs, env, follow_a=True, follow_b=True)
        else:
            compare("login", login, lookup, args.runs, env, follow_a=True)
    finally:
        fake.kill()

if __name__ == "__main__":
    main()
