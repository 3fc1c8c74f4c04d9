#!/usr/bin/env python3
"""Writes a C file defining a byte array with a file's contents (the
built-in Sigma mapping): embed.py INPUT OUTPUT SYMBOL"""
import sys

data = open(sys.argv[1], 'rb').read()
sym = sys.argv[3]
with open(sys.argv[2], 'w') as out:
    out.write('#include <stddef.h>\n')
    out.write('const char %s[] = {\n' % sym)
    for i in range(0, len(data), 16):
        out.write(''.join('%d,' % b for b in data[i:i + 16]) + '\n')
    out.write('0};\n')
    out.write('const size_t %s_len = %d;\n' % (sym, len(data)))
