# Run at build time (cmake -P): writes build_info.h with the commit the binary was built from, so
# that `distsim version`, traces and campaign results name their build even when nothing in
# CMakeLists.txt changed since the last configure. The file is rewritten only when its text changes,
# so an unchanged commit rebuilds nothing.
execute_process(
  COMMAND git -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
  OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE git_status)
if(NOT git_status EQUAL 0 OR commit STREQUAL "")
  set(commit "unknown")
else()
  execute_process(
    COMMAND git -C "${SOURCE_DIR}" status --porcelain --untracked-files=no
    OUTPUT_VARIABLE changes OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT changes STREQUAL "")
    string(APPEND commit "-modified")
  endif()
endif()
configure_file("${SOURCE_DIR}/tools/cli/build_info.h.in" "${OUTPUT}" @ONLY)
