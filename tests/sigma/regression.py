#!/usr/bin/env python3
"""SigmaHQ regression data: every case's JSON rendering, scanned with the
whole rule tree loaded, must report the rule its info.yml names at least
match_count times (once when absent). TAP output; skips when the corpus
is absent. Usage: regression.py VIGIE CORPUS_SIGMA_DIR"""
import json
import os
import re
import subprocess
import sys

vigie, sigma = sys.argv[1], sys.argv[2]
if not os.path.isdir(os.path.join(sigma, 'regression_data')):
    print('1..0 # SKIP corpus absent (%s)' % sigma)
    sys.exit(0)

cases = []  # (rule id, title, json path, match_count)
missing = []
for root, _, files in os.walk(os.path.join(sigma, 'regression_data')):
    if 'info.yml' not in files:
        continue
    text = open(os.path.join(root, 'info.yml'), encoding='utf-8').read()
    # info.yml is simple enough to read without a YAML library
    rid = re.search(r'rule_metadata:\s*\n\s*-\s*id:\s*(\S+)', text)
    title = re.search(r'\n\s+title:\s*(.+)', text)
    mc = re.search(r'match_count:\s*(\d+)', text)
    if rid is None:
        continue
    rid = rid.group(1).strip('\'"')
    jsons = [f for f in files if f.endswith('.json')]
    if not jsons:
        missing.append(root)
        continue
    for j in jsons:
        cases.append((rid, title.group(1).strip() if title else rid,
                      os.path.join(root, j), int(mc.group(1)) if mc else 1))

cmd = [vigie, 'scan', '--json', '--no-summary']
for d in ('rules', 'rules-threat-hunting', 'rules-emerging-threats'):
    cmd += ['-r', os.path.join(sigma, d)]
cmd += sorted({c[2] for c in cases})
out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
if out.returncode != 0:
    print('1..1\nnot ok 1 - vigie scan exited %d: %s' %
          (out.returncode, out.stderr.decode(errors='replace')[:500]))
    sys.exit(1)
counts = {}
for line in out.stdout.decode('utf-8', errors='replace').splitlines():
    d = json.loads(line)
    key = (d['file'], d['rule_id'])
    counts[key] = counts.get(key, 0) + 1

print('1..%d' % (len(cases) + 1))
n = 0
failed = 0
for rid, title, path, want in sorted(cases, key=lambda c: c[2]):
    n += 1
    got = counts.get((path, rid), 0)
    ok = got >= want
    failed += not ok
    print('%s %d - %s: %d of %d wanted%s' %
          ('ok' if ok else 'not ok', n, title, got, want,
           '' if ok else ' (' + os.path.relpath(path, sigma) + ')'))
n += 1
print('ok %d - %d cases, %d passed, %d without a JSON rendering' %
      (n, len(cases), len(cases) - failed, len(missing)))
sys.exit(1 if failed else 0)
