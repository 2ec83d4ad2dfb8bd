# voxomics: libFuzzer targets, one per fuzz/fuzz_*.c (included by CMakeLists.txt when VX_FUZZ=ON).
#
# Configure: CC=clang cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVX_FUZZ=ON -DVX_SANITIZE=ON
# Build:     ninja -C build-fuzz fuzzers      (executables in build-fuzz/fuzz/)
# Run:       scripts/fuzz.sh [SECONDS_PER_TARGET]
#
# The library objects get coverage instrumentation (-fsanitize=fuzzer-no-link); each target links libFuzzer's
# main (-fsanitize=fuzzer) with voxomics_static. A new reader gets a target by adding fuzz/fuzz_<name>.c.
#
# SPDX-License-Identifier: GPL-3.0-or-later
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "VX_FUZZ=ON needs clang (libFuzzer): configure a fresh build folder with CC=clang")
endif()
if(NOT VX_SANITIZE)
  message(WARNING "VX_FUZZ=ON without VX_SANITIZE=ON: the fuzzers will find crashes only, not memory errors")
endif()

target_compile_options(voxomics_objects PRIVATE -fsanitize=fuzzer-no-link)

file(GLOB VX_FUZZ_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/fuzz/fuzz_*.c)
set(VX_FUZZ_TARGETS "")
foreach(src ${VX_FUZZ_SOURCES})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE voxomics_static)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
  list(APPEND VX_FUZZ_TARGETS ${name})
endforeach()
add_custom_target(fuzzers DEPENDS ${VX_FUZZ_TARGETS})
