#!/usr/bin/env python3
"""Runs every test meson knows in BUILD, one executable at a time, reads
their TAP output and prints the failures and one closing line:
'N passed, N failed, N skipped'. Counts are also written to
BUILD/suite-counts for .ci/run to add up."""
import json, os, subprocess, sys

build = sys.argv[1] if len(sys.argv) > 1 else "build"
tests = json.loads(subprocess.check_output(
    ["meson", "introspect", "--tests", build]))
passed = failed = skipped = 0
for t in tests:
    env = dict(os.environ)
    # compiled rules are cached under the build, not in the user's home
    env.setdefault("VIGIE_CACHE_DIR", os.path.join(os.path.abspath(build),
                                                   "vigie-cache"))
    env.update(t.get("env") or {})
    try:
        p = subprocess.run(t["cmd"], env=env, cwd=t.get("workdir") or None,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=t.get("timeout") or 300)
        out, err, rc = p.stdout.decode("utf-8", "replace"), \
            p.stderr.decode("utf-8", "replace"), p.returncode
    except subprocess.TimeoutExpired:
        out, err, rc = "", "timed out", -1
    ok = bad = skip = 0
    for line in out.splitlines():
        s = line.strip()
        if "# SKIP" in s and (s.startswith("ok") or s.startswith("not ok")):
            skip += 1
        elif s.startswith("not ok"):
            bad += 1
            print(f"FAIL {t['name']}: {s}")
        elif s.startswith("ok"):
            ok += 1
    if rc != 0 and bad == 0:
        bad = 1
        print(f"FAIL {t['name']}: exit status {rc}")
    if bad:
        sys.stdout.write("".join("    " + l + "\n" for l in
                                 (out + err).splitlines()[-40:]))
    print(f"{t['name']:28} {ok} passed, {bad} failed, {skip} skipped")
    passed += ok; failed += bad; skipped += skip
with open(os.path.join(build, "suite-counts"), "w") as f:
    f.write(f"{passed} {failed} {skipped}\n")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
