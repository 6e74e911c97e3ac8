#!/usr/bin/env python3
"""Measures run_transaction's retry policies against raw libpq's immediate
retry: the seed's transfer, SERIALIZABLE, at several thread counts, on a
spread-out bank and on a hot spot (a few accounts that every transfer
touches). Each policy runs as the lingo-pool client of bench_peers with
LINGO_BENCH_RETRY set; raw libpq retries at once, up to 100 attempts.

Prints, per level, each policy's median throughput, its median ratio to raw
libpq in the same round, retries and tail latency; writes retry.json and
retry.md (and retry.png when gnuplot is there) to --out. scripts/bench-retry
runs it; docs/transactions.md shows the result.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys

# name, LINGO_BENCH_RETRY ("IMMEDIATE,INITIAL_US,MAX_US"), None for the default
POLICIES = [
    ('default (1 at once, then 5 ms / 1 s)', None),
    ('old default (5 ms / 1 s, none at once)', '0,5000,1000000'),
    ('always at once', '1000,0,0'),
    ('1 at once, then 1 ms / 100 ms', '1,1000,100000'),
]


def run(cmd, env=None):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('uri')
    p.add_argument('--bench', required=True, help='the bench_peers binary')
    p.add_argument('--out', required=True)
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--transfers', type=int, default=6000)
    p.add_argument('--hot-transfers', type=int, default=1500, help='transfers on banks of under 100 accounts')
    p.add_argument('--threads', default='2,8,32')
    p.add_argument('--accounts', default='1000,10', help='bank sizes: 1000 spread out, 10 a hot spot')
    p.add_argument('--policies', default='', help='comma-separated indexes into POLICIES (default: all)')
    a = p.parse_args()
    policies = POLICIES if not a.policies else [POLICIES[int(i)] for i in a.policies.split(',')]
    levels = [(int(t), int(n)) for n in a.accounts.split(',') for t in a.threads.split(',')]
    report = {'transfers': a.transfers, 'rounds': a.rounds, 'levels': []}
    run([a.bench, 'setup', a.uri])
    for threads, accounts in levels:
        common = ['--bank-accounts', str(accounts)]
        clients = [('raw libpq', 'raw', None)] + [(name, 'lingo-pool', policy) for name, policy in policies]
        runs = {name: [] for name, _, _ in clients}
        for r in range(a.rounds):
            order = clients[r % len(clients):] + clients[:r % len(clients)]
            for name, client, policy in order:
                env = dict(os.environ)
                env.pop('LINGO_BENCH_RETRY', None)
                if policy:
                    env['LINGO_BENCH_RETRY'] = policy
                size = a.transfers if accounts >= 100 else a.hot_transfers
                run([a.bench, 'reset', a.uri, 'transfer'] + common)
                try:
                    out = run([a.bench, 'run', a.uri, '--client', client, '--workload', 'transfer', '--size',
                               str(size), '--threads', str(threads)] + common, env)
                except subprocess.CalledProcessError as e:
                    # 100 attempts were not enough for some transfer: a result too.
                    print('  %s failed: %s' % (name, e.stderr.strip().splitlines()[-1]), flush=True)
                    runs[name].append({'throughput': 0.0, 'retries': 0, 'p50_us': 0.0, 'p99_us': 0.0,
                                       'failed': True})
                    continue
                result = json.loads(out.strip().splitlines()[-1])
                run([a.bench, 'check', a.uri, 'transfer', '--size', str(size)] + common)
                result['throughput'] = result['ops'] / result['seconds']
                runs[name].append(result)
            print('  %d threads, %d accounts: round %d/%d' % (threads, accounts, r + 1, a.rounds), flush=True)
        level = {'threads': threads, 'accounts': accounts, 'clients': []}
        for name, _, policy in clients:
            rs = runs[name]
            level['clients'].append({
                'name': name, 'policy': policy,
                'median_throughput': statistics.median(x['throughput'] for x in rs),
                'ratio_to_raw': statistics.median(x['throughput'] / y['throughput'] if y['throughput'] else
                                                  float('inf') for x, y in zip(rs, runs['raw libpq'])),
                'failed_runs': sum(1 for x in rs if x.get('failed')),
                'median_retries': statistics.median(x['retries'] for x in rs),
                'median_p99_us': statistics.median(x['p99_us'] for x in rs),
                'median_p50_us': statistics.median(x['p50_us'] for x in rs),
                'runs': rs})
        report['levels'].append(level)
        print(table([level]), flush=True)
    run([a.bench, 'teardown', a.uri])
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, 'retry.json'), 'w') as f:
        json.dump(report, f, indent=1)
    with open(os.path.join(a.out, 'retry.md'), 'w') as f:
        f.write(table(report['levels']))
    chart(report, a.out)


def table(levels):
    lines = ['| threads | accounts | client | transfers/s | / raw | retries | p50 ms | p99 ms | failed runs |',
             '| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |']
    for level in levels:
        for c in level['clients']:
            lines.append('| %d | %d | %s | %.0f | %.3f | %.0f | %.2f | %.2f | %d |' % (
                level['threads'], level['accounts'], c['name'], c['median_throughput'], c['ratio_to_raw'],
                c['median_retries'], c['median_p50_us'] / 1000, c['median_p99_us'] / 1000, c['failed_runs']))
    return '\n'.join(lines) + '\n'


def chart(report, out):
    """Throughput / raw libpq per level and policy, as a clustered bar chart."""
    if not shutil.which('gnuplot'):
        return
    names = [c['name'] for c in report['levels'][0]['clients'] if c['name'] != 'raw libpq']
    dat = os.path.join(out, 'retry.dat')
    with open(dat, 'w') as f:
        f.write('level ' + ' '.join('"%s"' % n for n in names) + '\n')
        for level in report['levels']:
            ratios = {c['name']: c['ratio_to_raw'] for c in level['clients']}
            f.write('"%d thr/%d acc" %s\n' % (level['threads'], level['accounts'],
                                             ' '.join('%.3f' % min(ratios[n], 20) for n in names)))
    script = '''set terminal png size 1000,600
set output "%s"
set title "run_transaction throughput / raw libpq's immediate retry (SERIALIZABLE transfers)" noenhanced
set key outside bottom center horizontal
set xtics font ",9"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [0.3:50]
set ylabel "throughput / raw libpq (log scale, capped at 20)"
set arrow from graph 0, first 0.95 to graph 1, first 0.95 nohead dashtype 2 linecolor rgb 'red'
plot for [i=2:%d] "%s" using i:xtic(1) title columnheader(i)
''' % (os.path.join(out, 'retry.png'), len(names) + 1, dat)
    subprocess.run(['gnuplot'], input=script, text=True, check=True)


if __name__ == '__main__':
    sys.exit(main())
