# courier.cmake — the build's vocabulary for rv32 images and their tests.
#
#   courier_user_program(NAME SOURCES ...)        a user ELF linked against libcourier
#   courier_image(NAME PROGRAMS ... [SOURCES ...]) a bootable kernel image: the kernel, any extra
#                                                  kernel-side sources, and a boot archive of the
#                                                  named user programs (first one starts first),
#                                                  then the log server (services/log), which owns
#                                                  the console: every image has it
#   courier_target_test(NAME IMAGE [EXPECT re...] [REJECT re...] [EXIT code] [TIMEOUT s] [SIM_SLOW])
#                                                  two CTests that run the image on QEMU
#                                                  (qemu/NAME) and on Courier's RTL core under
#                                                  Verilator (sim/NAME, when sim/ is present),
#                                                  each checking console and exit status; SIM_SLOW
#                                                  puts the sim twin under the sim-slow label
#
# Running an image is scripts/run-image's job (the one place that knows QEMU's command line).

set(COURIER_SCRIPTS ${CMAKE_SOURCE_DIR}/scripts)
set(COURIER_USER_LD ${CMAKE_SOURCE_DIR}/ipc/user/user.ld)

function(courier_user_program name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES SUFFIX ".elf" LINK_DEPENDS ${COURIER_USER_LD})
  target_link_libraries(${name} PRIVATE courier_user)
  target_link_options(${name} PRIVATE -T ${COURIER_USER_LD})
endfunction()

function(courier_image name)
  cmake_parse_arguments(ARG "" "" "PROGRAMS;SOURCES" ${ARGN})
  set(bin ${CMAKE_CURRENT_BINARY_DIR}/${name}.archive.bin)
  set(asm ${CMAKE_CURRENT_BINARY_DIR}/${name}.archive.S)
  set(specs "")
  set(deps "")
  foreach(prog ${ARG_PROGRAMS} log)
    list(APPEND specs "${prog}=$<TARGET_FILE:${prog}>")
    list(APPEND deps ${prog})
  endforeach()
  add_custom_command(
    OUTPUT ${bin} ${asm}
    COMMAND ${Python3_EXECUTABLE} ${COURIER_SCRIPTS}/lib/mkarchive.py --bin ${bin} --asm ${asm} ${specs}
    DEPENDS ${deps} ${COURIER_SCRIPTS}/lib/mkarchive.py
    COMMENT "Packing boot archive for ${name}")
  set_source_files_properties(${asm} PROPERTIES OBJECT_DEPENDS ${bin})
  add_executable(${name} ${asm} ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES SUFFIX ".elf" LINK_DEPENDS ${COURIER_KERNEL_LD})
  target_link_libraries(${name} PRIVATE courier_kernel)
  target_link_options(${name} PRIVATE -T ${COURIER_KERNEL_LD})
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND ${Python3_EXECUTABLE} ${COURIER_SCRIPTS}/lib/kernel_size.py --size ${CMAKE_SIZE}
            --config ${COURIER_CONFIG} $<TARGET_FILE:${name}>
    VERBATIM)
endfunction()

function(courier_target_test name)
  # Target tests exercise every path, so they belong to the `full` configuration; the other
  # configurations are built for their size and their benchmarks.
  if(NOT COURIER_CONFIG STREQUAL "full")
    return()
  endif()
  cmake_parse_arguments(ARG "SIM_SLOW" "IMAGE;EXIT;TIMEOUT" "EXPECT;REJECT" ${ARGN})
  if(NOT DEFINED ARG_EXIT)
    set(ARG_EXIT 0)
  endif()
  if(NOT DEFINED ARG_TIMEOUT)
    set(ARG_TIMEOUT 30)
  endif()
  set(checks --expect-exit ${ARG_EXIT})
  foreach(re ${ARG_EXPECT})
    list(APPEND checks --expect ${re})
  endforeach()
  foreach(re ${ARG_REJECT})
    list(APPEND checks --reject ${re})
  endforeach()
  add_test(NAME qemu/${name}
           COMMAND ${COURIER_SCRIPTS}/run-image --platform qemu --timeout ${ARG_TIMEOUT} ${checks}
                   $<TARGET_FILE:${ARG_IMAGE}>)
  # CTest's own timeout is a backstop above run-image's.
  math(EXPR backstop "${ARG_TIMEOUT} + 15")
  set_tests_properties(qemu/${name} PROPERTIES LABELS "target;qemu" TIMEOUT ${backstop})
  if(EXISTS ${CMAKE_SOURCE_DIR}/sim/CMakeLists.txt)
    # The simulator runs a few million cycles per second: give it four times as long.
    math(EXPR sim_timeout "${ARG_TIMEOUT} * 4")
    math(EXPR sim_backstop "${sim_timeout} + 15")
    add_test(NAME sim/${name}
             COMMAND ${COURIER_SCRIPTS}/run-image --platform sim --timeout ${sim_timeout} ${checks}
                     $<TARGET_FILE:${ARG_IMAGE}>)
    set(labels "target;sim")
    if(ARG_SIM_SLOW)
      set(labels "target;sim;sim-slow")
    endif()
    set_tests_properties(sim/${name} PROPERTIES LABELS "${labels}" TIMEOUT ${sim_backstop})
  endif()
endfunction()
