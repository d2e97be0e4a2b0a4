#!/usr/bin/env python3
"""Whole-process CLI figures, each with its baseline measured in the same run (A B A B ...
pairs, medians, the ratio taken pair by pair). Run it inside scripts/test-env.sh (a private,
unlocked GNOME Keyring): `make bench-cli`. Public tools only: python3, secret-tool.

  token  : `spotkey token` (valid stored token)  vs  `secret-tool lookup` of the same item
  status : `spotkey status`                      vs  `secret-tool lookup` of the same item
  gui    : `spotkey token`                       vs  the same command from spotkey-desktop
                                                     (the same code linked with the GUI stack)
  login  : whole `spotkey login` against an auto-approving fake (link followed at once)
           vs a peer command given with --peer (optional)
Peak RSS: GNU time's %M of 3 extra runs each, the largest (time forks from a small process,
so a forked parent's size cannot leak into the figure as it does with wait4 here)."""
import argparse, os, re, statistics, subprocess, sys, tempfile, threading, time, urllib.request

def run_once(argv, env, follow_link=False):
    """Runs argv to its exit; returns (seconds, peak RSS KiB, exit code, stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    lines = []
    def read():
        for line in proc.stderr:
            lines.append(line)
            if follow_link and line.strip().startswith("http"):
                # The browser: the fake approves at once and redirects to the loopback listener.
                urllib.request.urlopen(line.strip(), timeout=10).read()
    reader = threading.Thread(target=read)
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    return elapsed, usage.ru_maxrss, proc.returncode, "".join(lines)

def peak_rss_kib(argv, env, follow_link):
    with tempfile.NamedTemporaryFile("r") as out:
        peaks = []
        for _ in range(3):
            run_once(["/usr/bin/time", "-f", "%M", "-o", out.name] + argv, env, follow_link)
            out.seek(0)
            peaks.append(int(out.read().strip().splitlines()[-1]))
        return max(peaks)

def compare(name, a, b, runs, env, follow_a=False, follow_b=False, expect_a=0):
    times_a, times_b, ratios = [], [], []
    for i in range(runs + 1):
        ta, _, code, err = run_once(a, env, follow_a)
        if code != expect_a:
            sys.exit(f"{name}: {' '.join(a)} exited {code}: {err.strip()}")
        tb, _, _, _ = run_once(b, env, follow_b)
        if i == 0:
            continue  # warm-up pair
        times_a.append(ta); times_b.append(tb); ratios.append(ta / tb)
    peak_a, peak_b = peak_rss_kib(a, env, follow_a), peak_rss_kib(b, env, follow_b)
    ms = lambda xs: f"{statistics.median(xs) * 1000:7.1f} ms (min {min(xs) * 1000:.1f}, max {max(xs) * 1000:.1f})"
    print(f"{name:<7} A {' '.join(os.path.basename(x) for x in a[:2])}: {ms(times_a)}  peak {peak_a / 1024:.1f} MiB")
    print(f"{'':<7} B {' '.join(os.path.basename(x) for x in b[:2])}: {ms(times_b)}  peak {peak_b / 1024:.1f} MiB")
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

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", default="target/release")
    parser.add_argument("--fake", default=None)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--peer", default=None, help="a whole-sign-in peer command (shell words)")
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
        if args.peer:
            compare("login", login, args.peer.split(), args.runs, env, follow_a=True, follow_b=True)
        else:
            compare("login", login, lookup, args.runs, env, follow_a=True)
    finally:
        fake.kill()

if __name__ == "__main__":
    main()
