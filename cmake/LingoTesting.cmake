# lingo_add_test(NAME SOURCES... [POSTGRES])
#
# One CppUnit suite per executable, registered with CTest under NAME. A suite
# marked POSTGRES needs the throwaway server that scripts/test starts (its URI
# arrives in LINGO_TEST_PG_URI); without it the suite exits 77 and CTest
# reports it as skipped, never as passed.
function(lingo_add_test name)
  cmake_parse_arguments(T "POSTGRES" "" "" ${ARGN})
  add_executable(test_${name} ${T_UNPARSED_ARGUMENTS} ${PROJECT_SOURCE_DIR}/tests/support/test_main.cpp)
  target_link_libraries(test_${name} PRIVATE lingo_test_support lingo::lingo lingo_warnings)
  if(T_POSTGRES)
    target_compile_definitions(test_${name} PRIVATE LINGO_TEST_NEEDS_POSTGRES=1)
  endif()
  add_test(NAME ${name} COMMAND test_${name})
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
  if(T_POSTGRES)
    set_tests_properties(${name} PROPERTIES LABELS "postgres")
  endif()
endfunction()

# lingo_add_dialect_suites(NAME SOURCE)
#
# One suite source built for every dialect: NAME_sqlite, NAME_postgres and
# NAME_crdb (the CockroachDB simulator in front of the test PostgreSQL). The
# source includes tests/support/dialect_suite.h to learn which it is.
function(lingo_add_dialect_suites name source)
  lingo_add_test(${name}_sqlite ${source})
  target_compile_definitions(test_${name}_sqlite PRIVATE LINGO_SUITE_SQLITE=1)
  lingo_add_test(${name}_postgres ${source} POSTGRES)
  lingo_add_test(${name}_crdb ${source} POSTGRES)
  target_compile_definitions(test_${name}_crdb PRIVATE LINGO_SUITE_CRDB=1)
  add_dependencies(test_${name}_crdb crdb_sim lingo-cockroachdb)
  foreach(suite ${name}_sqlite ${name}_postgres ${name}_crdb)
    add_dependencies(test_${suite} lingo-postgres lingo-sqlite)
  endforeach()
endfunction()
