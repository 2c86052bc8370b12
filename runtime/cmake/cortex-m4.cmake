# Cross toolchain for Cortex-M4F bare metal (Debian gcc-arm-none-eabi + newlib):
# hard-float ABI with the single-precision FPv4 unit, Thumb-2.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
# No OS to link an executable against while probing the compiler.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(KILN_CORTEX_M4_FLAGS
    "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${KILN_CORTEX_M4_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "${KILN_CORTEX_M4_FLAGS}")
set(CMAKE_ASM_FLAGS_INIT "${KILN_CORTEX_M4_FLAGS}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# How ctest runs a runtime test built with this file: Kiln's firmware harness
# on the MPS2 AN386 board model (test/unit/runtime/CMakeLists.txt).
set(KILN_FIRMWARE_QEMU qemu-system-arm -M mps2-an386 -cpu cortex-m4)
