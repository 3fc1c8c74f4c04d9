#!/usr/bin/env python3
"""vigie's own rules against generated logs with injected attacks: every
attack the generator wrote to its manifest is detected by the rule it
names, for the address or user it names, and nothing is detected on the
benign background. TAP output.
Usage: attacks.py VIGIE LOGGEN RULES_DIR WORKDIR"""
import json
import os
import subprocess
import sys

vigie, loggen, rules, work = sys.argv[1:5]
os.makedirs(work, exist_ok=True)
KEYS = ('source.ip', 'c-ip', 'user.name', 'user.target.name')
tests = []


def key_of(d):
    if 'group' in d:
        return d['group'].split('=', 1)[1]
    f = d.get('event', {}).get('fields', {})
    for k in KEYS:
        if k in f:
            return f[k]
    return None


for kind, lines, seed in (('auth', 60000, 1), ('auth', 60000, 2),
                          ('nginx', 60000, 1), ('nginx', 60000, 2)):
    log = os.path.join(work, '%s-%d.log' % (kind, seed))
    man = log + '.manifest'
    with open(log, 'wb') as out:
        subprocess.run([loggen, kind, str(lines), str(seed), '--attacks',
                        man], stdout=out, check=True)
    want = set()
    for line in open(man):
        rid, key = line.rstrip('\n').split('\t')
        want.add((rid, key))
    attack_keys = {k for _, k in want}
    r = subprocess.run([vigie, 'scan', '--json', '--no-summary', '-r', rules,
                        log], stdout=subprocess.PIPE, check=True)
    got = set()
    stray = []
    for line in r.stdout.decode().splitlines():
        d = json.loads(line)
        k = key_of(d)
        got.add((d['rule_id'], k))
        if k not in attack_keys:
            stray.append('%s on %s (line %d)' % (d['rule'], k, d['line']))
    missed = sorted(want - got)
    tests.append((not missed, '%s seed %d: %d attacks injected, all found%s'
                  % (kind, seed, len(want),
                     '' if not missed else '; missed: %s' % missed)))
    tests.append((not stray, '%s seed %d: nothing on the benign part%s'
                  % (kind, seed, '' if not stray else
                     '; %d stray: %s' % (len(stray), stray[:5]))))

print('1..%d' % len(tests))
for i, (ok, msg) in enumerate(tests, 1):
    print('%s %d - %s' % ('ok' if ok else 'not ok', i, msg))
sys.exit(0 if all(ok for ok, _ in tests) else 1)
