// How a batch of schema changes runs, shared by SchemaEditor::apply and the
// migrations runner. Internal to the core.
#pragma once

#include <functional>

namespace lingo {

class Database;

// The dialect's before_ and after_schema_changes around `batch`, the after
// hook whether the batch throws or not.
void around_schema_changes(Database& db, const std::function<void()>& batch);
// `changes` in one transaction, with the dialect's check_schema_changes
// before it commits (for dialects whose DDL is transactional).
void in_schema_transaction(Database& db, const std::function<void()>& changes);

}  // namespace lingo
