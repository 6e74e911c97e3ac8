#!/usr/bin/env python3
"""Runs every workload of bench_peers (and peewee_client.py) against one
server, round after round, and reports per workload each client's median
throughput and the ratio Lingo / client; writes results.json and a PNG chart
to the output directory (results.md holds the same tables in Markdown).
scripts/bench calls this; see docs/performance.md.

In each round every client runs once, in an order rotated from round to
round; the ratio shown is the median over rounds of Lingo's throughput over
the client's in the same round. The C++ clients of the single-threaded
point_select, insert, transfer and pipeline workloads run together in one
process, taking turns in chunks (bench_peers interleave): on a shared machine
whose speed drifts by tens of percent between processes, only that compares
them under the same conditions. Every other run (peewee's, the 8-thread
transfer, the bulk load, the scan, the compile) is a fresh process of its
own, so its peak RSS is its own.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

import psycopg2

ALL = ['raw', 'lingo', 'libpqxx', 'soci', 'poco', 'peewee']
# Lingo's queries built afresh on every call, beside the prepared ones.
WITH_SQL = ['raw', 'lingo', 'lingo-adhoc', 'libpqxx', 'soci', 'poco', 'peewee']

# name, bench workload, clients, size option, threads, unit, what is counted
WORKLOADS = [
    ('point_select', 'point_select', WITH_SQL + ['lingo-traced', 'poco-lingo'], 'lookups', 1, 'lookups/s'),
    ('insert', 'insert', WITH_SQL, 'inserts', 1, 'rows/s'),
    ('transfer', 'transfer', WITH_SQL + ['lingo-deferred', 'raw-pipeline'], 'transfers', 1, 'transfers/s'),
    ('transfer_8_threads', 'transfer', ALL + ['lingo-pool'], 'transfers', 8, 'transfers/s'),
    ('bulk_insert', 'bulk_insert', ALL + ['lingo-adhoc'], 'bulk_rows', 1, 'rows/s'),
    ('scan', 'scan', ALL + ['poco-lingo'], 'scan_rows', 1, 'rows/s'),
    ('compile', 'compile', ['lingo', 'peewee'], 'compiles', 1, 'queries/s'),
    ('pipeline', 'pipeline', ['raw', 'raw-pipeline', 'lingo', 'lingo-adhoc'], 'lookups', 1, 'lookups/s'),
]

# Single-threaded workloads whose memory is not measured: their C++ clients
# take turns in one process, chunk by chunk, so that all meet the same machine.
INTERLEAVED = {'point_select', 'insert', 'transfer', 'pipeline'}

# What the issue asks of Lingo: minimum Lingo / client ratios, per workload.
TARGETS = {
    'point_select': {'raw': 0.95, 'libpqxx': 1.0, 'soci': 1.0, 'poco': 1.0, 'peewee': 5.0},
    'insert': {'raw': 0.95},
    'transfer': {'raw': 0.9},
    'transfer_8_threads': {'raw': 0.9},
    'bulk_insert': {'raw': 0.9, 'peewee': 5.0},
    'scan': {'raw': 0.8},
    'compile': {'peewee': 30.0},
    'pipeline': {'raw': 3.0, 'raw-pipeline': 0.9},
}

LABELS = {
    'raw': 'raw libpq', 'raw-pipeline': 'raw libpq, pipeline mode', 'lingo': 'Lingo',
    'lingo-adhoc': 'Lingo, built per call', 'lingo-deferred': 'Lingo, updates deferred to COMMIT', 'lingo-traced': 'Lingo, ClientMetrics attached', 'lingo-pool': 'Lingo, one pooled Database (8 connections)',
    'libpqxx': 'libpqxx 6.4', 'soci': 'SOCI 4.0', 'poco': 'Poco::Data 1.11', 'poco-lingo': 'Poco::Data 1.11 on Lingo\'s connector', 'peewee': 'peewee 3.14',
}
NOTES = {
    ('bulk_insert', 'raw'): 'COPY', ('bulk_insert', 'libpqxx'): 'stream_to (COPY)',
    ('bulk_insert', 'soci'): 'vector use()', ('bulk_insert', 'poco'): 'vector use()',
    ('bulk_insert', 'peewee'): 'insert_many, 1 000 a statement', ('bulk_insert', 'lingo'): 'writer (COPY)',
    ('bulk_insert', 'lingo-adhoc'): 'insert-many',
    ('pipeline', 'raw'): 'one by one', ('scan', 'lingo'): 'streamed',
    ('transfer', 'raw-pipeline'): 'BEGIN with the read, updates with COMMIT',
}


def run(cmd, cpus=None):
    pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=pin)
    if out.returncode != 0:
        sys.exit('run.py: %s failed:\n%s%s' % (' '.join(cmd), out.stdout, out.stderr))
    return out.stdout


class Placement:
    """Where the processes of a single-threaded run go: the client on the
    first core, every server process (the postmaster, its children, and the
    backends it forks later, which inherit its mask) on the others. Left to
    the scheduler, a client and its backend share a core in one process's run
    and not in the next; placed, every client meets the server as it would on
    another machine (docs/performance.md gives the spread either way).
    Multi-threaded runs keep every core for both."""

    def __init__(self, uri, enabled):
        self.cores = sorted(os.sched_getaffinity(0))
        self.why_not = ''
        if not enabled:
            self.why_not = 'turned off (--no-placement)'
        elif len(self.cores) < 2:
            self.why_not = 'one core only'
        else:
            with psycopg2.connect(uri) as conn, conn.cursor() as cur:
                cur.execute('SELECT pg_backend_pid()')
                backend = cur.fetchone()[0]
            conn.close()
            self.postmaster = parent_of(backend)
            try:
                self.place_server(self.cores)  # a test: may we move the server at all?
            except PermissionError:
                self.why_not = 'not allowed to move the server processes'
        self.client = {self.cores[0]} if not self.why_not else None

    def server_processes(self):
        pids = [self.postmaster]
        for entry in os.listdir('/proc'):
            if entry.isdigit():
                try:
                    if parent_of(int(entry)) == self.postmaster:
                        pids.append(int(entry))
                except (OSError, ValueError):
                    pass  # gone meanwhile
        return pids

    def place_server(self, cores):
        for pid in self.server_processes():
            try:
                os.sched_setaffinity(pid, cores)
            except ProcessLookupError:
                pass

    def place(self, threads):
        """Places the server for a run of `threads` client threads (0: none,
        at the end) and returns the cores for the client, None for any."""
        if not self.client:
            return None
        single = threads == 1
        self.place_server(self.cores[1:] if single else self.cores)
        return self.client if single else None

    def describe(self):
        if self.why_not:
            return 'not placed: ' + self.why_not
        return 'single-threaded runs: client on core %d, server on cores %s' % (
            self.cores[0], ','.join(str(c) for c in self.cores[1:]))


def parent_of(pid):
    with open('/proc/%d/stat' % pid) as f:
        return int(f.read().rsplit(')', 1)[1].split()[1])


def machine(uri):
    cpu = ''
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    with open('/proc/meminfo') as f:
        mem_kib = int(f.readline().split()[1])
    with psycopg2.connect(uri) as conn, conn.cursor() as cur:
        cur.execute('SHOW server_version')
        server = cur.fetchone()[0]
    conn.close()
    os_name = ''
    if os.path.exists('/etc/debian_version'):
        with open('/etc/debian_version') as f:
            os_name = 'Debian ' + f.read().strip()
    return {'cpu': cpu, 'cores': os.cpu_count(), 'memory_gib': round(mem_kib / 1048576, 1),
            'os': os_name or platform.platform(), 'kernel': platform.release(),
            'postgresql': server, 'python': platform.python_version()}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('uri')
    p.add_argument('--bench', required=True, help='the bench_peers binary')
    p.add_argument('--peewee', required=True, help='peewee_client.py')
    p.add_argument('--out', required=True, help='directory for results.json and results.png')
    p.add_argument('--rounds', type=int, default=7)
    p.add_argument('--lookups', type=int, default=20000)
    p.add_argument('--inserts', type=int, default=20000)
    p.add_argument('--transfers', type=int, default=10000)
    p.add_argument('--bulk-rows', type=int, default=100000)
    p.add_argument('--scan-rows', type=int, default=1000000)
    p.add_argument('--compiles', type=int, default=200000)
    p.add_argument('--peewee-compiles', type=int, default=20000,
                   help='peewee compiles ~100x slower; fewer keep the run short (throughput is per query)')
    p.add_argument('--accounts', type=int, default=10000)
    p.add_argument('--bank-accounts', type=int, default=1000)
    p.add_argument('--chunks', type=int, default=20,
                   help='turns each client takes in an interleaved run')
    p.add_argument('--only', default='', help='comma-separated workload names')
    p.add_argument('--no-placement', action='store_true',
                   help='leave client and server processes where the scheduler puts them')
    a = p.parse_args()
    if a.rounds < 1:
        sys.exit('run.py: --rounds must be at least 1')
    only = set(filter(None, a.only.split(',')))
    unknown = only - {w[0] for w in WORKLOADS}
    if unknown:
        sys.exit('run.py: unknown workload(s): %s' % ', '.join(sorted(unknown)))

    common = ['--accounts', str(a.accounts), '--bank-accounts', str(a.bank_accounts),
              '--scan-rows', str(a.scan_rows)]
    started = datetime.datetime.now(datetime.timezone.utc)
    print('bench: setting up (%d accounts, %d bank accounts, %d scan rows)'
          % (a.accounts, a.bank_accounts, a.scan_rows), flush=True)
    run([a.bench, 'setup', a.uri] + common)
    info = machine(a.uri)
    placement = Placement(a.uri, not a.no_placement)
    info['placement'] = placement.describe()
    print('machine: %(cpu)s, %(cores)d cores, %(memory_gib)s GiB, %(os)s, PostgreSQL %(postgresql)s; %(placement)s'
          % info, flush=True)

    report = {'started': started.isoformat(timespec='seconds'), 'machine': info,
              'command': ' '.join(['scripts/bench'] + [
                  '--%s %s' % (k.replace('_', '-'), v) for k, v in vars(a).items()
                  if k not in ('uri', 'bench', 'peewee', 'out') and v != p.get_default(k)]),
              'rounds': a.rounds,
              'options': vars(a) | {'uri': '(throwaway cluster)'}, 'workloads': []}
    for name, workload, clients, size_option, threads, unit in WORKLOADS:
        if only and name not in only:
            continue
        size = getattr(a, size_option)
        runs = {c: [] for c in clients}
        warm = 200 if workload == 'insert' else 0  # rows each client's warm-up inserts
        cpus = placement.place(threads)
        for r in range(a.rounds):
            order = clients[r % len(clients):] + clients[:r % len(clients)]
            # The C++ clients of a single-threaded workload take turns in one
            # process (bench_peers interleave); everything else runs alone.
            together = [c for c in order if c != 'peewee'] if (threads == 1 and workload in INTERLEAVED) else []
            if together:
                run([a.bench, 'reset', a.uri, workload] + common)
                out = run([a.bench, 'interleave', a.uri, '--client', ','.join(together), '--workload', workload,
                           '--size', str(size), '--chunks', str(a.chunks)] + common, cpus)
                if workload in ('insert', 'transfer'):
                    run([a.bench, 'check', a.uri, workload, '--size', str(len(together) * (size + warm))] + common)
                for line in out.strip().splitlines():
                    result = json.loads(line)
                    result['throughput'] = result['ops'] / result['seconds']
                    runs[result['client']].append(result)
            for client in [c for c in order if c not in together]:
                n = a.peewee_compiles if (client == 'peewee' and workload == 'compile') else size
                run([a.bench, 'reset', a.uri, workload] + common)
                cmd = ([sys.executable, a.peewee] if client == 'peewee' else [a.bench])
                cmd += ['run', a.uri, '--client', client, '--workload', workload, '--size', str(n),
                        '--threads', str(threads)] + common
                result = json.loads(run(cmd, cpus).strip().splitlines()[-1])
                if 'unsupported' in result:
                    sys.exit('run.py: %s cannot do %s: %s' % (client, workload, result['unsupported']))
                if workload in ('insert', 'bulk_insert', 'transfer'):
                    run([a.bench, 'check', a.uri, workload, '--size', str(n + warm)] + common)
                result['throughput'] = result['ops'] / result['seconds']
                runs[client].append(result)
            print('  %s: round %d/%d done' % (name, r + 1, a.rounds), flush=True)
        report['workloads'].append(summarize(name, unit, threads, clients, runs))
        print_workload(report['workloads'][-1])
        save(report, a.out)  # after each workload, so a failure later loses nothing

    placement.place(0)
    print_targets(report)
    with open(os.path.join(a.out, 'results.md'), 'w') as f:
        f.write(markdown(report))
    chart(report, a.out)
    run([a.bench, 'teardown', a.uri])
    print('bench: wrote %s/results.json and %s/results.png' % (a.out, a.out))


def save(report, out):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'results.json'), 'w') as f:
        json.dump(report, f, indent=1)


def summarize(name, unit, threads, clients, runs):
    # Checksums must agree where the work is the same: not for the compile
    # workload, where each library writes its own SQL, nor for transfers, whose
    # balances depend on what ran before (bench_peers check proves instead
    # that every transfer run kept the bank's total).
    if name not in ('compile', 'transfer', 'transfer_8_threads'):
        sums = {c: {r['checksum'] for r in runs[c]} for c in clients}
        if len({s for v in sums.values() for s in v}) != 1:
            sys.exit('run.py: %s: clients disagree on the checksum: %r' % (name, sums))
    out = {'name': name, 'unit': unit, 'threads': threads, 'clients': []}
    lingo = runs['lingo']
    for c in clients:
        tput = [r['throughput'] for r in runs[c]]
        ratios = [l['throughput'] / r['throughput'] for l, r in zip(lingo, runs[c])]
        out['clients'].append({
            'client': c, 'label': LABELS[c], 'note': NOTES.get((name, c), ''),
            'median_throughput': statistics.median(tput),
            'lingo_ratio': statistics.median(ratios),
            'peak_rss_mib': (max(r['peak_rss_kib'] for r in runs[c]) / 1024
                             if all(r['peak_rss_kib'] is not None for r in runs[c]) else None),
            'median_retries': statistics.median(r['retries'] for r in runs[c]),
            'runs': runs[c]})
    return out


def fmt(x):
    return '{:,.0f}'.format(x).replace(',', ' ')


def print_workload(w):
    print('\n%s (%s%s)' % (w['name'], w['unit'], ', %d threads' % w['threads'] if w['threads'] > 1 else ''))
    print('  %-36s %14s %12s %10s %8s' % ('client', 'median', 'Lingo/it', 'peak RSS', 'retries'))
    for c in w['clients']:
        label = c['label'] + (' (%s)' % c['note'] if c['note'] else '')
        rss = '%7.1f MiB' % c['peak_rss_mib'] if c['peak_rss_mib'] is not None else '   shared   '
        print('  %-36s %14s %12.3f %s %8.0f' % (label[:36], fmt(c['median_throughput']), c['lingo_ratio'], rss,
                                               c['median_retries']))
    print(flush=True)


def targets(report):
    """(workload, what, measured, target, met) for each target of the issue."""
    out = []
    for w in report['workloads']:
        for c in w['clients']:
            want = TARGETS.get(w['name'], {}).get(c['client'])
            if want is not None:
                out.append((w['name'], 'Lingo / ' + c['label'], '%.3f' % c['lingo_ratio'], '>= %g' % want,
                            c['lingo_ratio'] >= want))
        runs = {c['client']: c['runs'] for c in w['clients']}
        if w['name'] == 'point_select' and 'lingo-adhoc' in runs and 'raw' in runs:
            # A query built on every call (no prepare()) against raw libpq's
            # prepared statement, paired round by round (issue 15).
            r = statistics.median(a['throughput'] / b['throughput']
                                  for a, b in zip(runs['lingo-adhoc'], runs['raw']))
            out.append(('point_select', 'Lingo built per call / raw libpq', '%.3f' % r, '>= 0.95', r >= 0.95))
        if w['name'] == 'transfer' and 'lingo-deferred' in runs:
            # Deferred statements against synchronous raw libpq (issue 20:
            # >= 2), and against raw libpq pipelined as far as it goes.
            for other, label, want in (('raw', 'raw libpq', 2.0), ('raw-pipeline', 'raw libpq, pipelined', 0.9)):
                if other in runs:
                    r = statistics.median(a['throughput'] / b['throughput']
                                          for a, b in zip(runs['lingo-deferred'], runs[other]))
                    out.append(('transfer', 'Lingo deferred / ' + label, '%.3f' % r, '>= %g' % want, r >= want))
        if w['name'] == 'scan':
            rss = next(c['peak_rss_mib'] for c in w['clients'] if c['client'] == 'lingo')
            out.append(('scan', 'Lingo peak RSS', '%.1f MiB' % rss, '<= 64 MiB', rss <= 64))
        if w['name'] == 'compile':
            us = 1e6 / next(c for c in w['clients'] if c['client'] == 'lingo')['median_throughput']
            out.append(('compile', 'Lingo, time a query', '%.2f us' % us, '<= 5 us', us <= 5))
    return out


def print_targets(report):
    print('targets (ratios: median of paired rounds):')
    for name, what, got, want, met in targets(report):
        print('  %-20s %-28s %10s  target %-10s %s' % (name, what, got, want, 'met' if met else 'MISSED'))


def markdown(report):
    """The tables of docs/performance.md, from this run."""
    m = report['machine']
    out = ['Measured %s on %s, %d cores, %s GiB, %s (kernel %s), PostgreSQL %s on the same machine (%s); '
           'median of %d rounds; `%s`.\n' % (report['started'], m['cpu'], m['cores'], m['memory_gib'], m['os'],
                                               m['kernel'], m['postgresql'], m.get('placement', 'not placed'),
                                               report['rounds'], report['command'])]
    for w in report['workloads']:
        out.append('\n**%s** (%s%s)\n\n' % (w['name'].replace('_', ' '), w['unit'],
                                               ', %d threads' % w['threads'] if w['threads'] > 1 else ''))
        out.append('| client | median | Lingo / client | peak RSS | retries |\n| --- | ---: | ---: | ---: | ---: |\n')
        for c in w['clients']:
            label = c['label'] + (' (%s)' % c['note'] if c['note'] else '')
            rss = '%.1f MiB' % c['peak_rss_mib'] if c['peak_rss_mib'] is not None else 'shared'
            out.append('| %s | %s | %.3f | %s | %.0f |\n' % (label, fmt(c['median_throughput']), c['lingo_ratio'],
                                                         rss, c['median_retries']))
    out.append('\n**targets**\n\n| workload | figure | measured | target | |\n| --- | --- | ---: | ---: | --- |\n')
    for name, what, got, want, met in targets(report):
        out.append('| %s | %s | %s | %s | %s |\n' % (name.replace('_', ' '), what, got, want,
                                                    'met' if met else '**missed**'))
    return ''.join(out)


def chart(report, out):
    """Lingo / client per workload, one bar per client, on a log scale."""
    peers = ['raw', 'libpqxx', 'soci', 'poco', 'peewee']
    data = os.path.join(out, 'results.dat')
    with open(data, 'w') as f:
        f.write('workload ' + ' '.join('"%s"' % LABELS[p] for p in peers) + '\n')
        for w in report['workloads']:
            ratio = {c['client']: c['lingo_ratio'] for c in w['clients']}
            f.write('"%s" %s\n' % (w['name'].replace('_', ' '),
                                   ' '.join('%.4f' % ratio[p] if p in ratio else '-' for p in peers)))
    m = report['machine']
    script = '''set terminal pngcairo size 1200,560 font "sans,10"
set output "{png}"
set title "Lingo's throughput / each client's, median of {rounds} paired rounds (above 1: Lingo is faster)\\n{cpu}, {cores} cores, PostgreSQL {pg}"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set datafile missing "-"
set logscale y 2
set yrange [0.25:*]
set ylabel "Lingo / client"
set grid ytics
set key outside right top
set xtics rotate by -20
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 dt 2 lc rgb "black"
plot for [i=2:{last}] "{data}" using i:xtic(1) title columnhead(i)
'''.format(png=os.path.join(out, 'results.png'), rounds=report['rounds'], cpu=m['cpu'], cores=m['cores'],
           pg=m['postgresql'], last=len(peers) + 1, data=data)
    gp = os.path.join(out, 'results.gp')
    with open(gp, 'w') as f:
        f.write(script)
    run(['gnuplot', gp])


if __name__ == '__main__':
    main()
