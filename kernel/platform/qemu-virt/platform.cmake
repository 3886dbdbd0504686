# QEMU virt (and Courier's virt-map sim SoC): reset in M-mode at 0x8000_0000 into the shim.
set(COURIER_PLATFORM_SOURCES
  platform/qemu-virt/boot.S
  platform/qemu-virt/m_mode.cc
  platform/qemu-virt/platform.cc)
