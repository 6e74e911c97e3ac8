#!/usr/bin/env python3
"""The code a hot loop runs, from a callgrind profile: per object file, the
distinct 64-byte lines of machine code executed at least MIN times, and the
instructions executed there. With MIN the loop's iteration count, that is the
code every iteration touches, which the first-level instruction cache (32 KiB
here) must hold, or fetch again after the kernel has run. docs/performance.md
shows how it was used:

    valgrind --tool=callgrind --dump-instr=yes --compress-pos=no \\
        --compress-strings=no --toggle-collect='*::point_select*' \\
        --callgrind-out-file=profile.out \\
        build-release/bin/bench_peers run URI --client lingo \\
        --workload point_select --size 5000
    bench/peers/footprint.py profile.out 5500 [--functions]

(5 000 lookups and the 500 of the warm-up: 5 500 runs of the loop body.)
"""
import argparse
import collections
import sys


def read_profile(path):
    """(object, function, address) -> instructions executed there, exclusive."""
    costs = collections.Counter()
    obj = fn = None
    call_line = False
    with open(path) as f:
        if 'positions: instr' not in f.read(4096):
            sys.exit('footprint.py: %s: profile it with --dump-instr=yes --compress-pos=no '
                     '--compress-strings=no' % path)
        f.seek(0)
        for line in f:
            if line.startswith('ob='):
                obj = line[3:].strip()
            elif line.startswith('fn='):
                fn = line[3:].strip()
            elif line.startswith('calls='):
                call_line = True  # the next cost line is the call's inclusive cost
            elif line.startswith('0x'):
                if call_line:
                    call_line = False
                    continue
                fields = line.split()
                if len(fields) > 2:  # address, line number, instructions
                    costs[(obj, fn, int(fields[0], 16))] += int(fields[2])
    return costs


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('profile')
    p.add_argument('min', type=float, help='executions an instruction needs to count (the iteration count)')
    p.add_argument('--functions', action='store_true', help='per function, not per object file')
    a = p.parse_args()

    lines = collections.defaultdict(set)
    executed = collections.Counter()
    for (obj, fn, address), count in read_profile(a.profile).items():
        if count < a.min:
            continue
        key = (obj.rsplit('/', 1)[-1], fn) if a.functions else (obj.rsplit('/', 1)[-1], '')
        lines[key].add((obj, address // 64))
        executed[key] += count
    total_lines = 0
    print('%9s %12s  %s' % ('code', 'per run', 'where'))
    for key, where in sorted(lines.items(), key=lambda kv: -len(kv[1])):
        total_lines += len(where)
        print('%7d B %12.0f  %s' % (len(where) * 64, executed[key] / a.min, ' '.join(filter(None, key))[:150]))
    print('%7d B %12.0f  total' % (total_lines * 64, sum(executed.values()) / a.min))


if __name__ == '__main__':
    main()
