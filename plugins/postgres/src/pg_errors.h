// Turning libpq failures into lingo errors, with the SQLSTATE the server sent.
#pragma once

#include <libpq-fe.h>

#include <string_view>

#include "lingo/errors.h"

namespace lingo::postgres {

// What the server reported for a failed result, or, when there is no result,
// what the connection reported (a lost connection becomes SQLSTATE 08006).
[[nodiscard]] ErrorInfo error_info(PGconn* conn, const PGresult* res, std::string_view sql,
                                   std::string_view dialect);

// Whether PostgreSQL may succeed if the whole transaction is run again.
[[nodiscard]] bool is_retryable_sqlstate(std::string_view sqlstate) noexcept;

}  // namespace lingo::postgres
