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

install(EXPORT lingoTargets NAMESPACE lingo:: FILE lingoTargets.cmake DESTINATION ${LINGO_CMAKE_INSTALL_DIR})
# A file of its own: only loaded when libpq's development files are present, so
# that programs using just the core need no libpq-dev.
install(EXPORT lingo-postgres-targets NAMESPACE lingo:: FILE lingoPostgresTargets.cmake
        DESTINATION ${LINGO_CMAKE_INSTALL_DIR})

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
  DESTINATION ${LINGO_CMAKE_INSTALL_DIR})

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
install(FILES ${PROJECT_BINARY_DIR}/package/lingo.pc ${PROJECT_BINARY_DIR}/package/lingo-postgres.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
