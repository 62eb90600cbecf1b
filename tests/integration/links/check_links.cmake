# Fails when PROGRAM's needed shared libraries (its dynamic section, read without running
# it) name any of FORBIDDEN.
execute_process(COMMAND readelf --dynamic ${PROGRAM} OUTPUT_VARIABLE dynamic
                ERROR_VARIABLE errors RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "readelf --dynamic ${PROGRAM} failed (${status}): ${errors}")
endif()
foreach(name ${FORBIDDEN})
  if(dynamic MATCHES "\\(NEEDED\\)[^\n]*(${name}[^]\n]*)")
    message(FATAL_ERROR "${PROGRAM} needs ${CMAKE_MATCH_1}, which it must not load")
  endif()
endforeach()
message(STATUS "${PROGRAM} needs none of: ${FORBIDDEN}")
