// What the plugin contract's binary layout depends on, as one number.
//
// Past the plain-C handshake, a plugin and the core share C++ objects: the
// classes a plugin derives from (Dialect, Connection, Compiler, ResultSource,
// RowStream, Introspector) and the ones that cross between them (SelectData
// and the other statement records, Value, whose variant holds a
// boost::json::value, ErrorInfo, Uri, ...). Their layout follows from the
// headers (which LINGO_PLUGIN_ABI versions) and from how they were compiled:
// the standard library's mode (_GLIBCXX_DEBUG), the Boost release, packing
// flags. abi_layout_fingerprint() hashes the size and alignment of each of
// them as the including translation unit sees them; the plugin records its
// value in the handshake and the loader compares it with the core's, so a
// plugin whose objects would be read with another layout is refused by name
// rather than crashing later.
#pragma once

#include <boost/json/value.hpp>
#include <boost/version.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lingo/ast.h"
#include "lingo/compiler.h"
#include "lingo/connection.h"
#include "lingo/dialect.h"
#include "lingo/errors.h"
#include "lingo/field.h"
#include "lingo/introspection.h"
#include "lingo/query.h"
#include "lingo/result.h"
#include "lingo/schema_change.h"
#include "lingo/table.h"
#include "lingo/transaction.h"
#include "lingo/uri.h"
#include "lingo/value.h"

namespace lingo {

namespace detail {

template <class... T>
constexpr std::uint64_t layout_hash() noexcept {
  // FNV-1a over (size, alignment) of each type, in order.
  std::uint64_t hash = 14695981039346656037ULL;
  for (const std::size_t fact : {(sizeof(T) * 64 + alignof(T))...}) {
    hash ^= fact;
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace detail

// Equal in two translation units when every type of the contract has the
// same size and alignment in both (and the standard library's own types
// that the contract is made of).
constexpr std::uint64_t abi_layout_fingerprint() noexcept {
  return detail::layout_hash<
      // The interfaces a plugin implements.
      Dialect, Connection, Compiler, FieldTypes, ResultSource, RowStream, Introspector,
      // What crosses between the core and a plugin.
      SelectData, InsertData, UpdateData, DeleteData, CompiledQuery, ArgumentSlot, PipelineStatement,
      CreateTableOptions, SqlWriter, Value, Array, Bytes, Decimal, Row, Result, ErrorInfo, Error, Uri,
      UriHost, TransactionOptions, ColumnMetadata, FieldSpec, IndexMetadata, ForeignKeyMetadata, SchemaChange,
      // What a query is made of: the models and the expression tree.
      Table, ColumnBase, Field, FieldKind, ast::Node, ast::Column, ast::Binary, ast::Function,
      // What they are made of.
      boost::json::value, std::string, std::vector<int>, std::shared_ptr<int>, std::unique_ptr<int>,
      std::function<void()>, std::optional<std::string>>();
}

}  // namespace lingo
