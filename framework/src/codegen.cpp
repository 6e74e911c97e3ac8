// `lingo gen`: C++ models written from a live schema. The dialect's
// introspector reads the schema and names each column's field kind
// (Introspector::field_spec); this file decides names, order and layout, and
// writes the text.
#include "lingo/codegen.h"

#include "cpp_text.h"

#include <Poco/String.h>
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>

#include "lingo/compiler.h"
#include "lingo/database.h"
#include "lingo/dialect.h"
#include "lingo/errors.h"

namespace lingo {
namespace {

using codegen::action_code;
using codegen::action_named;
using codegen::column_type_or_empty;
using codegen::cpp_string;
using codegen::field_of;
using codegen::identifier_from;
using codegen::is_identifier;
using codegen::is_key_kind;
using codegen::is_keyword;
using codegen::kind_code;

// "order_item" -> "OrderItem".
std::string type_name_from(std::string_view instance) {
  std::string out;
  bool upper = true;
  for (char c : instance) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out = "T" + out;
  return out;
}

// A name the set has not given out yet: `base`, else base_2, base_3, ...
std::string unique_in(std::set<std::string>& taken, const std::string& base) {
  std::string name = base;
  for (int n = 2; !taken.insert(name).second; ++n) name = base + "_" + std::to_string(n);
  return name;
}

// A line comment may hold any text but a line break or a trailing backslash.
std::string comment_text(std::string_view text) {
  std::string out;
  for (const char c : text) out += c == '\n' || c == '\r' ? ' ' : c;
  if (!out.empty() && out.back() == '\\') out += '.';
  return out;
}

std::string cpp_type(ValueType type) {
  switch (type) {
    case ValueType::boolean:
      return "bool";
    case ValueType::int16:
      return "std::int16_t";
    case ValueType::int32:
      return "std::int32_t";
    case ValueType::int64:
      return "std::int64_t";
    case ValueType::float32:
      return "float";
    case ValueType::float64:
      return "double";
    case ValueType::decimal:
      return "lingo::Decimal";
    case ValueType::text:
      return "std::string";
    case ValueType::bytes:
      return "lingo::Bytes";
    case ValueType::date:
      return "lingo::Date";
    case ValueType::time:
      return "lingo::Time";
    case ValueType::timestamp:
      return "lingo::Timestamp";
    case ValueType::timestamptz:
      return "lingo::TimestampTz";
    case ValueType::uuid:
      return "lingo::Uuid";
    case ValueType::json:
      return "boost::json::value";
    default:
      return "lingo::Value";
  }
}

// A partial index's condition, from its CREATE INDEX text: what follows
// WHERE after the column list (the first parenthesized group outside quotes
// and comments), however it is spaced or cased. Empty when there is none.
std::string index_condition(std::string_view sql) {
  std::size_t i = 0;
  int depth = 0;
  bool list_seen = false;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"' || c == '`' || c == '[') {
      const char close = c == '[' ? ']' : c;
      const auto end = sql.find(close, i + 1);
      i = end == std::string_view::npos ? sql.size() : end + 1;
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0) {
      list_seen = true;
      ++i;
      break;
    }
    ++i;
  }
  if (!list_seen) return {};
  while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
  if (Poco::icompare(sql.substr(i, 5), "where") != 0) return {};
  i += 5;
  while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
  std::string condition(sql.substr(i));
  while (!condition.empty() &&
         (std::isspace(static_cast<unsigned char>(condition.back())) || condition.back() == ';'))
    condition.pop_back();
  return condition;
}

struct GenColumn {
  ColumnMetadata meta;
  FieldSpec spec;
  std::string member;
  bool unique = false;
  std::string references;  // the ForeignKeyField target, "author.id"; empty when none
  const ForeignKeyMetadata* key = nullptr;
};

struct GenTable {
  std::string name;
  std::string instance;
  std::string type;
  std::string file;
  std::vector<GenColumn> columns;
  std::vector<std::string> primary_key;
  std::vector<IndexMetadata> indexes;
  std::vector<ForeignKeyMetadata> keys;
  std::vector<std::string> comments;  // what was left out, for the header
};

class Generator {
 public:
  Generator(Database& db, const ModelOptions& options) : db_(db), options_(options) {}

  GeneratedModels run() {
    check_namespace();
    std::vector<std::string> names = options_.tables;
    const auto existing = db_.get_tables(options_.schema);
    if (names.empty()) names = existing;
    for (const auto& name : names) {
      if (std::find(existing.begin(), existing.end(), name) == existing.end()) {
        throw_error<InterfaceError>(
            "lingo gen: no table " + cpp_string(name) + " in the " +
            (options_.schema.empty() ? "default schema" : "schema " + options_.schema) + " of this " +
            std::string(db_.dialect_name()) + " database");
      }
    }
    // Types and instances share one set: a table "Book" must not make a
    // struct Book and an object Book.
    std::set<std::string> taken{"Table", "Column", "all_tables", options_.name_space};
    std::set<std::string> files{"models"};
    for (const auto& name : names) {
      GenTable& t = tables_.emplace_back();
      t.name = name;
      t.instance = unique_in(taken, identifier_from(name, "table"));
      t.type = unique_in(taken, type_name_from(t.instance));
      t.file = unique_in(files, Poco::toLower(t.instance)) + ".h";
      load(t);
    }
    GeneratedModels out;
    for (GenTable* t : dependency_order()) {
      resolve_references(*t);
      out.files.push_back({t->file, header(*t)});
      emitted_.insert(t->name);
      ordered_.push_back(t);
    }
    out.files.push_back({"models.h", umbrella()});
    out.notes = std::move(notes_);
    return out;
  }

 private:
  void check_namespace() const {
    std::string_view ns = options_.name_space;
    while (true) {
      const auto sep = ns.find("::");
      const auto part = ns.substr(0, sep);
      if (!is_identifier(part) || is_keyword(part)) {
        throw_error<InterfaceError>("lingo gen: the namespace " + cpp_string(options_.name_space) +
                                    " is not a C++ namespace name");
      }
      if (sep == std::string_view::npos) break;
      ns.remove_prefix(sep + 2);
    }
  }

  void note(const GenTable& t, const std::string& text) {
    notes_.push_back("table " + cpp_string(t.name) + ": " + text);
  }

  void load(GenTable& t) {
    const auto columns = db_.get_columns(t.name, options_.schema);
    t.primary_key = db_.get_primary_keys(t.name, options_.schema);
    t.indexes = db_.get_indexes(t.name, options_.schema);
    t.keys = db_.get_foreign_keys(t.name, options_.schema);
    const Introspector* introspector = db_.dialect().introspector();
    // Members are named after columns; the struct's own name and the Table
    // members its constructor calls are not available to them.
    const std::set<std::string> reserved{t.type, "Table", "column", "index", "unique_index", "primary_key"};
    std::set<std::string> members;
    for (const auto& meta : columns) {
      const bool sole_key = t.primary_key.size() == 1 && t.primary_key[0] == meta.name;
      FieldSpec spec = introspector->field_spec(meta, sole_key);
      if (spec.kind.empty()) {
        const std::string why = "column " + cpp_string(meta.name) + " (" + meta.data_type +
                                ") left out: no field kind of the " + std::string(db_.dialect_name()) +
                                " dialect stores it; declare it with a lingo::CustomField by hand";
        t.comments.push_back(why);
        note(t, why);
        continue;
      }
      GenColumn& c = t.columns.emplace_back();
      c.meta = meta;
      c.spec = std::move(spec);
      std::string member = identifier_from(meta.name, "column");
      if (reserved.count(member)) member += '_';
      c.member = unique_in(members, member);
    }
    for (const auto& key : t.keys) {
      const auto parts = std::count_if(t.keys.begin(), t.keys.end(), [&](const ForeignKeyMetadata& k) {
        return !key.name.empty() && k.name == key.name;
      });
      if (parts > 1) {
        if (&key == &t.keys.front() || (&key)[-1].name != key.name) {
          const std::string why = "foreign key " + cpp_string(key.name) +
                                  " left out: it spans several columns, which ForeignKeyField cannot declare";
          t.comments.push_back(why);
          note(t, why);
        }
        continue;
      }
      if (GenColumn* c = find(t, key.column)) c->key = &key;
    }
  }

  static GenColumn* find(GenTable& t, std::string_view column) {
    for (auto& c : t.columns)
      if (c.meta.name == column) return &c;
    return nullptr;
  }
  GenTable* find_table(std::string_view name) {
    for (auto& t : tables_)
      if (t.name == name) return &t;
    return nullptr;
  }

  // Referenced tables first; in a cycle, the first table left goes next and
  // its keys into tables not yet written stay plain columns.
  std::vector<GenTable*> dependency_order() {
    std::vector<GenTable*> pending;
    for (auto& t : tables_) pending.push_back(&t);
    std::vector<GenTable*> ordered;
    std::set<std::string> done;
    while (!pending.empty()) {
      auto ready = std::find_if(pending.begin(), pending.end(), [&](GenTable* t) {
        return std::all_of(t->columns.begin(), t->columns.end(), [&](const GenColumn& c) {
          return !c.key || c.key->dest_table == t->name || done.count(c.key->dest_table) ||
                 !find_table(c.key->dest_table);
        });
      });
      if (ready == pending.end()) ready = pending.begin();
      done.insert((*ready)->name);
      ordered.push_back(*ready);
      pending.erase(ready);
    }
    return ordered;
  }

  void resolve_references(GenTable& t) {
    const Compiler& compiler = db_.compiler();
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      GenColumn& c = t.columns[i];
      if (!c.key || is_key_kind(c.spec.kind)) continue;
      const ForeignKeyMetadata& key = *c.key;
      std::string why;
      GenTable* target = find_table(key.dest_table);
      const GenColumn* target_column = target ? find(*target, key.dest_column) : nullptr;
      if (!target) {
        why = "its table is not among those generated";
      } else if (!target_column) {
        why = "its column is not in the model";
      } else if (target == &t && target_column >= &c) {
        why = "it refers to a column declared after it";
      } else if (target != &t && !emitted_.count(target->name)) {
        why = "the tables' foreign keys form a cycle, and " + cpp_string(target->name) + " comes later";
      } else if (column_type_or_empty(compiler, field_of(c.spec)) !=
                 column_type_or_empty(compiler, Field("ForeignKeyField", target_column->spec.values))) {
        why = "a ForeignKeyField would give the column its target's type, not " + c.meta.data_type;
      }
      if (!why.empty()) {
        const std::string text = "column " + cpp_string(c.meta.name) + " references " +
                                 cpp_string(key.dest_table) + " (" + cpp_string(key.dest_column) +
                                 ") but is declared as a plain column: " + why;
        t.comments.push_back(text);
        note(t, text);
        continue;
      }
      c.spec.values = target_column->spec.values;  // a ForeignKeyField holds its target's values
      // Qualified: a member of this model may have the target object's name.
      c.references = target == &t
                         ? target_column->member
                         : "::" + options_.name_space + "::" + target->instance + "." + target_column->member;
    }
    // A single-column unique constraint is the column's unique(); other
    // indexes are declared in the constructor.
    for (const auto& index : t.indexes) {
      if (index.primary || index.columns.size() != 1 || !index.unique) continue;
      GenColumn* c = find(t, index.columns[0]);
      if (!c) continue;
      const bool constraint = index.sql.empty() || index.name == t.name + "_" + c->meta.name + "_key";
      if (constraint) c->unique = true;
    }
  }

  std::string field_expression(const GenColumn& c, const GenTable& t) const {
    const FieldSpec& s = c.spec;
    std::string out;
    if (!c.references.empty()) {
      out = "lingo::ForeignKeyField{" + c.references + "}";
    } else {
      out = kind_code(field_of(s));
    }
    if (is_key_kind(s.kind)) return out;  // their constraints are their own
    if (t.primary_key.size() == 1 && t.primary_key[0] == c.meta.name) out += ".primary_key()";
    if (c.meta.nullable) out += ".null()";
    if (c.unique) out += ".unique()";
    if (c.meta.default_sql && !s.default_implied)
      out += ".default_sql(" + cpp_string(*c.meta.default_sql) + ")";
    if (!c.references.empty()) {
      if (const auto action = action_named(c.key->on_delete); action != ReferentialAction::no_action)
        out += ".on_delete(" + action_code(action) + ")";
      if (const auto action = action_named(c.key->on_update); action != ReferentialAction::no_action)
        out += ".on_update(" + action_code(action) + ")";
    }
    return out;
  }

  std::string column_type(const GenColumn& c) const {
    std::string type = c.spec.kind == "ArrayField" ? "std::vector<" + cpp_type(c.spec.element_type) + ">"
                                                   : cpp_type(c.spec.values);
    if (c.meta.nullable && !is_key_kind(c.spec.kind)) type = "std::optional<" + type + ">";
    return type;
  }

  std::string member_list(const GenTable& t, const std::vector<std::string>& columns) {
    std::string out = "{";
    for (const auto& name : columns) {
      const GenColumn* c = find(const_cast<GenTable&>(t), name);
      out += (out.size() > 1 ? ", &" : "&") + c->member;
    }
    return out + "}";
  }

  // The constructor's body: a composite key and the indexes.
  std::vector<std::string> constructor_lines(GenTable& t) {
    std::vector<std::string> lines;
    if (t.primary_key.size() > 1) lines.push_back("primary_key(" + member_list(t, t.primary_key) + ");");
    for (const auto& index : t.indexes) {
      if (index.primary) continue;
      if (index.columns.size() == 1 && index.unique) {
        const GenColumn* c = find(t, index.columns[0]);
        if (c && c->unique) continue;  // the column's unique()
      }
      const bool expression = std::any_of(index.columns.begin(), index.columns.end(),
                                          [&](const std::string& column) { return !find(t, column); });
      if (expression || index.sql.empty()) {
        const std::string why = "index " + cpp_string(index.name) + " left out: " +
                                (expression ? "it has an expression, or a column left out, as a key"
                                            : "the database made it for a constraint a model cannot declare");
        t.comments.push_back(why);
        note(t, why);
        continue;
      }
      std::string options = "{.name = " + cpp_string(index.name);
      if (!index.method.empty() && index.method != "btree")
        options += ", .method = " + cpp_string(index.method);
      if (const std::string where = index_condition(index.sql); !where.empty())
        options += ", .where = " + cpp_string(where);
      options += "}";
      lines.push_back(std::string(index.unique ? "unique_index(" : "index(") + member_list(t, index.columns) +
                      ", " + options + ");");
    }
    return lines;
  }

  std::string preamble(std::string_view what) const {
    return "// Generated by `lingo gen` from a " + std::string(db_.dialect_name()) +
           " database: " + std::string(what) +
           ".\n// Regenerate it rather than edit it: `lingo gen URI --check DIR` reports where the schema\n"
           "// and these headers differ.\n#pragma once\n\n";
  }

  std::string header(GenTable& t) {
    std::string out = preamble("table " + comment_text(cpp_string(t.name)));
    out += "#include <cstdint>\n#include <optional>\n#include <string>\n#include <vector>\n\n";
    out += "#include \"lingo/table.h\"\n";
    std::set<std::string> includes;
    for (const auto& c : t.columns) {
      if (c.references.empty() || c.key->dest_table == t.name) continue;
      includes.insert(find_table(c.key->dest_table)->file);
    }
    for (const auto& file : includes) out += "#include \"" + file + "\"\n";
    out += "\nnamespace " + options_.name_space + " {\n\n";
    for (const auto& comment : t.comments) out += "// " + comment_text(comment) + "\n";
    out += "struct " + t.type + " : lingo::Table {\n";
    for (const auto& c : t.columns) {
      out += "  lingo::Column<" + column_type(c) + "> " + c.member + " = column(" + cpp_string(c.meta.name) +
             ", " + field_expression(c, t) + ");\n";
    }
    const auto body = constructor_lines(t);
    out += "  " + t.type + "() : Table(" + cpp_string(t.name) + ")";
    if (body.empty()) {
      out += " {}\n";
    } else {
      out += " {\n";
      for (const auto& line : body) out += "    " + line + "\n";
      out += "  }\n";
    }
    out += "};\ninline const " + t.type + " " + t.instance + ";\n\n}  // namespace " + options_.name_space +
           "\n";
    return out;
  }

  std::string umbrella() const {
    std::string out = preamble("every table generated, referenced tables first");
    out += "#include <vector>\n\n";
    for (const GenTable* t : ordered_) out += "#include \"" + t->file + "\"\n";
    out += "\nnamespace " + options_.name_space + " {\n\n";
    out += "// For db.create_tables(all_tables) and db.drop_tables(all_tables).\n";
    out += "inline const std::vector<const lingo::Table*> all_tables{";
    for (std::size_t i = 0; i < ordered_.size(); ++i) out += (i ? ", &" : "&") + ordered_[i]->instance;
    out += "};\n\n}  // namespace " + options_.name_space + "\n";
    return out;
  }

  Database& db_;
  const ModelOptions& options_;
  std::vector<GenTable> tables_;
  std::vector<const GenTable*> ordered_;
  std::set<std::string> emitted_;
  std::vector<std::string> notes_;
};

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

}  // namespace

GeneratedModels generate_models(Database& db, const ModelOptions& options) {
  if (!db.dialect().introspector()) {
    throw_error<NotSupportedError>("lingo gen: the " + std::string(db.dialect_name()) +
                                       " dialect cannot describe its schemas (it has no introspector)",
                                   {.sqlstate = "0A000", .dialect = std::string(db.dialect_name())});
  }
  return Generator(db, options).run();
}

std::string unified_diff(std::string_view from_name, std::string_view from, std::string_view to_name,
                         std::string_view to) {
  if (from == to) return {};
  const auto a = lines_of(from);
  const auto b = lines_of(to);
  // Longest common subsequence, then the edit script read off it.
  std::vector<std::vector<std::uint32_t>> lcs(a.size() + 1, std::vector<std::uint32_t>(b.size() + 1, 0));
  for (std::size_t i = a.size(); i-- > 0;)
    for (std::size_t j = b.size(); j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  struct Edit {
    char op;
    std::size_t i, j;  // positions in a and b before this line
  };
  std::vector<Edit> script;
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      script.push_back({' ', i++, j++});
    } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
      script.push_back({'-', i++, j});
    } else {
      script.push_back({'+', i, j++});
    }
  }
  std::string out = "--- " + std::string(from_name) + "\n+++ " + std::string(to_name) + "\n";
  constexpr std::size_t context = 3;
  for (std::size_t k = 0; k < script.size();) {
    if (script[k].op == ' ') {
      ++k;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines
    // after the last change that is within 2 * context of the next.
    const std::size_t start = k >= context ? k - context : 0;
    std::size_t end = k;
    for (std::size_t m = k; m < script.size(); ++m) {
      if (script[m].op != ' ')
        end = m;
      else if (m - end > 2 * context)
        break;
    }
    end = std::min(script.size(), end + context + 1);
    std::size_t a_count = 0, b_count = 0;
    for (std::size_t m = start; m < end; ++m) {
      if (script[m].op != '+') ++a_count;
      if (script[m].op != '-') ++b_count;
    }
    out += "@@ -" + std::to_string(script[start].i + (a_count ? 1 : 0)) + "," + std::to_string(a_count) +
           " +" + std::to_string(script[start].j + (b_count ? 1 : 0)) + "," + std::to_string(b_count) +
           " @@\n";
    for (std::size_t m = start; m < end; ++m) {
      const Edit& e = script[m];
      out += e.op;
      out += e.op == '+' ? b[e.j] : a[e.i];
      out += '\n';
    }
    k = end;
  }
  return out;
}

}  // namespace lingo
