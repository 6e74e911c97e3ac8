# Warnings every Lingo target compiles with.
add_library(lingo_warnings INTERFACE)
target_compile_options(lingo_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                -Wnon-virtual-dtor -Wold-style-cast)
if(LINGO_WERROR)
  target_compile_options(lingo_warnings INTERFACE -Werror)
endif()
