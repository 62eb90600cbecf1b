# NOVA_SIDECAR_BUILD: the build for the container image and the sidecar, where the agent runs
# once per pod and every resident page is paid per pod. The default (OFF) stays the ordinary
# dynamic build that distributions package.
#
# What it changes, and why:
# - link-time optimisation and section garbage collection (-ffunction-sections
#   -fdata-sections, --gc-sections): the code the agent never calls leaves the binary, and the
#   code it does call ends up closer together, so fewer pages fault in;
# - static libstdc++ and libgcc, and the archives Debian ships for yaml-cpp, RE2 and Boost
#   (JSON, URL, container); spdlog and fmt header-only: each shared library costs its own
#   mappings, relocations and symbol tables, which the kernel faults in 64 KiB at a time,
#   even where the agent calls a handful of its functions;
# - libcurl, OpenSSL, prometheus-cpp and date-tz stay shared: Debian has no archive for
#   prometheus-cpp or date-tz, and libcurl.a needs MIT Kerberos (libgssapi_krb5, libkrb5,
#   libk5crypto: libkrb5-dev ships none) and, through librtmp's and libldap's GnuTLS,
#   p11-kit (none either); libcurl.so in turn needs OpenSSL's shared libcrypto
#   (bench/README.md, "sidecar").
#
# Include it before the project's find_package() calls: it defines the yaml-cpp,
# spdlog::spdlog and PkgConfig::RE2 targets itself, which the project then does not look up.
option(NOVA_SIDECAR_BUILD
  "Sidecar build: LTO, section GC, static libstdc++/yaml-cpp/RE2/Boost, header-only spdlog" OFF)
if(NOT NOVA_SIDECAR_BUILD)
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  message(FATAL_ERROR "NOVA_SIDECAR_BUILD: GCC only (its LTO and -static-libstdc++)")
endif()

include(CheckIPOSupported)
check_ipo_supported(RESULT nova_ipo OUTPUT nova_ipo_error LANGUAGES CXX)
if(NOT nova_ipo)
  message(FATAL_ERROR "NOVA_SIDECAR_BUILD: no link-time optimisation: ${nova_ipo_error}")
endif()
# -flto=auto: the LTO link runs as many jobs as make or ninja grants it.
set(CMAKE_INTERPROCEDURAL_OPTIMIZATION ON)
add_compile_options(-ffunction-sections -fdata-sections)
add_link_options(-Wl,--gc-sections -Wl,-O1 -Wl,--as-needed -static-libstdc++ -static-libgcc)

set(Boost_USE_STATIC_LIBS ON)

# RE2 through pkg-config, its archive first. Only here: everywhere else (libcurl above all,
# whose archive needs protocol libraries that have none) the shared library stays first.
find_package(PkgConfig REQUIRED)
set(nova_suffixes ${CMAKE_FIND_LIBRARY_SUFFIXES})
set(CMAKE_FIND_LIBRARY_SUFFIXES .a .so)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
set(CMAKE_FIND_LIBRARY_SUFFIXES ${nova_suffixes})

find_library(NOVA_YAML_CPP_ARCHIVE libyaml-cpp.a REQUIRED)
add_library(yaml-cpp STATIC IMPORTED GLOBAL)
set_target_properties(yaml-cpp PROPERTIES IMPORTED_LOCATION "${NOVA_YAML_CPP_ARCHIVE}")

# spdlog as Debian's spdlog::spdlog_header_only, over fmt's header-only mode; the names the
# modules link stay the same.
find_package(Threads REQUIRED)
add_library(spdlog::spdlog INTERFACE IMPORTED GLOBAL)
set_target_properties(spdlog::spdlog PROPERTIES
  INTERFACE_COMPILE_DEFINITIONS "SPDLOG_FMT_EXTERNAL;FMT_HEADER_ONLY=1"
  INTERFACE_LINK_LIBRARIES Threads::Threads)
add_library(spdlog::spdlog_header_only ALIAS spdlog::spdlog)
message(STATUS "sidecar build: LTO, --gc-sections, static libstdc++, yaml-cpp, RE2 and Boost, "
               "header-only spdlog and fmt")
