# lingo_add_plugin(NAME SOURCES...) builds liblingo-<NAME>.so into the plugin
# folder beside the core library, where the core's loader looks for it.
# Only the entry point is exported; everything else stays hidden.
function(lingo_add_plugin name)
  set(target lingo-${name})
  add_library(${target} SHARED ${ARGN})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME lingo-${name}
    PREFIX lib
    LIBRARY_OUTPUT_DIRECTORY ${LINGO_PLUGIN_BUILD_DIR}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    INSTALL_RPATH "$ORIGIN:$ORIGIN/../..")
  target_link_libraries(${target} PRIVATE lingo::lingo lingo_warnings)
  install(TARGETS ${target} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/${LINGO_PLUGIN_SUBDIR})
endfunction()
