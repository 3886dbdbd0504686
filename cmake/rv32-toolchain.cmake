# Cross toolchain for Courier's rv32 images: Debian's riscv64-unknown-elf GCC in 32-bit mode.
#
# COURIER_ISA picks the ISA: rv32ima (the default on qemu-virt) or rv32imac (the default on the
# betrusted platform: the Precursor's VexRiscv has the C extension; presets qemu-rvc and the
# betrusted ones set it). -misa-spec=2.2: ISA spec 2.2 still counts Zicsr/Zifencei as part of
# "i", so CSR instructions assemble without naming them, and GCC picks the multilib by the
# letters: rv32ima selects rv32ia/ilp32 (Debian's GCC 12 has no rv32ima multilib; libgcc's
# routines then use no M or C instructions), rv32imac selects rv32imac/ilp32 (libgcc compiled
# with C). Naming rv32ima_zicsr would select the rv32i multilib's libgcc instead. QEMU runs an
# image whose ELF flags say RVC with c=true, others with c=false (scripts/lib/runner.py).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)

set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_CXX_COMPILER riscv64-unknown-elf-g++)
set(CMAKE_ASM_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_OBJCOPY riscv64-unknown-elf-objcopy CACHE FILEPATH "")
set(CMAKE_SIZE riscv64-unknown-elf-size CACHE FILEPATH "")

# Nothing can be linked without our own crt0 and linker script.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

if(NOT COURIER_ISA)
  if(COURIER_PLATFORM STREQUAL "betrusted")
    set(COURIER_ISA rv32imac)
  else()
    set(COURIER_ISA rv32ima)
  endif()
endif()
if(NOT COURIER_ISA MATCHES "^rv32imac?$")
  message(FATAL_ERROR "COURIER_ISA must be rv32ima or rv32imac, not '${COURIER_ISA}'")
endif()
set(COURIER_ISA ${COURIER_ISA} CACHE STRING "rv32 ISA of every image: rv32ima or rv32imac")
set(COURIER_RV32_ARCH "-march=${COURIER_ISA} -misa-spec=2.2 -mabi=ilp32 -mcmodel=medany")
set(CMAKE_C_FLAGS_INIT "${COURIER_RV32_ARCH} -ffreestanding -nostdlib -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT
    "${COURIER_RV32_ARCH} -ffreestanding -nostdlib -fno-exceptions -fno-rtti \
-fno-threadsafe-statics -fno-use-cxa-atexit -fno-asynchronous-unwind-tables \
-ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${COURIER_RV32_ARCH}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${COURIER_RV32_ARCH} -nostdlib -static -Wl,--gc-sections")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
