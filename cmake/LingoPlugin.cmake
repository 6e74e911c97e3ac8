# lingo_add_plugin(NAME [EXPORTED] SOURCES...) builds liblingo-<NAME>.so into
# the plugin folder beside the core library, where the core's loader looks for it.
# Only the entry point and what the plugin marks for export are visible.
#
# EXPORTED puts the plugin in the installed CMake package as lingo::<NAME>, for
# dialects that derive from it (cmake/LingoPackage.cmake installs the export
# set lingo-<NAME>-targets). Its interface carries lingo::lingo, since its
# headers include the core's.
function(lingo_add_plugin name)
  cmake_parse_arguments(P "EXPORTED" "" "" ${ARGN})
  set(target lingo-${name})
  add_library(${target} SHARED ${P_UNPARSED_ARGUMENTS})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME lingo-${name}
    PREFIX lib
    LIBRARY_OUTPUT_DIRECTORY ${LINGO_PLUGIN_BUILD_DIR}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    INSTALL_RPATH "$ORIGIN:$ORIGIN/../..")
  target_link_libraries(${target} PUBLIC lingo::lingo PRIVATE lingo_warnings)
  if(P_EXPORTED)
    # Other libraries link it, so it has a SONAME, versioned like liblingo's
    # (liblingo-<NAME>.so.<ABI>); the loader still finds it by the plain .so.
    set_target_properties(${target} PROPERTIES EXPORT_NAME ${name} VERSION ${LINGO_LIBRARY_VERSION}
                                               SOVERSION ${LINGO_SOVERSION})
    add_library(lingo::${name} ALIAS ${target})
    # The plain .so link is what the loader looks for, so it goes with the
    # plugin's package, not with the development files.
    install(TARGETS ${target} EXPORT lingo-${name}-targets
            LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/${LINGO_PLUGIN_SUBDIR} COMPONENT ${name}
                    NAMELINK_COMPONENT ${name})
  else()
    install(TARGETS ${target} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/${LINGO_PLUGIN_SUBDIR}
            COMPONENT ${name})
  endif()
endfunction()
