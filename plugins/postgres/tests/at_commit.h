// Work PostgreSQL does at COMMIT: a deferred constraint trigger on `table`
// whose PL/pgSQL `body` runs when a transaction that updated it commits
// (to fail a COMMIT, or to make it slow). The function is <table>_<name>;
// dropping it with CASCADE drops the trigger.
#pragma once

#include <string>

#include "lingo/database.h"

namespace lingo_test {

inline std::string run_at_commit(lingo::Database& db, const std::string& table, const std::string& name,
                                 const std::string& body) {
  const std::string function = table + "_" + name;
  db.execute_sql("CREATE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " + body +
                 " RETURN NULL; END $$");
  db.execute_sql("CREATE CONSTRAINT TRIGGER " + name + " AFTER UPDATE ON " + table +
                 " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION " + function + "()");
  return function;
}

}  // namespace lingo_test
