// Rows inserted as they are written (InsertRows::writer): on PostgreSQL one
// COPY fed in pieces while rows are still being made; elsewhere the rows are
// kept and inserted at finish(). Either way every value comes back as it
// was written, and a writer left unfinished, a failing row or a bad value
// inserts nothing. Built for SQLite (writer_sqlite), the test PostgreSQL
// (writer_postgres) and the CockroachDB simulator (writer_crdb).
#include <stdexcept>

#include "copy_values.h"
#include "dialect_suite.h"
#include "lingo/lingo.h"

using namespace lingo;
using lingo_test::Backend;
using lingo_test::expect_throw;
using lingo_test::kBackend;

namespace {

using lingo_test::money;

struct Loaded : Table {
  Column<std::int64_t> id = column("id", BigIntegerField{}.primary_key());
  Column<std::optional<std::string>> label = column("label", TextField{}.null());
  Column<std::optional<Decimal>> price = column("price", CustomField{money}.null());
  explicit Loaded(std::string name) : Table(std::move(name)) {}
};

const std::vector<std::string>& kHostile = lingo_test::kCopyHostile;

class WriterSuite : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(WriterSuite);
  CPPUNIT_TEST(testRowsComeBackAsWritten);
  CPPUNIT_TEST(testAWriterLeftUnfinishedInsertsNothing);
  CPPUNIT_TEST(testAFailingRowInsertsNothing);
  CPPUNIT_TEST(testInsideATransactionTheLoadIsPartOfIt);
  CPPUNIT_TEST(testAFinishedWriterTakesNoMoreRows);
#if !defined(LINGO_SUITE_SQLITE)  // SQLite keeps a NUL byte in text
  CPPUNIT_TEST(testABadValueInsertsNothing);
#endif
#if !defined(LINGO_SUITE_SQLITE) && !defined(LINGO_SUITE_CRDB)  // only a COPY holds the connection
  CPPUNIT_TEST(testNothingElseRunsWhileALoadIsOpen);
#endif
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    table_ = std::make_unique<Loaded>(lingo_test::unique_name("written"));
    if constexpr (kBackend == Backend::sqlite) dir_ = lingo_test::temp_dir();
    db_ = std::make_unique<Database>(lingo_test::backend_uri(dir_, "writer.db"));
    db_->create_tables({table_.get()});
  }
  void tearDown() override {
    if (db_ == nullptr) return;
    try {
      db_->drop_tables({table_.get()}, /*safe=*/true);
    } catch (const std::exception&) {  // a failing test already reported its cause
    }
    db_.reset();
  }

  // 20 000 rows (several of COPY's 64 KiB pieces on PostgreSQL), with
  // hostile text, NULLs and a custom field's conversion.
  void testRowsComeBackAsWritten() {
    const Loaded& t = *table_;
    auto writer = db_->insert(t).columns(t.id, t.label, t.price).writer();
    CPPUNIT_ASSERT_EQUAL(kBackend == Backend::postgres, writer.streaming());
    constexpr std::int64_t kRows = 20000;
    for (std::int64_t i = 0; i < kRows; ++i) {
      const std::optional<std::string> label =
          i % 7 == 3 ? std::nullopt
                     : std::optional<std::string>(kHostile[i % kHostile.size()] + "#" + std::to_string(i));
      const std::optional<Decimal> price =
          i % 5 == 0 ? std::nullopt : std::optional<Decimal>(Decimal(std::to_string(i) + ".25"));
      writer.row(i, label, price);
    }
    CPPUNIT_ASSERT_EQUAL(kRows, writer.written());
    CPPUNIT_ASSERT_EQUAL(kRows, writer.finish());
    CPPUNIT_ASSERT_EQUAL(kRows, db_->select(t.id).from(t).count());
    for (const Row row : db_->select(t.id, t.label, t.price).from(t).where(t.id < std::int64_t{200})) {
      const std::int64_t i = row[t.id];
      const std::optional<std::string> label = row[t.label];
      const std::optional<Decimal> price = row[t.price];
      if (i % 7 == 3) {
        CPPUNIT_ASSERT(!label.has_value());
      } else {
        CPPUNIT_ASSERT_EQUAL(kHostile[i % kHostile.size()] + "#" + std::to_string(i), label.value());
      }
      if (i % 5 == 0) {
        CPPUNIT_ASSERT(!price.has_value());
      } else {
        CPPUNIT_ASSERT_EQUAL(std::to_string(i) + ".25", price.value().to_string());
      }
    }
    // The custom field stored cents.
    CPPUNIT_ASSERT_EQUAL(
        std::int64_t{125},
        db_->execute_sql("SELECT price FROM " + t.name() + " WHERE id = 1").scalar<std::int64_t>());
  }

  void testAWriterLeftUnfinishedInsertsNothing() {
    const Loaded& t = *table_;
    {
      auto writer = db_->insert(t).columns(t.id, t.label, t.price).writer();
      for (std::int64_t i = 0; i < 5000; ++i) writer.row(i, std::string("row"), std::nullopt);
    }
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, db_->select(t.id).from(t).count());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, db_->execute_sql("SELECT 1 + 1").scalar<std::int64_t>());
  }

  void testAFailingRowInsertsNothing() {
    const Loaded& t = *table_;
    auto writer = db_->insert(t).columns(t.id, t.label, t.price).writer();
    for (std::int64_t i = 0; i < 3000; ++i) writer.row(i == 2999 ? 0 : i, std::string("row"), std::nullopt);
    const auto e =
        expect_throw<IntegrityError>([&] { (void)writer.finish(); }, "a duplicate key in the rows");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, db_->select(t.id).from(t).count());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, db_->execute_sql("SELECT 1 + 1").scalar<std::int64_t>());
  }

  void testInsideATransactionTheLoadIsPartOfIt() {
    const Loaded& t = *table_;
    expect_throw<std::runtime_error>(
        [&] {
          db_->atomic([&] {
            auto writer = db_->insert(t).columns(t.id, t.label, t.price).writer();
            for (std::int64_t i = 0; i < 500; ++i) writer.row(i, std::nullopt, std::nullopt);
            CPPUNIT_ASSERT_EQUAL(std::int64_t{500}, writer.finish());
            CPPUNIT_ASSERT_EQUAL(std::int64_t{500}, db_->select(t.id).from(t).count());
            throw std::runtime_error("rolled back");
          });
        },
        "the block's rollback");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, db_->select(t.id).from(t).count());
  }

  void testAFinishedWriterTakesNoMoreRows() {
    const Loaded& t = *table_;
    auto writer = db_->insert(t).columns(t.id, t.label, t.price).writer();
    writer.row(std::int64_t{1}, std::nullopt, std::nullopt);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, writer.finish());
    expect_throw<InterfaceError>([&] { writer.row(std::int64_t{2}, std::nullopt, std::nullopt); },
                                 "a row after finish");
    expect_throw<InterfaceError>([&] { (void)writer.finish(); }, "finish twice");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, db_->select(t.id).from(t).count());
  }

  // A NUL byte cannot be sent in PostgreSQL text: on the COPY path the
  // write that meets it ends the load; otherwise finish() fails. Nothing is
  // inserted, and the connection goes on.
  void testABadValueInsertsNothing() {
    const Loaded& t = *table_;
    auto writer = db_->insert(t).columns(t.id, t.label, t.price).writer();
    auto write_all = [&] {
      for (std::int64_t i = 0; i < 300; ++i)
        writer.row(i, i == 250 ? std::string("nul\0byte", 8) : std::string("ok"), std::nullopt);
      (void)writer.finish();
    };
    expect_throw<DataError>(write_all, "a NUL byte in text");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, db_->select(t.id).from(t).count());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, db_->execute_sql("SELECT 1 + 1").scalar<std::int64_t>());
  }

  // While the COPY is open the connection is the load's: a statement is an
  // InterfaceError, and the load goes on to finish.
  void testNothingElseRunsWhileALoadIsOpen() {
    const Loaded& t = *table_;
    auto writer = db_->insert(t).columns(t.id, t.label, t.price).writer();
    writer.row(std::int64_t{1}, std::nullopt, std::nullopt);
    auto e =
        expect_throw<InterfaceError>([&] { (void)db_->execute_sql("SELECT 1"); }, "a statement mid-load");
    LINGO_ASSERT_CONTAINS(e.what(), "bulk load is open");
    writer.row(std::int64_t{2}, std::nullopt, std::nullopt);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, writer.finish());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, db_->select(t.id).from(t).count());
  }

 private:
  std::unique_ptr<Loaded> table_;
  std::string dir_;
  std::unique_ptr<Database> db_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(WriterSuite);

}  // namespace
