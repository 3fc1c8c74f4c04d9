#!/usr/bin/env python3
"""vigie's web rules on real access logs (../shared/corpus/web-access-logs):
- the 10,000 lines of real traffic: every detection is a known, explained
  one (tests/sigma/web_fp_explained.tsv: rule id, address, why); any
  other is a false alert and fails;
- the three recorded scanner sessions: detections on each, all for a
  scanner's address (192.168.4.x; in the w3af file also 192.168.1.20,
  whose requests carry w3af's own user agent).
Skips when the corpus is absent. TAP output.
Usage: webcorpus.py VIGIE RULES_DIR CORPUS_DIR EXPLAINED_TSV WORKDIR"""
import json
import os
import subprocess
import sys

vigie, rules, corpus, explained, work = sys.argv[1:6]
base = os.path.join(corpus, 'web-access-logs')
if not os.path.isdir(base):
    print('1..0 # SKIP corpus absent')
    sys.exit(0)
os.makedirs(work, exist_ok=True)


def scan(path):
    r = subprocess.run([vigie, 'scan', '--json', '--no-summary', '-r', rules,
                        path], stdout=subprocess.PIPE, check=True)
    return [json.loads(x) for x in r.stdout.decode().splitlines()]


def addr(d):
    if 'group' in d:
        return d['group'].split('=', 1)[1]
    return d['event']['fields'].get('c-ip', '?')


known = set()
for line in open(explained):
    if line.strip() and not line.startswith('#'):
        rid, ip, _why = line.rstrip('\n').split('\t', 2)
        known.add((rid, ip))

tests = []
real = scan(os.path.join(base, 'elastic-examples-apache', 'apache_logs'))
false = [(d['rule'], addr(d), d['line']) for d in real
         if (d['rule_id'], addr(d)) not in known]
tests.append((not false, 'real traffic (10,000 lines): %d detections, %d '
              'explained, %d false alerts%s' % (
                  len(real), len(real) - len(false), len(false),
                  '' if not false else ': %s' % false[:10])))
for name in ('acunetix', 'netsparker', 'w3af'):
    src = os.path.join(base, 'ocatak-apache-http-logs', name + '.txt')
    dst = os.path.join(work, name + '.log')
    with open(src, encoding='utf-8', errors='surrogateescape') as f, \
            open(dst, 'w', encoding='utf-8', errors='surrogateescape') as o:
        for line in f:  # each line is wrapped in one more pair of quotes
            line = line.rstrip('\r\n')
            if line.startswith('"') and line.endswith('"'):
                line = line[1:-1]
            o.write(line + '\n')
    det = scan(dst)
    others = [addr(d) for d in det if not addr(d).startswith('192.168.4.')
              and not (name == 'w3af' and addr(d) == '192.168.1.20')]
    tests.append((len(det) >= 20 and not others,
                  '%s session: %d detections by %d rules, all on the '
                  'scanner%s' % (name, len(det),
                                 len({d['rule_id'] for d in det}),
                                 '' if not others else
                                 '; others: %s' % others[:5])))
print('1..%d' % len(tests))
for i, (ok, msg) in enumerate(tests, 1):
    print('%s %d - %s' % ('ok' if ok else 'not ok', i, msg))
sys.exit(0 if all(ok for ok, _ in tests) else 1)
