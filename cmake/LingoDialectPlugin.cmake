# lingo_add_dialect_plugin(<name>
#                          SOURCES <file>...
#                          [DERIVES <plugin>...]          e.g. DERIVES postgres
#                          [OUTPUT_DIRECTORY <dir>]
#                          [INSTALL_DESTINATION <dir> | NO_INSTALL])
#
# Builds the dialect plugin liblingo-<name>.so from an installed Lingo (this file
# ships in the CMake package; find_package(lingo) includes it). The target is
# called lingo-<name>. What it does, and why:
#
#   - a SHARED library named liblingo-<name>.so: the loader only considers files
#     named so, and a shared library (unlike a MODULE) can in turn be derived from;
#   - hidden visibility: only the entry point that LINGO_PLUGIN defines is
#     exported, so two plugins loaded side by side cannot clash on symbols;
#   - C++20 and lingo::lingo (with its sanitizer flags when LINGO_SANITIZE is ON);
#   - DERIVES links each named plugin target (lingo::postgres: its headers,
#     liblingo-postgres.so and libpq);
#   - installed RPATH $ORIGIN:$ORIGIN/../.. (the base plugin beside it and the core
#     two levels up, as in Lingo's own tree), then Lingo's own folders, so the
#     plugin also works when installed under another prefix than Lingo's.
#
# The plugin is installed to INSTALL_DESTINATION, by default
# ${CMAKE_INSTALL_LIBDIR}/lingo/plugins of the project's own prefix. Install it
# to ${LINGO_PLUGIN_DIR} to have the installed core find it without
# LINGO_PLUGIN_PATH. In the build tree it lands in OUTPUT_DIRECTORY (by default
# the usual library output folder): point LINGO_PLUGIN_PATH there to try it.
include_guard(GLOBAL)
include(GNUInstallDirs)

# Remembered globally: the function may be called from any directory of the project.
set_property(GLOBAL PROPERTY LINGO_DIALECT_PLUGIN_RPATH "${LINGO_PLUGIN_DIR}" "${LINGO_LIBRARY_DIR}")

function(lingo_add_dialect_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 P "NO_INSTALL" "OUTPUT_DIRECTORY;INSTALL_DESTINATION" "SOURCES;DERIVES")
  if(P_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "lingo_add_dialect_plugin(${name}): unexpected arguments '${P_UNPARSED_ARGUMENTS}'; "
                        "list source files after SOURCES")
  endif()
  if(NOT P_SOURCES)
    message(FATAL_ERROR "lingo_add_dialect_plugin(${name}): no SOURCES given")
  endif()
  if(NOT name MATCHES "^[A-Za-z0-9_]+$")
    message(FATAL_ERROR "lingo_add_dialect_plugin(${name}): the name must be letters, digits and '_', "
                        "like the first argument of LINGO_PLUGIN")
  endif()

  set(target lingo-${name})
  add_library(${target} SHARED ${P_SOURCES})
  target_compile_features(${target} PRIVATE cxx_std_20)
  target_link_libraries(${target} PRIVATE lingo::lingo)
  foreach(base IN LISTS P_DERIVES)
    if(NOT TARGET lingo::${base})
      message(FATAL_ERROR "lingo_add_dialect_plugin(${name}) derives from '${base}', but this Lingo package "
                          "defines no lingo::${base}; ask for it with find_package(lingo REQUIRED COMPONENTS "
                          "${base}) to learn what is missing")
    endif()
    target_link_libraries(${target} PRIVATE lingo::${base})
  endforeach()

  get_property(lingo_rpath GLOBAL PROPERTY LINGO_DIALECT_PLUGIN_RPATH)
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME lingo-${name}
    PREFIX lib
    SUFFIX .so
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    INSTALL_RPATH "\$ORIGIN;\$ORIGIN/../..;${lingo_rpath}")
  if(P_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${P_OUTPUT_DIRECTORY})
  endif()

  if(NOT P_NO_INSTALL)
    if(NOT P_INSTALL_DESTINATION)
      set(P_INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/lingo/plugins)
    endif()
    install(TARGETS ${target} LIBRARY DESTINATION ${P_INSTALL_DESTINATION})
  endif()
endfunction()
