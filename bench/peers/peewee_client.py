#!/usr/bin/env python3
"""peewee 3.14 with psycopg2: the bench_peers workloads, written as peewee's
documentation recommends, with the same command line and the same one line of
JSON as bench_peers run:

    peewee_client.py run URI --workload NAME [--size N] [--threads N]
                             [--accounts N] [--bank-accounts N] [--scan-rows N]

Models for each table; Model.select(...).get() for the lookup; create() for
the single-row insert; the seed's transfer_funds (select the pair, two
UPDATE ... RETURNING) inside db.atomic() on a SERIALIZABLE connection,
retried by hand on a serialization failure or deadlock (peewee's
run_transaction belongs to CockroachDatabase only); insert_many in chunks of
1 000 inside one atomic() for the bulk load; .tuples().iterator() for the scan;
query.sql() for the compile workload. Needs Debian's python3-peewee and
python3-psycopg2.
"""
import argparse
import decimal
import json
import threading
import time
from urllib.parse import urlparse, unquote

import peewee as pw
import psycopg2
import psycopg2.extensions

db = pw.PostgresqlDatabase(None)


class Account(pw.Model):
    id = pw.BigIntegerField(primary_key=True)
    balance = pw.DecimalField(max_digits=14, decimal_places=2)
    owner = pw.TextField()

    class Meta:
        database = db
        table_name = 'bench_account'


class BankAccount(pw.Model):
    id = pw.IntegerField(primary_key=True)
    balance = pw.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        database = db
        table_name = 'bench_bank'


class Inserted(pw.Model):
    id = pw.BigAutoField()
    owner = pw.TextField()
    amount = pw.BigIntegerField()

    class Meta:
        database = db
        table_name = 'bench_insert'


class Scanned(pw.Model):
    id = pw.BigIntegerField()
    label = pw.TextField()
    amount = pw.DoubleField()

    class Meta:
        database = db
        table_name = 'bench_scan'
        primary_key = False


# The query of workload 6, as in bench/peers/client_lingo.cpp.
class Author(pw.Model):
    name = pw.CharField(max_length=100)

    class Meta:
        database = db


class Book(pw.Model):
    author = pw.ForeignKeyField(Author)
    title = pw.TextField()
    price = pw.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        database = db


class Review(pw.Model):
    book = pw.ForeignKeyField(Book)
    stars = pw.SmallIntegerField()

    class Meta:
        database = db


MASK = (1 << 64) - 1


class SplitMix64:
    """The generator of bench/peers/main.cpp, so both make the same work."""

    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state + 0x9e3779b97f4a7c15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & MASK
        z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n


def lookup_ids(n, accounts):
    rng = SplitMix64(42)
    return [rng.below(accounts) + 1 for _ in range(n)]


def transfers_for(t, threads, n, accounts):
    share = n // threads + (1 if t < n % threads else 0)
    rng = SplitMix64(1000 + t)
    out = []
    for _ in range(share):
        src = rng.below(accounts) + 1
        dst = rng.below(accounts) + 1
        while dst == src:
            dst = rng.below(accounts) + 1
        c = rng.below(30000) + 1
        out.append((src, dst, decimal.Decimal('%d.%02d' % (c // 100, c % 100))))
    return out


def bulk_owner(i):
    return 'owner %d' % (i % 1000)


class Sink:
    def __init__(self):
        self.sum = 0
        self.rows = 0
        self.retries = 0


def point_select(ids, sink):
    for key in ids:
        a = Account.select(Account.id, Account.balance, Account.owner).where(Account.id == key).get()
        sink.sum += a.id + int(a.balance) + len(a.owner)
        sink.rows += 1


def insert(n, sink):
    for i in range(n):
        Inserted.create(owner=bulk_owner(i), amount=i)
        sink.sum += 1


RETRYABLE = ('40001', '40P01')


def transfer_funds(from_id, to_id, amt, sink):
    """The seed document's thunk, without CockroachDatabase.run_transaction."""
    src, dest = BankAccount.select().where(BankAccount.id.in_([from_id, to_id]))
    if src.id != from_id:
        src, dest = dest, src
    if src.balance < amt:
        return
    src, = (BankAccount.update(balance=BankAccount.balance - amt)
            .where(BankAccount.id == from_id).returning(BankAccount.balance).execute())
    dest, = (BankAccount.update(balance=BankAccount.balance + amt)
             .where(BankAccount.id == to_id).returning(BankAccount.balance).execute())
    sink.sum += int(src.balance) + int(dest.balance)


def transfer(transfers, sink):
    for from_id, to_id, amt in transfers:
        for attempt in range(1, 101):
            try:
                with db.atomic():
                    transfer_funds(from_id, to_id, amt, sink)
                break
            except (pw.OperationalError, psycopg2.Error) as e:
                # peewee keeps the driver's error as e.orig when it wraps one.
                orig = getattr(e, 'orig', e)
                if attempt == 100 or getattr(orig, 'pgcode', None) not in RETRYABLE:
                    raise
                sink.retries += 1
        sink.rows += 1


def bulk_insert(n, sink):
    rows = [(bulk_owner(i), i) for i in range(n)]
    with db.atomic():
        for batch in pw.chunked(rows, 1000):
            Inserted.insert_many(batch, fields=[Inserted.owner, Inserted.amount]).execute()
    sink.sum += n


def scan(sink):
    for id_, label, amount in Scanned.select(Scanned.id, Scanned.label, Scanned.amount).tuples().iterator():
        sink.sum += id_ + len(label) + int(amount)
        sink.rows += 1


def compile_queries(n, sink):
    for i in range(n):
        q = (Author.select(Author.name, Book.title, Book.price, Review.stars)
             .join(Book, on=(Book.author == Author.id))
             .join(Review, on=(Review.book == Book.id))
             .where(Author.name ** 'h%', Book.price >= 10, Review.stars > 3,
                    Book.title != 'draft', Author.id == i)
             .order_by(Book.price.desc(), Author.name.asc())
             .limit(20))
        sql, params = q.sql()
        sink.sum += len(sql) + len(params)
        sink.rows += 1


DEFAULT_SIZES = {'point_select': 20000, 'insert': 20000, 'transfer': 10000, 'bulk_insert': 100000,
                 'scan': None, 'compile': 20000}


def work(args, n, thread, sink, ready):
    w = args.workload
    if w == 'point_select':
        ids = lookup_ids(n, args.accounts)
        point_select(ids[:500], Sink())
        ready()
        point_select(ids, sink)
    elif w == 'insert':
        insert(200, Sink())
        ready()
        insert(n, sink)
    elif w == 'transfer':
        transfers = transfers_for(thread, args.threads, n, args.bank_accounts)
        ready()
        transfer(transfers, sink)
    elif w == 'bulk_insert':
        ready()
        bulk_insert(n, sink)
    elif w == 'scan':
        ready()
        scan(sink)
    elif w == 'compile':
        compile_queries(1000, Sink())
        ready()
        compile_queries(n, sink)


def connect(uri, serializable):
    u = urlparse(uri)
    db.init(unquote(u.path.lstrip('/')), host=u.hostname, port=u.port,
            user=unquote(u.username) if u.username else None,
            password=unquote(u.password) if u.password else None,
            isolation_level=(psycopg2.extensions.ISOLATION_LEVEL_SERIALIZABLE if serializable else None))


def peak_rss_kib():
    """VmHWM: unlike ru_maxrss, not inherited from the driver across exec."""
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1])
    return -1


def main():
    p = argparse.ArgumentParser()
    p.add_argument('command', choices=['run'])
    p.add_argument('uri')
    p.add_argument('--client', default='peewee')
    p.add_argument('--workload', required=True)
    p.add_argument('--size', type=int, default=-1)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--accounts', type=int, default=10000)
    p.add_argument('--bank-accounts', type=int, default=1000)
    p.add_argument('--scan-rows', type=int, default=1000000)
    args = p.parse_args()
    if args.workload not in DEFAULT_SIZES:
        print(json.dumps({'client': 'peewee', 'workload': args.workload, 'unsupported': 'no such API'}))
        return
    n = args.size if args.size >= 0 else DEFAULT_SIZES[args.workload]
    if args.workload == 'scan':
        n = args.scan_rows
    connect(args.uri, args.workload == 'transfer')

    sinks = [Sink() for _ in range(args.threads)]
    barrier = threading.Barrier(args.threads)
    start = [0.0]

    def ready():
        if barrier.wait() == 0:
            start[0] = time.perf_counter()
        barrier.wait()

    errors = []

    def run_thread(t):
        try:
            work(args, n, t, sinks[t], ready)
        except Exception as e:  # reported below; the run fails
            errors.append(e)
            barrier.abort()
        finally:
            db.close()

    threads = [threading.Thread(target=run_thread, args=(t,)) for t in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start[0]
    if errors:
        raise SystemExit('peewee_client: %s failed: %r' % (args.workload, errors[0]))
    print(json.dumps({
        'client': 'peewee', 'workload': args.workload, 'threads': args.threads, 'ops': n,
        'seconds': seconds, 'rows': sum(s.rows for s in sinks), 'checksum': sum(s.sum for s in sinks),
        'retries': sum(s.retries for s in sinks),
        'peak_rss_kib': peak_rss_kib()}))


if __name__ == '__main__':
    main()
