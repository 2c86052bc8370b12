// Helpers for comparing an ISA variant with the reference kernel it replaces.
#pragma once

#include "internal/kiln_ref.h"
#include "test_util.h"

#include <rapidcheck.h>

#include <cmath>
#include <vector>

namespace kiln_test {

// The ISA contract: within rtol 1e-3 / atol 1e-5 of the reference, NaN where
// it is NaN, the same infinity where it is infinite.
inline ::testing::AssertionResult matches_ref(const std::vector<float> &got,
                                              const std::vector<float> &want,
                                              double rtol = 1e-3,
                                              double atol = 1e-5) {
  if (got.size() != want.size())
    return ::testing::AssertionFailure()
           << "size " << got.size() << " != " << want.size();
  for (size_t i = 0; i < got.size(); ++i) {
    const double g = got[i], w = want[i];
    if (std::isnan(w)   ? std::isnan(g)
        : std::isinf(w) ? g == w
                        : std::fabs(g - w) <= atol + rtol * std::fabs(w))
      continue;
    return ::testing::AssertionFailure()
           << "at " << i << ": variant " << g << ", reference " << w;
  }
  return ::testing::AssertionSuccess();
}

// Every activation kind with non-trivial parameters.
inline std::vector<kiln_activation> all_activations() {
  std::vector<kiln_activation> acts;
  for (int kind = KILN_ACT_NONE; kind <= KILN_ACT_GELU; ++kind)
    acts.push_back(
        {static_cast<kiln_act_kind>(kind), 0.2f, 0.4f, -0.5f, 0.75f});
  return acts;
}

} // namespace kiln_test
