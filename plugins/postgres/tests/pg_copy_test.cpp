// Many-row inserts on PostgreSQL go by one COPY: every value comes back as it
// was sent (hostile strings, NULLs, bytes, custom fields), a bad value or a
// failing row loads nothing, and the cases COPY cannot serve go by INSERT.
#include <algorithm>

#include "copy_values.h"
#include "lingo/lingo.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::expect_throw;

namespace {

using lingo_test::money;

struct Loaded : Table {
  Column<std::int32_t> id = column("id", IntegerField{}.primary_key());
  Column<std::optional<std::string>> label = column("label", TextField{}.null());
  Column<std::optional<Bytes>> blob = column("blob", BlobField{}.null());
  Column<std::optional<Decimal>> price = column("price", CustomField{money}.null());
  explicit Loaded(std::string name) : Table(std::move(name)) {}
};

const std::vector<std::string>& kHostile = lingo_test::kCopyHostile;

class PgCopyTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PgCopyTest);
  CPPUNIT_TEST(testManyRowsGoByOneCopyAndComeBackIntact);
  CPPUNIT_TEST(testANulByteLoadsNothingAndTheConnectionGoesOn);
  CPPUNIT_TEST(testAFailingRowLoadsNothing);
  CPPUNIT_TEST(testInsideATransactionTheCopyIsPartOfIt);
  CPPUNIT_TEST(testWhatCopyCannotServeGoesByInsert);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    db_ = std::make_unique<Database>(lingo_test::pg_uri());
    table_ = std::make_unique<Loaded>(lingo_test::unique_name("copy"));
    db_->create_tables({table_.get()});
  }
  void tearDown() override {
    db_->set_tracer(nullptr);
    if (db_->connection().transaction_status() != TransactionStatus::idle) db_->rollback();
    if (table_) db_->drop_tables({table_.get()});
  }

  void testManyRowsGoByOneCopyAndComeBackIntact() {
    const Loaded& t = *table_;
    auto insert = db_->insert(t);
    insert.columns({&t.id, &t.label, &t.blob, &t.price});
    std::vector<std::string> labels;
    for (int i = 0; i < 1000; ++i) {
      const std::string label = kHostile[static_cast<std::size_t>(i) % kHostile.size()] + std::to_string(i);
      labels.push_back(label);
      const Value blob =
          i % 7 == 0 ? Value{} : Value(Bytes{std::string("\0\t\\\n\xff", 5) + std::to_string(i)});
      const Value price = i % 5 == 0 ? Value{} : Value(Decimal(std::to_string(i) + ".25"));
      insert.row({i, i % 11 == 0 ? Value{} : Value(label), blob, price});
    }
    db_->set_tracer([this](const TraceEvent& e) { traced_.emplace_back(e.sql); });
    const Result r = insert.execute();
    db_->set_tracer(nullptr);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1000}, r.rows_affected());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, traced_.size());
    CPPUNIT_ASSERT_EQUAL("COPY \"" + t.name() + "\" (\"id\", \"label\", \"blob\", \"price\") FROM STDIN",
                         traced_[0]);

    int seen = 0;
    for (const Row row : db_->select(t.id, t.label, t.blob, t.price).from(t).order_by(t.id.asc())) {
      const int i = row[t.id];
      CPPUNIT_ASSERT_EQUAL(seen++, i);
      if (i % 11 == 0) {
        CPPUNIT_ASSERT(!row[t.label]);
      } else {
        CPPUNIT_ASSERT_EQUAL(labels[static_cast<std::size_t>(i)], row[t.label].value());
      }
      if (i % 7 == 0) {
        CPPUNIT_ASSERT(!row[t.blob]);
      } else {
        CPPUNIT_ASSERT(Bytes{std::string("\0\t\\\n\xff", 5) + std::to_string(i)} == row[t.blob].value());
      }
      if (i % 5 == 0) {
        CPPUNIT_ASSERT(!row[t.price]);
      } else {
        CPPUNIT_ASSERT_EQUAL(std::to_string(i) + ".25", row[t.price].value().to_string());
      }
    }
    CPPUNIT_ASSERT_EQUAL(1000, seen);
    // Stored as cents by the custom field's to_db.
    CPPUNIT_ASSERT_EQUAL(
        std::int64_t{125},
        db_->execute_sql("SELECT price FROM " + t.name() + " WHERE id = 1").scalar<std::int64_t>());
  }

  void testANulByteLoadsNothingAndTheConnectionGoesOn() {
    const Loaded& t = *table_;
    auto insert = db_->insert(t);
    insert.columns({&t.id, &t.label});
    for (int i = 0; i < 300; ++i) insert.row({i, i == 250 ? std::string("nul\0byte", 8) : std::string("ok")});
    const auto e = expect_throw<DataError>([&] { (void)insert.execute(); }, "a NUL byte in text");
    LINGO_ASSERT_CONTAINS(e.what(), "NUL byte");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, db_->select(t.id).from(t).count());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, db_->execute_sql("SELECT 1 + 1").scalar<std::int64_t>());
  }

  void testAFailingRowLoadsNothing() {
    const Loaded& t = *table_;
    auto insert = db_->insert(t);
    insert.columns({&t.id, &t.label});
    for (int i = 0; i < 300; ++i) insert.row({i == 299 ? 0 : i, std::string("row")});  // 299 repeats id 0
    const auto e =
        expect_throw<IntegrityError>([&] { (void)insert.execute(); }, "a duplicate key in the rows");
    CPPUNIT_ASSERT_EQUAL(std::string("23505"), e.info().sqlstate);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, db_->select(t.id).from(t).count());
  }

  void testInsideATransactionTheCopyIsPartOfIt() {
    const Loaded& t = *table_;
    auto insert = db_->insert(t);
    insert.columns({&t.id, &t.label});
    for (int i = 0; i < 200; ++i) insert.row({i, std::string("row")});
    {
      auto tx = db_->atomic();
      CPPUNIT_ASSERT_EQUAL(std::int64_t{200}, insert.execute().rows_affected());
      CPPUNIT_ASSERT_EQUAL(std::int64_t{200}, db_->select(t.id).from(t).count());
      tx.rollback();
    }
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, db_->select(t.id).from(t).count());
  }

  void testWhatCopyCannotServeGoesByInsert() {
    const Loaded& t = *table_;
    auto rows = [&](int first, int n) {
      auto insert = db_->insert(t);
      insert.columns({&t.id, &t.label});
      for (int i = first; i < first + n; ++i) insert.row({i, std::string("row")});
      return insert;
    };
    db_->set_tracer([this](const TraceEvent& e) { traced_.emplace_back(e.sql.substr(0, 6)); });
    (void)rows(0, 99).execute();                        // too few to be worth COPY's extra round trip
    (void)rows(100, 200).returning(t.id).execute();     // RETURNING
    (void)rows(300, 200).batch_size(50).execute();      // batches asked for
    (void)rows(0, 150).on_conflict_ignore().execute();  // ON CONFLICT
    db_->set_tracer(nullptr);
    for (const auto& sql : traced_) CPPUNIT_ASSERT(sql != "COPY \"");
    CPPUNIT_ASSERT(std::count(traced_.begin(), traced_.end(), "INSERT") >= 7);  // 1 + 1 + 4 + 1
    // ids 0-98, 100-299, 300-499, and 99 from the last (the rest conflicted).
    CPPUNIT_ASSERT_EQUAL(std::int64_t{99 + 200 + 200 + 1}, db_->select(t.id).from(t).count());
  }

 private:
  std::unique_ptr<Database> db_;
  std::unique_ptr<Loaded> table_;
  std::vector<std::string> traced_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PgCopyTest);

}  // namespace
