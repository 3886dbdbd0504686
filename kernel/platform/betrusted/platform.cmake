# The Precursor (Betrusted's device) and Courier's betrusted-sim SoC: the boot ROM enters the
# loader (boot.S) in flash, in M-mode; the kernel runs from SRAM at virtual 0x8000_0000.
set(COURIER_PLATFORM_SOURCES
  platform/betrusted/boot.S
  platform/betrusted/platform.cc)
