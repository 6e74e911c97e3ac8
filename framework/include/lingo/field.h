// Field kinds: what a column holds and the constraints on it, independent of
// any dialect.
//
// The core names the kinds; each dialect says how to spell each kind it
// supports in DDL (see FieldTypes in compiler.h) and may add kinds of its own.
// A kind the dialect does not provide fails at create_table with an error
// naming the kind, the dialect and the kinds it does provide.
//
//     lingo::DecimalField{14, 2}.null().check("balance >= 0")
//     lingo::TextField{}.unique().default_value("n/a")
//     lingo::DateTimeField{}.default_sql("CURRENT_TIMESTAMP")
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "lingo/export.h"
#include "lingo/value.h"

namespace lingo {

class ColumnBase;
class Field;

// ON DELETE / ON UPDATE actions.
enum class ReferentialAction { no_action, restrict, cascade, set_null, set_default };

struct LINGO_API ForeignKeyRef {
  std::string table{};
  std::string column{};
  ReferentialAction on_delete = ReferentialAction::no_action;
  ReferentialAction on_update = ReferentialAction::no_action;
};

// An application's own field kind (peewee's custom Field with db_value and
// python_value): stored as one of the dialect's kinds, and converted on the
// way in (to_db, for every value bound against such a column: inserts,
// updates, comparisons) and on the way out (from_db, when the column is read
// by row[column] or into a mapped struct). NULLs pass through unconverted.
struct FieldKind;

class LINGO_API Field {
 public:
  Field(std::string kind, ValueType type) : kind_(std::move(kind)), type_(type) {}

  // Constraints, chainable. Every column is NOT NULL unless null() is called.
  Field& null(bool nullable = true) {
    nullable_ = nullable;
    return *this;
  }
  Field& unique(bool unique = true) {
    unique_ = unique;
    return *this;
  }
  Field& primary_key(bool pk = true) {
    primary_key_ = pk;
    return *this;
  }
  Field& index(bool indexed = true) {
    indexed_ = indexed;
    return *this;
  }
  // The index method for index(): "GIN" for JSONB and arrays on PostgreSQL.
  Field& index_method(std::string method) {
    index_method_ = std::move(method);
    indexed_ = true;
    return *this;
  }
  // A default value, rendered as a safely quoted literal in the DDL.
  Field& default_value(Value v) {
    default_value_ = std::move(v);
    return *this;
  }
  // A default SQL expression ("now()", "CURRENT_TIMESTAMP"), written as given:
  // it comes from the program, never from user input.
  Field& default_sql(std::string sql) {
    default_sql_ = std::move(sql);
    return *this;
  }
  // A CHECK constraint expression, written as given (program text).
  Field& check(std::string sql) {
    check_sql_ = std::move(sql);
    return *this;
  }
  Field& on_delete(ReferentialAction a) {
    if (references_) references_->on_delete = a;
    return *this;
  }
  Field& on_update(ReferentialAction a) {
    if (references_) references_->on_update = a;
    return *this;
  }

  [[nodiscard]] const std::string& kind() const noexcept { return kind_; }
  [[nodiscard]] ValueType type() const noexcept { return type_; }
  [[nodiscard]] bool is_nullable() const noexcept { return nullable_; }
  [[nodiscard]] bool is_unique() const noexcept { return unique_; }
  [[nodiscard]] bool is_primary_key() const noexcept { return primary_key_; }
  [[nodiscard]] bool is_indexed() const noexcept { return indexed_; }
  [[nodiscard]] const std::string& index_method() const noexcept { return index_method_; }
  [[nodiscard]] const std::optional<Value>& default_value() const noexcept { return default_value_; }
  [[nodiscard]] const std::string& default_sql() const noexcept { return default_sql_; }
  [[nodiscard]] const std::string& check() const noexcept { return check_sql_; }
  [[nodiscard]] const std::optional<ForeignKeyRef>& references() const noexcept { return references_; }
  // True for keys whose value the database generates (auto, serial, rowid, uuid default).
  [[nodiscard]] bool is_generated() const noexcept { return generated_; }
  // The application-defined kind this field is, if any.
  [[nodiscard]] const std::shared_ptr<const FieldKind>& custom() const noexcept { return custom_; }

  // Parameters of the parameterised kinds.
  int length = 0;     // CharField(n)
  int precision = 0;  // DecimalField(p, s)
  int scale = 0;
  ValueType element_type = ValueType::null;  // ArrayField
  int dimensions = 0;

 protected:
  Field& generated() {
    generated_ = true;
    return *this;
  }
  void set_custom(std::shared_ptr<const FieldKind> kind) { custom_ = std::move(kind); }
  Field& references(ForeignKeyRef ref) {
    references_ = std::move(ref);
    return *this;
  }

 private:
  std::string kind_;
  ValueType type_;
  bool nullable_ = false;
  bool unique_ = false;
  bool primary_key_ = false;
  bool indexed_ = false;
  bool generated_ = false;
  std::string index_method_;
  std::optional<Value> default_value_;
  std::string default_sql_;
  std::string check_sql_;
  std::optional<ForeignKeyRef> references_;
  std::shared_ptr<const FieldKind> custom_;
};

struct LINGO_API FieldKind {
  std::string name;                            // "MoneyField"
  Field storage;                               // how it is stored, in the dialect's own kinds
  ValueType value_type;                        // what the application reads and writes
  std::function<Value(const Value&)> to_db;    // application value -> stored value
  std::function<Value(const Value&)> from_db;  // stored value -> application value
};

// A column of an application-defined kind:
//     inline const auto money = std::make_shared<const lingo::FieldKind>(lingo::FieldKind{
//         "MoneyField", lingo::BigIntegerField{}, lingo::ValueType::decimal, cents_from_decimal,
//         decimal_from_cents});
//     lingo::Column<lingo::Decimal> price = column("price", lingo::CustomField{money});
struct LINGO_API CustomField : Field {
  explicit CustomField(std::shared_ptr<const FieldKind> kind) : Field(kind->name, kind->value_type) {
    length = kind->storage.length;
    precision = kind->storage.precision;
    scale = kind->storage.scale;
    set_custom(std::move(kind));
  }
};

// The core's kinds. Each is a Field; the names are peewee's. `values` is
// the type of the values a kind holds, known at compile time, so that a
// Column<T> declared with a kind whose values T cannot hold does not compile.
struct LINGO_API AutoField : Field {
  static constexpr bool generates_key = true;  // the database makes every value
  static constexpr ValueType values = ValueType::int32;
  AutoField() : Field("AutoField", values) {
    primary_key();
    generated();
  }
};
struct LINGO_API BigAutoField : Field {
  static constexpr bool generates_key = true;  // the database makes every value
  static constexpr ValueType values = ValueType::int64;
  BigAutoField() : Field("BigAutoField", values) {
    primary_key();
    generated();
  }
};
struct LINGO_API SmallIntegerField : Field {
  static constexpr ValueType values = ValueType::int16;
  SmallIntegerField() : Field("SmallIntegerField", values) {}
};
struct LINGO_API IntegerField : Field {
  static constexpr ValueType values = ValueType::int32;
  IntegerField() : Field("IntegerField", values) {}
};
struct LINGO_API BigIntegerField : Field {
  static constexpr ValueType values = ValueType::int64;
  BigIntegerField() : Field("BigIntegerField", values) {}
};
struct LINGO_API FloatField : Field {
  static constexpr ValueType values = ValueType::float32;
  FloatField() : Field("FloatField", values) {}
};
struct LINGO_API DoubleField : Field {
  static constexpr ValueType values = ValueType::float64;
  DoubleField() : Field("DoubleField", values) {}
};
struct LINGO_API DecimalField : Field {
  static constexpr ValueType values = ValueType::decimal;
  DecimalField(int p = 10, int s = 2) : Field("DecimalField", values) {
    precision = p;
    scale = s;
  }
};
struct LINGO_API BooleanField : Field {
  static constexpr ValueType values = ValueType::boolean;
  BooleanField() : Field("BooleanField", values) {}
};
struct LINGO_API CharField : Field {
  static constexpr ValueType values = ValueType::text;
  explicit CharField(int n = 255) : Field("CharField", values) { length = n; }
};
struct LINGO_API TextField : Field {
  static constexpr ValueType values = ValueType::text;
  TextField() : Field("TextField", values) {}
};
struct LINGO_API BlobField : Field {
  static constexpr ValueType values = ValueType::bytes;
  BlobField() : Field("BlobField", values) {}
};
struct LINGO_API DateField : Field {
  static constexpr ValueType values = ValueType::date;
  DateField() : Field("DateField", values) {}
};
struct LINGO_API TimeField : Field {
  static constexpr ValueType values = ValueType::time;
  TimeField() : Field("TimeField", values) {}
};
struct LINGO_API DateTimeField : Field {
  static constexpr ValueType values = ValueType::timestamp;
  DateTimeField() : Field("DateTimeField", values) {}
};
struct LINGO_API TimestampTzField : Field {
  static constexpr ValueType values = ValueType::timestamptz;
  TimestampTzField() : Field("TimestampTzField", values) {}
};
struct LINGO_API UUIDField : Field {
  static constexpr ValueType values = ValueType::uuid;
  UUIDField() : Field("UUIDField", values) {}
};
// JSON as text (PostgreSQL json); BinaryJSONField is jsonb.
struct LINGO_API JSONField : Field {
  static constexpr ValueType values = ValueType::json;
  JSONField() : Field("JSONField", values) {}
};
struct LINGO_API BinaryJSONField : Field {
  static constexpr ValueType values = ValueType::json;
  BinaryJSONField() : Field("BinaryJSONField", values) {}
};
struct LINGO_API ArrayField : Field {
  static constexpr ValueType values = ValueType::array;
  explicit ArrayField(ValueType element, int dims = 1) : Field("ArrayField", values) {
    element_type = element;
    dimensions = dims;
  }
};
// CockroachDB's generated primary keys (peewee's playhouse.cockroachdb); only
// dialects that register them accept them. The server makes the value
// (gen_random_uuid(), unique_rowid()) and insert() reads it back. Like
// peewee's, they take no further constraints: a default, a check, NULL or a
// RowIDField that is not the primary key is refused when the DDL is compiled.
struct LINGO_API UUIDKeyField : Field {
  static constexpr bool generates_key = true;  // the database makes every value
  static constexpr ValueType values = ValueType::uuid;
  UUIDKeyField() : Field("UUIDKeyField", values) {
    primary_key();
    generated();
  }
};
struct LINGO_API RowIDField : Field {
  static constexpr bool generates_key = true;  // the database makes every value
  static constexpr ValueType values = ValueType::int64;
  RowIDField() : Field("RowIDField", values) {
    primary_key();
    generated();
  }
};
// A reference to another table's column; the value type follows the target.
struct LINGO_API ForeignKeyField : Field {
  explicit ForeignKeyField(const ColumnBase& target);
};

}  // namespace lingo
