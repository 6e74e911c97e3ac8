#!/usr/bin/env python3
"""What the DSL's compile-time checks cost the compiler.

Generates one translation unit with 20 models (8 columns each, of every
common C++ type) and, per model, the queries an application writes: a select
with comparisons, an insert column by column, an update and a delete. The
unit uses only API that the base revision has too, so the same text compiles
against both sets of headers: this tree's framework/include and the base
revision's (by default 6a26d22, the last one before issue 15's checks).

Each is compiled ROUNDS times (-std=c++20 -O2 -c, as the project builds),
alternating, and the median wall time and the peak memory are printed, with
the ratio. Usage: bench/compile_time/run.py [--base REV] [--rounds N] [--out FILE]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

COLUMNS = [
    ('std::int64_t', 'lingo::BigAutoField{}', 'id'),
    ('std::string', 'lingo::TextField{}', 'name'),
    ('std::optional<std::string>', 'lingo::TextField{}.null()', 'note'),
    ('std::int32_t', 'lingo::IntegerField{}', 'count'),
    ('lingo::Decimal', 'lingo::DecimalField{12, 2}', 'amount'),
    ('bool', 'lingo::BooleanField{}', 'active'),
    ('lingo::Date', 'lingo::DateField{}', 'day'),
    ('std::optional<double>', 'lingo::DoubleField{}.null()', 'score'),
]


def translation_unit(models):
    out = ['#include <optional>', '#include <string>', '#include "lingo/lingo.h"', '']
    for m in range(models):
        out.append('struct Model%d : lingo::Table {' % m)
        for cpp, field, name in COLUMNS:
            out.append('  lingo::Column<%s> %s = column("%s", %s);' % (cpp, name, name, field))
        out.append('  Model%d() : Table("model%d") {}' % (m, m))
        out.append('};')
        out.append('inline const Model%d model%d;' % (m, m))
    out.append('')
    out.append('std::size_t work(lingo::Database& db) {')
    out.append('  std::size_t n = 0;')
    for m in range(models):
        t = 'model%d' % m
        out.append('  n += db.select(%s.id, %s.name, %s.amount).from(%s)'
                   '.where(%s.count > 3 && %s.name == "x" && %s.amount <= lingo::Decimal("1.5") && '
                   '%s.note == std::nullopt && %s.day >= lingo::Date{std::chrono::sys_days{std::chrono::year{2024} / 1 / 1}})'
                   '.order_by(%s.id.desc()).limit(10).compile().sql.size();' % ((t,) * 10))
        out.append('  n += db.insert(%s).set(%s.name, "a").set(%s.note, std::nullopt).set(%s.count, 1)'
                   '.set(%s.amount, lingo::Decimal("2.00")).set(%s.active, true)'
                   '.set(%s.day, lingo::Date{std::chrono::sys_days{std::chrono::year{2024} / 2 / 3}}).set(%s.score, 0.5).compile().sql.size();' % ((t,) * 8))
        out.append('  n += db.update(%s).set(%s.count, %s.count + 1).set(%s.note, "n")'
                   '.where(%s.id == std::int64_t{7}).compile().sql.size();' % ((t,) * 5))
        out.append('  n += db.delete_from(%s).where(%s.active == false || %s.score < 0.1)'
                   '.compile().sql.size();' % ((t,) * 3))
    out.append('  return n;')
    out.append('}')
    return '\n'.join(out) + '\n'


def compile_once(cxx, include, source, obj):
    """Wall seconds, the compiler's CPU seconds (user + system) and its peak RSS in KiB, from GNU time."""
    start = time.perf_counter()
    proc = subprocess.run(['/usr/bin/time', '-f', '%U %S %M', cxx, '-std=c++20', '-O2', '-I', include, '-c', source,
                           '-o', obj], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit('compile failed with %s:\n%s' % (include, proc.stderr[:4000]))
    user, system, peak = proc.stderr.strip().splitlines()[-1].split()
    return wall, float(user) + float(system), int(peak)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--base', default='6a26d22')
    ap.add_argument('--rounds', type=int, default=5)
    ap.add_argument('--models', type=int, default=20)
    ap.add_argument('--cxx', default='c++')
    ap.add_argument('--out')
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base_dir = os.path.join(tmp, 'base')
        os.makedirs(base_dir)
        archive = subprocess.run(['git', '-C', ROOT, 'archive', args.base, 'framework/include'],
                                 stdout=subprocess.PIPE, check=True).stdout
        subprocess.run(['tar', '-x', '-C', base_dir], input=archive, check=True)
        source = os.path.join(tmp, 'models.cpp')
        with open(source, 'w') as f:
            f.write(translation_unit(args.models))
        heads = {'this tree': os.path.join(ROOT, 'framework/include'),
                 'base ' + args.base: os.path.join(base_dir, 'framework/include')}
        times = {k: [] for k in heads}
        cpu = {k: [] for k in heads}
        peaks = {k: 0 for k in heads}
        for _ in range(args.rounds):
            for name, include in heads.items():
                wall, seconds, peak = compile_once(args.cxx, include, source, os.path.join(tmp, 'models.o'))
                times[name].append(wall)
                cpu[name].append(seconds)
                peaks[name] = max(peaks[name], peak)
        lines = ['%d models x 8 columns, %d queries; `%s -std=c++20 -O2 -c`, median of %d alternating rounds'
                 % (args.models, 4 * args.models, args.cxx, args.rounds), '',
                 '| headers | median CPU (user + sys) | median wall | peak RSS of the compiler |',
                 '| --- | ---: | ---: | ---: |']
        for name in heads:
            lines.append('| %s | %.2f s | %.2f s | %.0f MiB |' % (name, statistics.median(cpu[name]),
                                                               statistics.median(times[name]), peaks[name] / 1024))
        names = list(heads)
        ratios = [a / b for a, b in zip(cpu[names[0]], cpu[names[1]])]
        lines.append('')
        lines.append('this tree / base, CPU time, median of the paired rounds: %.3f (min %.3f, max %.3f)'
                     % (statistics.median(ratios), min(ratios), max(ratios)))
        text = '\n'.join(lines) + '\n'
        print(text, end='')
        if args.out:
            with open(args.out, 'w') as f:
                f.write(text)


if __name__ == '__main__':
    main()
