#!/usr/bin/env python3
"""prom-series.py PREFIX [FILE]: the samples and HELP/TYPE lines of the
families whose name starts with PREFIX in a Prometheus text exposition
(FILE or stdin), one per line, sorted and normalized, so that two
expositions of the same series compare with diff: labels sorted by name,
values printed as integers when they are whole ("1.234e+06" from Go and
"1234000" from C are one value)."""
import re
import sys

LABEL = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?')


def norm_value(v):
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


def series(prefix, text):
    out = []
    for line in text.splitlines():
        if line.startswith('# HELP ') or line.startswith('# TYPE '):
            if line.split()[2].startswith(prefix):
                out.append(line)
            continue
        if not line.strip() or line.startswith('#') or not line.startswith(prefix):
            continue
        m = re.match(r'([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s+(\S+)', line)
        if not m:
            raise SystemExit('bad sample line: ' + line)
        labels = []
        rest = m.group(3) or ''
        while rest:
            lm = LABEL.match(rest)
            if not lm:
                raise SystemExit('bad labels: ' + line)
            labels.append((lm.group(1), lm.group(2)))
            rest = rest[lm.end():]
        lbl = ','.join('%s="%s"' % kv for kv in sorted(labels))
        out.append('%s{%s} %s' % (m.group(1), lbl, norm_value(m.group(4))))
    return sorted(out)


if __name__ == '__main__':
    text = open(sys.argv[2]).read() if len(sys.argv) > 2 else sys.stdin.read()
    print('\n'.join(series(sys.argv[1], text)))
