# Shared build switches and target helpers, so every module is built the same way.

option(NOVA_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" ON)
option(NOVA_SANITIZE "Build with -fsanitize=address,undefined" OFF)
option(NOVA_TSAN "Build with -fsanitize=thread (not together with NOVA_SANITIZE)" OFF)
option(NOVA_BUILD_TESTS "Build the doctest suites" ON)
option(NOVA_BUILD_FUZZERS "Build libFuzzer targets (needs clang)" OFF)

# Every target of the project is built through this. -Wconversion: an implicit conversion
# that may change a value (a size into an int, a double into an integer) must be written out.
# GCC's only: clang's -Wconversion also takes in sign conversions, which the code does not
# keep apart (the clang-built fuzzers keep the other warnings).
function(nova_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic
    $<$<CXX_COMPILER_ID:GNU>:-Wconversion>)
  if(NOVA_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# RelWithDebInfo keeps line tables (backtraces, perf, sanitizer reports, addr2line) but not
# the records of local variables and types that only a debugger reads: in this template-heavy
# code those cost about a quarter of the compile time (novactl.cpp: 25.1 s at -g, 19.6 s at
# -g1). -DNOVA_DEBUG_INFO=full builds with -g again; Debug builds always have it.
set(NOVA_DEBUG_INFO "lines" CACHE STRING "Debug information of RelWithDebInfo builds: lines or full")
set_property(CACHE NOVA_DEBUG_INFO PROPERTY STRINGS lines full)
if(NOVA_DEBUG_INFO STREQUAL "lines")
  add_compile_options($<$<CONFIG:RelWithDebInfo>:-g1>)
elseif(NOT NOVA_DEBUG_INFO STREQUAL "full")
  message(FATAL_ERROR "NOVA_DEBUG_INFO is '${NOVA_DEBUG_INFO}': lines or full")
endif()

if(NOVA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(NOVA_TSAN)
  if(NOVA_SANITIZE)
    message(FATAL_ERROR "NOVA_TSAN and NOVA_SANITIZE cannot be combined")
  endif()
  # -Wno-tsan: Asio's fences (std::atomic_thread_fence) are not instrumented; GCC warns.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
  add_link_options(-fsanitize=thread)
endif()

# nova_add_library(<module> DEPS <targets...>)
# Builds agent/<module>/src/*.cpp into nova_<module> with the alias nova::<module>.
# Public headers live in agent/<module>/include/nova/<module>/.
function(nova_add_library module)
  cmake_parse_arguments(ARG "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp)
  if(NOT sources)
    # A module with headers only so far still gives dependents its include path.
    add_library(nova_${module} INTERFACE)
    add_library(nova::${module} ALIAS nova_${module})
    target_include_directories(nova_${module} INTERFACE ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(nova_${module} INTERFACE ${ARG_DEPS})
    return()
  endif()
  add_library(nova_${module} STATIC ${sources})
  add_library(nova::${module} ALIAS nova_${module})
  target_include_directories(nova_${module}
    PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(nova_${module} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  target_compile_features(nova_${module} PUBLIC cxx_std_20)
  nova_set_warnings(nova_${module})
endfunction()

# nova_add_unit_test(<module> DEPS <targets...>)
# One doctest executable per module from tests/unit/<module>/*_test.cpp, labelled "unit".
function(nova_add_unit_test module)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cpp)
  add_executable(${module}_test ${sources} ${NOVA_DOCTEST_MAIN})
  target_link_libraries(${module}_test PRIVATE ${ARG_DEPS} doctest::doctest)
  target_compile_definitions(${module}_test PRIVATE
    NOVA_SOURCE_DIR="${PROJECT_SOURCE_DIR}" NOVA_SHARED_DIR="${NOVA_SHARED_DIR}")
  nova_set_warnings(${module}_test)
  add_test(NAME unit.${module} COMMAND ${module}_test)
  set_tests_properties(unit.${module} PROPERTIES LABELS unit)
endfunction()
