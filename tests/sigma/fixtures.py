#!/usr/bin/env python3
"""Each of vigie's own rules that reports (detections and correlations,
not the rules that only feed a correlation) has a positive and a negative
fixture in rules/fixtures/<id>.match.log and <id>.nomatch.log: the rule
fires on the first and not on the second, with the whole rule set loaded.
TAP output. Usage: fixtures.py VIGIE RULES_DIR"""
import json
import os
import subprocess
import sys

vigie, rules = sys.argv[1], sys.argv[2]
fix = os.path.join(rules, 'fixtures')
out = subprocess.run([vigie, 'rules', 'list', '-r', rules],
                     stdout=subprocess.PIPE, check=True).stdout.decode()
reporting = []
for line in out.splitlines():
    level, rid, kind, title = line.split(None, 3)
    if kind != 'feeds':
        reporting.append((rid, title))


def fired(path):
    r = subprocess.run([vigie, 'scan', '--json', '--no-summary', '-r', rules,
                        path], stdout=subprocess.PIPE, check=True)
    return [json.loads(x)['rule_id'] for x in r.stdout.decode().splitlines()]


print('1..%d' % (2 * len(reporting)))
n = 0
bad = 0
for rid, title in reporting:
    for kind, want in (('match', True), ('nomatch', False)):
        n += 1
        path = os.path.join(fix, '%s.%s.log' % (rid, kind))
        if not os.path.exists(path):
            print('not ok %d - %s: no %s fixture (%s)' % (n, title, kind,
                                                            path))
            bad += 1
            continue
        ids = fired(path)
        ok = (rid in ids) == want
        bad += not ok
        print('%s %d - %s: %s fixture %s' % (
            'ok' if ok else 'not ok', n, title, kind,
            'fires' if rid in ids else 'stays quiet'))
sys.exit(1 if bad else 0)
