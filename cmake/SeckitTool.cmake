# seckit_add_tool(<name> SOURCES <files...> LIBS <targets...>)
#
# One call per binary: builds it, installs it with its man page and completions, and wires the
# generated docs (man OPTIONS section + bash/zsh/fish completions, all rendered from the CLI11
# definitions by the hidden `--generate` flag) into two places: the `docs` target, which rewrites
# the committed copies in the source tree, and the `docs_up_to_date_<name>` test, which fails
# when the committed copies drift from what the binary would generate.
function(seckit_add_tool name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  # All binaries land in <build>/bin so tests and the demo put one directory on PATH.
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
  install(TARGETS ${name} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

  set(src ${PROJECT_SOURCE_DIR})
  install(FILES ${src}/man/${name}.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 OPTIONAL)
  install(FILES ${src}/completions/bash/${name}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions OPTIONAL)
  install(FILES ${src}/completions/zsh/_${name}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions OPTIONAL)
  install(FILES ${src}/completions/fish/${name}.fish
          DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d OPTIONAL)

  # cmake -P must come last: -D arguments after it are not seen by the script.
  set(gen_cmd ${CMAKE_COMMAND} -DTOOL=${name} -DTOOL_EXE=$<TARGET_FILE:${name}> -DSRC_DIR=${src})
  set(gen_script -P ${src}/cmake/GenerateDocs.cmake)
  add_custom_target(docs-${name} COMMAND ${gen_cmd} -DOUT_DIR=${src} ${gen_script}
                    DEPENDS ${name} COMMENT "Regenerating man page and completions of ${name}")
  if(NOT TARGET docs)
    add_custom_target(docs)
  endif()
  add_dependencies(docs docs-${name})
  if(SECKIT_TESTS AND NOT SECKIT_FUZZ AND NOT SECKIT_SANITIZE)
    add_test(NAME docs_up_to_date_${name}
             COMMAND ${gen_cmd} -DOUT_DIR=${CMAKE_BINARY_DIR}/docs-check -DCHECK=ON ${gen_script})
  endif()
endfunction()
