# The SDK: what `cmake --install` adds beside the libraries so that programs
# and out-of-tree dialect plugins can build against an installed Lingo.
#
#   <libdir>/cmake/lingo/   lingoConfig.cmake (find_package(lingo)), its version
#                           file, the exported targets lingo::lingo and
#                           lingo::postgres, and lingo_add_dialect_plugin()
#   <libdir>/pkgconfig/     lingo.pc (the core) and lingo-postgres.pc
#
# Every installed path is relative to the install prefix, so the tree can be
# moved after installing (the CMake files find it from their own location,
# the .pc files from ${pcfiledir}).
include(CMakePackageConfigHelpers)

set(LINGO_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/lingo)
set(LINGO_PLUGIN_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/${LINGO_PLUGIN_SUBDIR})

install(EXPORT lingoTargets NAMESPACE lingo:: FILE lingoTargets.cmake DESTINATION ${LINGO_CMAKE_INSTALL_DIR}
        COMPONENT dev)
# A file of its own: only loaded when libpq's development files are present, so
# that programs using just the core need no libpq-dev.
install(EXPORT lingo-postgres-targets NAMESPACE lingo:: FILE lingoPostgresTargets.cmake
        DESTINATION ${LINGO_CMAKE_INSTALL_DIR} COMPONENT postgres_dev)

# A sanitized core makes every consumer link the sanitizer runtimes; the
# package says so, and passes the flags on (see lingoConfig.cmake.in).
if(LINGO_SANITIZE)
  set(LINGO_PACKAGE_SANITIZE ON)
else()
  set(LINGO_PACKAGE_SANITIZE OFF)
endif()
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/lingoConfig.cmake.in
  ${PROJECT_BINARY_DIR}/package/lingoConfig.cmake
  INSTALL_DESTINATION ${LINGO_CMAKE_INSTALL_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_LIBDIR LINGO_PLUGIN_INSTALL_DIR)
# Same rule as the plugin handshake: a plugin accepts any core of its major version.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/lingoConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/package/lingoConfig.cmake
  ${PROJECT_BINARY_DIR}/package/lingoConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/LingoDialectPlugin.cmake
  DESTINATION ${LINGO_CMAKE_INSTALL_DIR} COMPONENT dev)

# pkg-config. The prefix is found from the .pc file's own folder.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(LINGO_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH LINGO_PC_UP "/root/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/root")
  string(REGEX REPLACE "/$" "" LINGO_PC_UP "${LINGO_PC_UP}")
  set(LINGO_PC_PREFIX "\${pcfiledir}/${LINGO_PC_UP}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(LINGO_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(LINGO_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(LINGO_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  set(LINGO_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
set(LINGO_PC_SANITIZE_CFLAGS "")
set(LINGO_PC_SANITIZE_LIBS "")
if(LINGO_SANITIZE)
  list(JOIN LINGO_SANITIZE_COMPILE_OPTIONS " " LINGO_PC_SANITIZE_CFLAGS)
  list(JOIN LINGO_SANITIZE_LINK_OPTIONS " " LINGO_PC_SANITIZE_LIBS)
  string(PREPEND LINGO_PC_SANITIZE_CFLAGS " ")
  string(PREPEND LINGO_PC_SANITIZE_LIBS " ")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/lingo.pc.in ${PROJECT_BINARY_DIR}/package/lingo.pc @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/cmake/lingo-postgres.pc.in
               ${PROJECT_BINARY_DIR}/package/lingo-postgres.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/package/lingo.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)
install(FILES ${PROJECT_BINARY_DIR}/package/lingo-postgres.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
        COMPONENT postgres_dev)

# Debian packages: `cpack -G DEB` in the build folder writes one .deb per
# install component into <build>/packages. Library dependencies come from
# dpkg-shlibdeps (libpq5, libsqlite3-0, libboost-json1.81.0, ...); those
# between Lingo's own packages are exact versions of each other.
#
#   liblingo<ABI>          the core library (the package name carries the SONAME's version)
#   liblingo-dev           headers, liblingo.so, the CMake package and lingo.pc
#   lingo-plugin-sqlite    the dialect plugins, each on its own
#   lingo-plugin-postgres
#   lingo-plugin-cockroachdb
#   liblingo-postgres-dev  the postgres plugin's headers, CMake targets and .pc, for derived dialects
#   lingo-cli              the `lingo` command
set(CPACK_PACKAGE_NAME lingo)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The Lingo developers")
set(CPACK_PACKAGE_CONTACT "The Lingo developers <lingo-dev@lists.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Built with -g for the ABI check; the packages carry stripped binaries.
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Where dpkg-shlibdeps finds liblingo.so.<ABI> and liblingo-postgres.so.<ABI>
# while packaging the plugins and the CLI (each package is staged apart); the
# dependencies on Lingo's own packages are the exact ones set below.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR}/lib ${LINGO_PLUGIN_BUILD_DIR})
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_COMPONENTS_ALL runtime dev sqlite postgres cockroachdb postgres_dev cli)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME liblingo${LINGO_SOVERSION})
# shlibs files, so that dpkg-shlibdeps gives a program (or a derived dialect)
# packaged against liblingo.so.<ABI> (liblingo-postgres.so.<ABI>) its
# dependency on this package (on lingo-plugin-postgres).
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION "Lingo, a C++20 database framework: the core library
 The dialect-neutral core: models, the query builder, transactions and
 sessions. Dialects are plugins loaded at run time by the URI's scheme.")
# A program on the default sqlite:// URI wants the SQLite plugin.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "lingo-plugin-sqlite (= ${PROJECT_VERSION})")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME liblingo-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_DEV_DESCRIPTION "Lingo, a C++20 database framework: development files
 Headers, the CMake package (find_package(lingo)) and lingo.pc.")
set(CPACK_COMPONENT_DEV_DEPENDS runtime)
# lingo/value.h includes Boost.JSON, and lingoConfig.cmake finds it.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libboost-json1.81-dev")
set(CPACK_DEBIAN_DEV_PACKAGE_SUGGESTS "pkg-config, cmake")

foreach(plugin sqlite postgres cockroachdb)
  string(TOUPPER ${plugin} P)
  set(CPACK_DEBIAN_${P}_PACKAGE_NAME lingo-plugin-${plugin})
endforeach()
set(CPACK_COMPONENT_SQLITE_DESCRIPTION "Lingo's SQLite dialect plugin")
set(CPACK_COMPONENT_SQLITE_DEPENDS runtime)
set(CPACK_COMPONENT_POSTGRES_DESCRIPTION "Lingo's PostgreSQL dialect plugin (libpq)")
set(CPACK_COMPONENT_POSTGRES_DEPENDS runtime)
set(CPACK_COMPONENT_COCKROACHDB_DESCRIPTION "Lingo's CockroachDB dialect plugin
 CockroachDB specializes the PostgreSQL dialect, whose plugin it loads.")
set(CPACK_COMPONENT_COCKROACHDB_DEPENDS postgres)

set(CPACK_DEBIAN_POSTGRES_DEV_PACKAGE_NAME liblingo-postgres-dev)
set(CPACK_DEBIAN_POSTGRES_DEV_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_POSTGRES_DEV_DESCRIPTION "Lingo's PostgreSQL plugin: development files
 Headers, CMake targets (lingo::postgres) and lingo-postgres.pc, for dialects
 that derive from the PostgreSQL one.")
set(CPACK_COMPONENT_POSTGRES_DEV_DEPENDS dev postgres)
set(CPACK_DEBIAN_POSTGRES_DEV_PACKAGE_DEPENDS "libpq-dev")

set(CPACK_DEBIAN_CLI_PACKAGE_NAME lingo-cli)
set(CPACK_DEBIAN_CLI_PACKAGE_SECTION database)
set(CPACK_COMPONENT_CLI_DESCRIPTION "The lingo command: queries, schema code generation and migrations")
set(CPACK_COMPONENT_CLI_DEPENDS runtime)
set(CPACK_DEBIAN_CLI_PACKAGE_RECOMMENDS
    "lingo-plugin-sqlite (= ${PROJECT_VERSION}), lingo-plugin-postgres (= ${PROJECT_VERSION})")

include(CPack)
