# Renders the docs of one tool from its CLI11 definitions (cmake -P script).
#   TOOL, TOOL_EXE, SRC_DIR: the tool, its binary, the source tree (holds man/<tool>.1.in)
#   OUT_DIR: where man/ and completions/ are written
#   CHECK:   when ON, compare what was written with the committed copies in SRC_DIR
foreach(var TOOL TOOL_EXE SRC_DIR OUT_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "GenerateDocs.cmake: ${var} is not set")
  endif()
endforeach()

function(run_generator kind out_var)
  execute_process(COMMAND ${TOOL_EXE} --generate ${kind} OUTPUT_VARIABLE text
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${TOOL} --generate ${kind} failed (${rc}): ${err}")
  endif()
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

set(template ${SRC_DIR}/man/${TOOL}.1.in)
if(NOT EXISTS ${template})
  message(FATAL_ERROR "missing hand-written man page template ${template}")
endif()
file(READ ${template} man_text)
run_generator(man-options options)
run_generator(man-synopsis synopsis)
string(REPLACE "@OPTIONS@\n" "${options}" man_text "${man_text}")
string(REPLACE "@SYNOPSIS@\n" "${synopsis}" man_text "${man_text}")

set(outputs
    "man/${TOOL}.1"
    "completions/bash/${TOOL}"
    "completions/zsh/_${TOOL}"
    "completions/fish/${TOOL}.fish")
run_generator(bash bash_text)
run_generator(zsh zsh_text)
run_generator(fish fish_text)
file(WRITE ${OUT_DIR}/man/${TOOL}.1 "${man_text}")
file(WRITE ${OUT_DIR}/completions/bash/${TOOL} "${bash_text}")
file(WRITE ${OUT_DIR}/completions/zsh/_${TOOL} "${zsh_text}")
file(WRITE ${OUT_DIR}/completions/fish/${TOOL}.fish "${fish_text}")

if(CHECK)
  set(stale "")
  foreach(rel IN LISTS outputs)
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT_DIR}/${rel} ${SRC_DIR}/${rel}
                    RESULT_VARIABLE differs)
    if(NOT differs EQUAL 0)
      list(APPEND stale ${rel})
    endif()
  endforeach()
  if(stale)
    message(FATAL_ERROR "generated docs are out of date: ${stale}\n"
                        "run: cmake --build <build dir> --target docs   (then commit the result)")
  endif()
endif()
