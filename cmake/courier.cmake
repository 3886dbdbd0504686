# courier.cmake — the build's vocabulary for rv32 images and their tests.
#
#   courier_user_program(NAME SOURCES ... [PRIORITY PRIO[:MAX]] [IRQ LINE ...])
#                                                  a user ELF linked against libcourier. PRIORITY
#                                                  and IRQ are the program's defaults in every
#                                                  image that has it: its first thread's priority
#                                                  and ceiling (MAX, default PRIO), and the
#                                                  interrupt lines it may claim (abi/boot_archive.h)
#   courier_image(NAME PROGRAMS ... [SOURCES ...] [RESERVE PROGRAM=SID ...]
#                 [PRIORITY PROGRAM=PRIO[:MAX] ...] [IRQ PROGRAM=LINE[,LINE...] ...]
#                 [CHECKED] [SPAWN] [CYCLES MILLIONS])
#                                                  a bootable kernel image: the kernel, any extra
#                                                  kernel-side sources, and a boot archive of the
#                                                  named user programs (first one starts first),
#                                                  then the log server (services/log), which owns
#                                                  the console: every image has it, and the log's
#                                                  SID is reserved for it. RESERVE reserves more
#                                                  SIDs, each for one of the programs (SID syntax:
#                                                  scripts/lib/mkarchive.py; abi/boot_archive.h).
#                                                  PRIORITY and IRQ set a program's priorities
#                                                  and lines in this image, in place of its
#                                                  defaults (courier_user_program); a program with
#                                                  neither runs at abi::kDefaultPriority, ceiling
#                                                  the same, and may claim no line. Lines by
#                                                  name: COURIER_UART_IRQ, COURIER_RTC_IRQ (read
#                                                  from services/board.h). CHECKED: the
#                                                  debug kernel that runs check_invariants() at
#                                                  the end of every kernel entry. SPAWN: the
#                                                  kernel keeps the boot archive and the first
#                                                  program may spawn its programs again
#                                                  (kernel/core/spawn.cc). CYCLES: its cycle
#                                                  budget on the simulators, in millions
#                                                  (scripts/run-image, scripts/bench)
#   courier_target_test(NAME IMAGE [EXPECT re...] [REJECT re...] [EXIT code] [TIMEOUT s] [SIM_SLOW]
#                       [CHECKED] [DEPLOYED] [RX file])
#                                                  two CTests that run the image on QEMU
#                                                  (qemu/NAME) and on Courier's RTL core under
#                                                  Verilator (sim/NAME, when sim/ is present);
#                                                  on the betrusted platform one, on the model
#                                                  of the Precursor's SoC (betrusted-sim/NAME),
#                                                  each checking console and exit status; SIM_SLOW
#                                                  puts the sim twin under the sim-slow label;
#                                                  CHECKED adds invariants/NAME: the same image on
#                                                  the checked kernel, on QEMU, same checks;
#                                                  DEPLOYED adds betrusted-sim/deployed/NAME:
#                                                  scripts/deploy signs the image and the model
#                                                  boots that file (betrusted platform only).
#                                                  RX: bytes typed into the keyboard device
#                                                  (run-image --rx: virt's console UART).
#                                                  In a qemu-virt tree built with C (COURIER_ISA
#                                                  rv32imac, preset qemu-rvc) the names are
#                                                  qemu-rvc/NAME (QEMU with c=true) and
#                                                  sim-rvc/NAME (the core built with C), and no
#                                                  invariants/ twin (the checked kernel's logic
#                                                  does not depend on the ISA)
#
# Running an image is scripts/run-image's job (the one place that knows QEMU's command line).

set(COURIER_SCRIPTS ${CMAKE_SOURCE_DIR}/scripts)
# Test-name prefixes of this tree's platforms: a qemu-virt tree built with the C extension runs
# the same tests under qemu-rvc/ and sim-rvc/, so one ctest run holds both trees.
if(COURIER_ISA STREQUAL "rv32imac" AND COURIER_PLATFORM STREQUAL "qemu-virt")
  set(COURIER_RVC_TREE ON)
  set(COURIER_QEMU_TESTS qemu-rvc)
  set(COURIER_SIM_TESTS sim-rvc)
else()
  set(COURIER_RVC_TREE OFF)
  set(COURIER_QEMU_TESTS qemu)
  set(COURIER_SIM_TESTS sim)
endif()
set(COURIER_USER_LD ${CMAKE_SOURCE_DIR}/ipc/user/user.ld)
# The log server's well-known SID (abi/log.h kLogSid: "courier.log" zero-padded; the packer's
# tests check that the two agree).
set(COURIER_LOG_SID "text:courier.log")
# The console input's name (abi/log.h kConsoleInputSid): an image that uses console input
# reserves it for its keyboard driver.
set(COURIER_CONSOLE_INPUT_SID "text:courier.keyboard")
# The board's interrupt lines, read from the header the drivers claim them with
# (services/board/<COURIER_PLATFORM>/courier/services/board.h; qemu-virt's is the sim SoC's
# too), so an image grants exactly the line its driver asks for: COURIER_UART_IRQ and
# COURIER_RTC_IRQ.
# And abi::kServicePriority and kDefaultPriority (abi/syscall.h): the log server's and the
# drivers' default, and everyone else's.
function(courier_header_constant out header name)
  file(STRINGS ${CMAKE_SOURCE_DIR}/${header} found REGEX "constexpr uint32_t ${name} = ")
  if(NOT found MATCHES "${name} = ([0-9]+)")
    message(FATAL_ERROR "${header}: no 'constexpr uint32_t ${name} = <number>;'")
  endif()
  set(${out} ${CMAKE_MATCH_1} PARENT_SCOPE)
endfunction()
courier_header_constant(COURIER_UART_IRQ services/board/${COURIER_PLATFORM}/courier/services/board.h kUartIrq)
courier_header_constant(COURIER_RTC_IRQ services/board/${COURIER_PLATFORM}/courier/services/board.h kRtcIrq)
courier_header_constant(COURIER_SERVICE_PRIORITY ipc/include/courier/abi/syscall.h
                        kServicePriority)
courier_header_constant(COURIER_DEFAULT_PRIORITY ipc/include/courier/abi/syscall.h
                        kDefaultPriority)
# Boot entropy (abi/boot_archive.h): empty, every archive packed gets 256 fresh bits from the
# build host's /dev/urandom; 64 hex digits, every image's seed is derived from them and its
# name, so the images' bytes are reproducible. The environment variable gives the default.
set(COURIER_BOOT_SEED "$ENV{COURIER_BOOT_SEED}" CACHE STRING
    "64 hex digits for reproducible boot seeds; empty: fresh from /dev/urandom per archive")

function(courier_user_program name)
  cmake_parse_arguments(ARG "" "PRIORITY" "SOURCES;IRQ" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  if(DEFINED ARG_PRIORITY)
    set_target_properties(${name} PROPERTIES COURIER_DEFAULT_PRIORITY ${ARG_PRIORITY})
  endif()
  if(ARG_IRQ)
    list(JOIN ARG_IRQ "," lines)
    set_target_properties(${name} PROPERTIES COURIER_DEFAULT_IRQ ${lines})
  endif()
  set_target_properties(${name} PROPERTIES SUFFIX ".elf" LINK_DEPENDS ${COURIER_USER_LD})
  target_link_libraries(${name} PRIVATE courier_user)
  target_link_options(${name} PRIVATE -T ${COURIER_USER_LD})
endfunction()

function(courier_image name)
  cmake_parse_arguments(ARG "CHECKED;SPAWN" "CYCLES" "PROGRAMS;SOURCES;RESERVE;PRIORITY;IRQ"
                        ${ARGN})
  if(DEFINED ARG_CYCLES)
    # The image's cycle budget on the simulators, in millions, in a section that is not loaded
    # (.courier.budget): scripts/run-image and scripts/bench pass it as courier-sim
    # --max-cycles, so a run is cut by simulated time, the same on every host.
    if(NOT ARG_CYCLES MATCHES "^[1-9][0-9]*$")
      message(FATAL_ERROR "courier_image(${name} CYCLES ${ARG_CYCLES}): millions of cycles")
    endif()
    set(budget_asm ${CMAKE_CURRENT_BINARY_DIR}/${name}.budget.S)
    file(CONFIGURE OUTPUT ${budget_asm} CONTENT
         "  .section .courier.budget, \"R\", @progbits\n  .asciz \"cycles=${ARG_CYCLES}000000\"\n")
    list(APPEND ARG_SOURCES ${budget_asm})
  endif()
  if(ARG_SPAWN)
    # The kernel keeps the boot archive, and init may spawn its processes (core/spawn.cc).
    list(APPEND ARG_SOURCES ${CMAKE_SOURCE_DIR}/kernel/dispatch/keep_archive.cc)
  endif()
  set(kernel courier_kernel)
  if(ARG_CHECKED)
    set(kernel courier_kernel_checked)
  endif()
  set(bin ${CMAKE_CURRENT_BINARY_DIR}/${name}.archive.bin)
  set(asm ${CMAKE_CURRENT_BINARY_DIR}/${name}.archive.S)
  set(specs "")
  set(deps "")
  foreach(prog ${ARG_PROGRAMS} log)
    list(APPEND specs "${prog}=$<TARGET_FILE:${prog}>")
    list(APPEND deps ${prog})
  endforeach()
  set(options --reserve "log=${COURIER_LOG_SID}")
  foreach(reservation ${ARG_RESERVE})
    list(APPEND options --reserve "${reservation}")
  endforeach()
  # Priorities and lines: the image's own for a program, else the program's defaults.
  foreach(kind PRIORITY IRQ)
    foreach(spec ${ARG_${kind}})
      string(REPLACE "=" ";" parts "${spec}")
      list(GET parts 0 prog)
      if(NOT prog IN_LIST ARG_PROGRAMS AND NOT prog STREQUAL "log")
        message(FATAL_ERROR
                "courier_image(${name} ${kind} ${spec}): ${prog} is not one of its programs")
      endif()
      set(image_${kind}_${prog} "${spec}")
    endforeach()
  endforeach()
  foreach(prog ${ARG_PROGRAMS} log)
    foreach(kind PRIORITY IRQ)
      string(TOLOWER ${kind} flag)
      if(DEFINED image_${kind}_${prog})
        list(APPEND options --${flag} "${image_${kind}_${prog}}")
      else()
        get_target_property(value ${prog} COURIER_DEFAULT_${kind})
        if(value)
          list(APPEND options --${flag} "${prog}=${value}")
        endif()
      endif()
    endforeach()
    unset(image_PRIORITY_${prog})
    unset(image_IRQ_${prog})
  endforeach()
  if(NOT COURIER_BOOT_SEED STREQUAL "")
    list(APPEND options --seed ${COURIER_BOOT_SEED} --label ${name})
  endif()
  add_custom_command(
    OUTPUT ${bin} ${asm}
    COMMAND ${Python3_EXECUTABLE} ${COURIER_SCRIPTS}/lib/mkarchive.py --bin ${bin} --asm ${asm}
            ${options} ${specs}
    DEPENDS ${deps} ${COURIER_SCRIPTS}/lib/mkarchive.py
    COMMENT "Packing boot archive for ${name}")
  set_source_files_properties(${asm} PROPERTIES OBJECT_DEPENDS ${bin})
  add_executable(${name} ${asm} ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES SUFFIX ".elf" LINK_DEPENDS ${COURIER_KERNEL_LD})
  target_link_libraries(${name} PRIVATE ${kernel})
  # kernel.ld INCLUDEs the layout fragments (kernel/CMakeLists.txt, COURIER_LAYOUT_SEED).
  target_link_options(${name} PRIVATE -T ${COURIER_KERNEL_LD} -L${COURIER_LAYOUT_DIR})
  add_dependencies(${name} courier_layout)
  set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS
               ${COURIER_LAYOUT_DIR}/layout_hot.ld ${COURIER_LAYOUT_DIR}/layout_text.ld)
  # Kept so courier_target_test(... CHECKED) can build the same image on the checked kernel.
  set_target_properties(${name} PROPERTIES COURIER_PROGRAMS "${ARG_PROGRAMS}"
                                           COURIER_SOURCES "${ARG_SOURCES}"
                                           COURIER_RESERVE "${ARG_RESERVE}"
                                           COURIER_PRIORITY "${ARG_PRIORITY}"
                                           COURIER_IRQ "${ARG_IRQ}")
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
  cmake_parse_arguments(ARG "SIM_SLOW;CHECKED;DEPLOYED" "IMAGE;EXIT;TIMEOUT;RX" "EXPECT;REJECT"
                        ${ARGN})
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
  if(DEFINED ARG_RX)
    list(APPEND checks --rx ${ARG_RX})  # typed into the keyboard device (run-image --rx)
  endif()
  if(COURIER_PLATFORM STREQUAL "betrusted")
    # The Precursor's images run on Courier's model of its SoC (build/sim-betrusted): QEMU has
    # no such machine. SRAM is slower than the virt model's RAM: six times the QEMU time.
    math(EXPR bt_timeout "${ARG_TIMEOUT} * 6")
    math(EXPR bt_backstop "${bt_timeout} + 15")
    add_test(NAME betrusted-sim/${name}
             COMMAND ${COURIER_SCRIPTS}/run-image --platform betrusted-sim --timeout ${bt_timeout}
                     ${checks} $<TARGET_FILE:${ARG_IMAGE}>)
    set(labels "target;betrusted-sim")
    if(ARG_SIM_SLOW)
      set(labels "target;betrusted-sim;sim-slow")
    endif()
    set_tests_properties(betrusted-sim/${name} PROPERTIES LABELS "${labels}" TIMEOUT ${bt_backstop})
    if(ARG_DEPLOYED)
      # The round trip: scripts/deploy signs this image into a temporary folder and the model
      # boots that image.bin from the loader slot, with the same checks.
      add_test(NAME betrusted-sim/deployed/${name}
               COMMAND ${Python3_EXECUTABLE} ${COURIER_SCRIPTS}/lib/tests/deploy_round_trip.py
                       --build ${CMAKE_BINARY_DIR} --config ${COURIER_CONFIG} --image ${ARG_IMAGE}
                       --elf $<TARGET_FILE:${ARG_IMAGE}> --objcopy ${CMAKE_OBJCOPY}
                       -- --timeout ${bt_timeout} ${checks})
      set_tests_properties(betrusted-sim/deployed/${name} PROPERTIES
                           LABELS "target;betrusted-sim;deploy" TIMEOUT ${bt_backstop})
    endif()
    return()
  endif()
  add_test(NAME ${COURIER_QEMU_TESTS}/${name}
           COMMAND ${COURIER_SCRIPTS}/run-image --platform qemu --timeout ${ARG_TIMEOUT} ${checks}
                   $<TARGET_FILE:${ARG_IMAGE}>)
  # CTest's own timeout is a backstop above run-image's.
  math(EXPR backstop "${ARG_TIMEOUT} + 15")
  set_tests_properties(${COURIER_QEMU_TESTS}/${name} PROPERTIES LABELS "target;qemu"
                       TIMEOUT ${backstop})
  if(ARG_CHECKED AND NOT COURIER_RVC_TREE)
    # The checked kernel walks every page table at every kernel entry: QEMU only, more time.
    get_target_property(progs ${ARG_IMAGE} COURIER_PROGRAMS)
    get_target_property(srcs ${ARG_IMAGE} COURIER_SOURCES)
    get_target_property(reserve ${ARG_IMAGE} COURIER_RESERVE)
    get_target_property(priority ${ARG_IMAGE} COURIER_PRIORITY)
    get_target_property(irq ${ARG_IMAGE} COURIER_IRQ)
    if(NOT TARGET ${ARG_IMAGE}_checked)
      courier_image(${ARG_IMAGE}_checked PROGRAMS ${progs} SOURCES ${srcs} RESERVE ${reserve}
                    PRIORITY ${priority} IRQ ${irq} CHECKED)
    endif()
    math(EXPR checked_timeout "${ARG_TIMEOUT} * 3")
    add_test(NAME invariants/${name}
             COMMAND ${COURIER_SCRIPTS}/run-image --platform qemu --timeout ${checked_timeout}
                     ${checks} $<TARGET_FILE:${ARG_IMAGE}_checked>)
    set_tests_properties(invariants/${name} PROPERTIES LABELS "target;qemu;invariants"
                         TIMEOUT ${checked_timeout})
  endif()
  if(EXISTS ${CMAKE_SOURCE_DIR}/sim/CMakeLists.txt)
    # The simulator runs a few million cycles per second: give it four times as long.
    math(EXPR sim_timeout "${ARG_TIMEOUT} * 4")
    math(EXPR sim_backstop "${sim_timeout} + 15")
    add_test(NAME ${COURIER_SIM_TESTS}/${name}
             COMMAND ${COURIER_SCRIPTS}/run-image --platform sim --timeout ${sim_timeout} ${checks}
                     $<TARGET_FILE:${ARG_IMAGE}>)
    set(labels "target;sim")
    if(ARG_SIM_SLOW)
      set(labels "target;sim;sim-slow")
    endif()
    set_tests_properties(${COURIER_SIM_TESTS}/${name} PROPERTIES LABELS "${labels}"
                         TIMEOUT ${sim_backstop})
  endif()
endfunction()
