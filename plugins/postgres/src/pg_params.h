// Turns Values into libpq parameters: text format for everything but bytea
// (sent binary, so NUL bytes survive), each with the type OID that makes
// `SELECT $1` come back typed. Text is sent as type "unknown" so the server
// reads it as whatever the context needs (text, varchar, uuid, json, enum).
//
// One encoder lives in each connection and is reused, so encoding allocates
// nothing once its buffers have grown.
#pragma once

#include <libpq-fe.h>

#include <span>
#include <string>
#include <vector>

#include "lingo/value.h"

namespace lingo::postgres {

class ParamEncoder {
 public:
  // Throws DataError / NotSupportedError for a value PostgreSQL cannot take
  // (text with a NUL byte), before anything is sent.
  void encode(std::span<const Value> params);

  [[nodiscard]] const std::vector<Oid>& types() const noexcept { return types_; }
  [[nodiscard]] const char* const* values() const noexcept { return values_.data(); }
  [[nodiscard]] const int* lengths() const noexcept { return lengths_.data(); }
  [[nodiscard]] const int* formats() const noexcept { return formats_.data(); }
  [[nodiscard]] int count() const noexcept { return static_cast<int>(types_.size()); }

 private:
  std::vector<Oid> types_;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<long> arena_offsets_;  // -1: the pointer is already in values_
  std::string arena_;
};

// The type OID a value is bound with (an array's OID for arrays).
[[nodiscard]] Oid type_oid_of(const Value& v);
// The text form PostgreSQL reads for a value (arrays as {...} literals).
void append_text(const Value& v, std::string& out);
// One field of COPY's text format: the text form with backslash, tab,
// newline and carriage return escaped, NULL as \N, bytes as \\x hex.
// Throws DataError for text holding a NUL byte, as encode() does.
void append_copy_field(const Value& v, std::string& out);

}  // namespace lingo::postgres
