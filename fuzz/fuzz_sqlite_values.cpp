// Values as SQLite stores them, read back through the plugin's decoders for
// every declared type: stored as text, as a blob, as a number.
#include <cstdint>
#include <string>

#include "lingo/lingo.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static lingo::Database db = [] {
    lingo::Database d("sqlite://");
    d.execute_sql(
        "CREATE TABLE t (b BOOLEAN, i INTEGER, s SMALLINT, r REAL, d DECIMAL(10,2), x DECIMAL_TEXT(20,4), "
        "dt DATE, tm TIME, ts TIMESTAMP, tz TIMESTAMPTZ, u UUID, j JSON, y BLOB, v TEXT)");
    return d;
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  const lingo::Value as_text(text);
  const lingo::Value as_blob(lingo::Bytes{text});
  for (const lingo::Value* v : {&as_text, &as_blob}) {
    try {
      db.execute_sql("DELETE FROM t");
      db.execute_sql("INSERT INTO t VALUES ($1, $1, $1, $1, $1, $1, $1, $1, $1, $1, $1, $1, $1, $1)", {*v});
      for (const lingo::Row row : db.execute_sql("SELECT * FROM t"))
        for (std::size_t c = 0; c < row.size(); ++c) (void)row[c].to_string();
    } catch (const lingo::Error&) {
    }
  }
  return 0;
}
