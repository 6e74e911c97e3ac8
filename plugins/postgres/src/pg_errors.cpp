#include "pg_errors.h"

namespace lingo::postgres {
namespace {

std::string trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

bool is_retryable_sqlstate(std::string_view sqlstate) noexcept {
  // 40001: serialization failure; 40P01: deadlock victim. Both mean the server
  // rolled the transaction back and the same work may succeed on a fresh try.
  return sqlstate == "40001" || sqlstate == "40P01";
}

ErrorInfo error_info(PGconn* conn, const PGresult* res, std::string_view sql, std::string_view dialect) {
  ErrorInfo info;
  info.dialect = std::string(dialect);
  info.statement = std::string(sql);
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  if (state != nullptr) {
    info.sqlstate = state;
    info.message = trimmed(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
    if (const char* detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL))
      info.message += ". " + trimmed(detail);
    if (const char* hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT))
      info.message += ". Hint: " + trimmed(hint);
  } else {
    // No SQLSTATE: libpq itself failed, almost always because the connection
    // is gone. Class 08 lets callers and retry loops recognise that.
    info.message = trimmed(res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
    if (info.message.empty()) info.message = trimmed(PQerrorMessage(conn));
    if (info.message.empty()) info.message = "the server did not answer";
    info.sqlstate = PQstatus(conn) == CONNECTION_BAD ? "08006" : "58000";
  }
  info.retryable = is_retryable_sqlstate(info.sqlstate);
  return info;
}

}  // namespace lingo::postgres
