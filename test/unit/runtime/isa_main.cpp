// main() of the ISA test binary: skips everything, visibly, on a CPU that
// cannot run the AVX2/FMA (or AVX-512) build rather than dying of SIGILL.
#include <gtest/gtest.h>

namespace {

class IsaEnvironment : public ::testing::Environment {
public:
  void SetUp() override {
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
      GTEST_SKIP() << "this CPU lacks AVX2/FMA: the kiln_runtime_avx2 tests "
                      "cannot run here";
#if KILN_TEST_ISA_AVX512
    if (!__builtin_cpu_supports("avx512f") ||
        !__builtin_cpu_supports("avx512bw") ||
        !__builtin_cpu_supports("avx512dq") ||
        !__builtin_cpu_supports("avx512vl"))
      GTEST_SKIP() << "this CPU lacks AVX-512 F/BW/DQ/VL: the "
                      "kiln_runtime_avx512 tests cannot run here";
#endif
  }
};

} // namespace

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new IsaEnvironment);
  return RUN_ALL_TESTS();
}
