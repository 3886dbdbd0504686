# Cross toolchain for Courier's rv32 images: Debian's riscv64-unknown-elf GCC in 32-bit mode.
#
# -march=rv32ima -misa-spec=2.2: ISA spec 2.2 still counts Zicsr/Zifencei as part of "i", so
# CSR instructions assemble without naming them, and the multilib chosen is rv32ia/ilp32
# (no C extension: the images run on cores without it, QEMU is started with c=false).
# Naming rv32ima_zicsr would select the rv32i multilib's libgcc instead.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)

set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_CXX_COMPILER riscv64-unknown-elf-g++)
set(CMAKE_ASM_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_OBJCOPY riscv64-unknown-elf-objcopy CACHE FILEPATH "")
set(CMAKE_SIZE riscv64-unknown-elf-size CACHE FILEPATH "")

# Nothing can be linked without our own crt0 and linker script.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(COURIER_RV32_ARCH "-march=rv32ima -misa-spec=2.2 -mabi=ilp32 -mcmodel=medany")
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
