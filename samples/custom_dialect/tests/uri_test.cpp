// Checks AcmeDialect's URI rewriting without a server: every case maps an
// acmedb:// URI to the libpq URI the dialect hands on. Exits 1 on a mismatch.
#include <iostream>
#include <string>

#include "acme_dialect.h"
#include "lingo/uri.h"

namespace {

// Makes the protected hook callable from here.
struct Probe : acme::AcmeDialect {
  using acme::AcmeDialect::libpq_uri;
};

}  // namespace

int main() {
  const struct {
    const char* uri;
    const char* expected;
  } cases[] = {
      {"acmedb://app@db.example.com/sales", "postgresql://app@db.example.com:5999/sales"},
      {"acmedb://app:s%40cret@db.example.com:6000/sales?sslmode=require",
       "postgresql://app:s%40cret@db.example.com:6000/sales?sslmode=require"},
      {"acmedb://h1,h2:6001,h3/db", "postgresql://h1:5999,h2:6001,h3:5999/db"},
      {"acmedb://[::1]/db", "postgresql://[::1]:5999/db"},
      {"acmedb://[::1]:7000/db", "postgresql://[::1]:7000/db"},
      {"acmedb://%2Fvar%2Frun%2Facmedb/db", "postgresql://%2Fvar%2Frun%2Facmedb:5999/db"},
      {"acmedb://h?port=6002", "postgresql://h?port=6002"},
      {"acmedb:///db", "postgresql:///db?port=5999"},
      {"acmedb:///db?host=/tmp", "postgresql:///db?host=/tmp&port=5999"},
      {"ACMEDB://u@h", "postgresql://u@h:5999"},
  };
  const Probe dialect;
  int failures = 0;
  for (const auto& c : cases) {
    const std::string got = dialect.libpq_uri(lingo::Uri::parse(c.uri));
    if (got != c.expected) {
      std::cerr << "FAIL " << c.uri << "\n  expected " << c.expected << "\n  got      " << got << "\n";
      ++failures;
    }
  }
  std::cout << (sizeof cases / sizeof cases[0]) - static_cast<unsigned>(failures) << " of "
            << sizeof cases / sizeof cases[0] << " URI cases pass\n";
  return failures == 0 ? 0 : 1;
}
