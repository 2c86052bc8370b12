// Helpers for comparing an ISA variant with the reference kernel it replaces.
#pragma once

#include "internal/kiln_ref.h"
#include "test_util.h"

#include <rapidcheck.h>

#include <cmath>
#include <vector>

namespace kiln_test {

// The ISA contract: within rtol 1e-3 / atol 1e-5 of the reference (NaN where
// it is NaN, the same infinity where it is infinite).
inline ::testing::AssertionResult matches_ref(const std::vector<float> &got,
                                              const std::vector<float> &want,
                                              double rtol = 1e-3,
                                              double atol = 1e-5) {
  return all_close(got, std::vector<double>(want.begin(), want.end()), rtol,
                   atol);
}

// Every activation kind with non-trivial parameters.
inline std::vector<kiln_activation> all_activations() {
  std::vector<kiln_activation> acts;
  for (int kind = KILN_ACT_NONE; kind <= KILN_ACT_SILU; ++kind)
    acts.push_back(
        {static_cast<kiln_act_kind>(kind), 0.2f, 0.4f, -0.5f, 0.75f});
  return acts;
}

} // namespace kiln_test
