#!/usr/bin/env python3
"""The query of bench/query_compile.cpp, built and compiled by peewee.

Prints the median time per query, so scripts/bench can show Lingo's figure
beside it. Needs Debian's python3-peewee; no database is contacted.
"""
import statistics
import sys
import time

import peewee as pw

db = pw.PostgresqlDatabase(None)


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


def one_query(i):
    q = (Author.select(Author.name, Book.title, Book.price, Review.stars)
         .join(Book, on=(Book.author == Author.id))
         .join(Review, on=(Review.book == Book.id))
         .where(Author.name ** 'h%', Book.price >= 10, Review.stars > 3,
                Book.title != 'draft', Author.id == i)
         .order_by(Book.price.desc(), Author.name.asc())
         .limit(20))
    sql, params = q.sql()
    return len(sql) + len(params)


def main():
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    per_query = []
    for _ in range(rounds):
        start = time.perf_counter()
        for i in range(iterations):
            one_query(i)
        per_query.append((time.perf_counter() - start) / iterations * 1e6)
    print("peewee %s: build + compile the same query: %.1f us per query (median of %d rounds of %d)"
          % (pw.__version__, statistics.median(per_query), rounds, iterations))


if __name__ == "__main__":
    main()
