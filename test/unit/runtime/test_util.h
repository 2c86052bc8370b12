// Helpers for the runtime unit tests: shapes, seeded data, naive indexing.
#pragma once

#include "kiln/runtime.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <vector>

namespace kiln_test {

inline kiln_shape shape(std::initializer_list<int32_t> dims) {
  kiln_shape s{};
  s.rank = static_cast<int32_t>(dims.size());
  int32_t i = 0;
  for (int32_t d : dims)
    s.dims[i++] = d;
  return s;
}

inline kiln_shape shape(const std::vector<int32_t> &dims) {
  kiln_shape s{};
  s.rank = static_cast<int32_t>(dims.size());
  for (size_t i = 0; i < dims.size(); ++i)
    s.dims[i] = dims[i];
  return s;
}

inline int64_t numel(const std::vector<int32_t> &dims) {
  int64_t n = 1;
  for (int32_t d : dims)
    n *= d;
  return n;
}

inline std::vector<float> random_floats(size_t n, uint32_t seed,
                                        float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (auto &x : v)
    x = dist(rng);
  return v;
}

// Multi-index of flat position `flat` in row-major `dims`.
inline std::vector<int32_t> unravel(int64_t flat,
                                    const std::vector<int32_t> &dims) {
  std::vector<int32_t> idx(dims.size());
  for (size_t d = dims.size(); d-- > 0;) {
    idx[d] = static_cast<int32_t>(flat % dims[d]);
    flat /= dims[d];
  }
  return idx;
}

// Flat position in `dims` of an output index, numpy-broadcast (right-aligned,
// size-1 dims pinned to 0).
inline int64_t broadcast_flat(const std::vector<int32_t> &out_idx,
                              const std::vector<int32_t> &dims) {
  int64_t flat = 0;
  size_t lead = out_idx.size() - dims.size();
  for (size_t d = 0; d < dims.size(); ++d) {
    int32_t i = dims[d] == 1 ? 0 : out_idx[lead + d];
    flat = flat * dims[d] + i;
  }
  return flat;
}

inline std::vector<int32_t> broadcast_dims(const std::vector<int32_t> &a,
                                           const std::vector<int32_t> &b) {
  size_t r = std::max(a.size(), b.size());
  std::vector<int32_t> out(r);
  for (size_t d = 0; d < r; ++d) {
    int32_t da = d + a.size() >= r ? a[d + a.size() - r] : 1;
    int32_t db = d + b.size() >= r ? b[d + b.size() - r] : 1;
    out[d] = da == 1 ? db : da;
  }
  return out;
}

// fp32 vs double reference, with the project's tolerance (ARCHITECTURE.md).
inline ::testing::AssertionResult all_close(const std::vector<float> &got,
                                            const std::vector<double> &want,
                                            double rtol = 1e-4,
                                            double atol = 1e-5) {
  if (got.size() != want.size())
    return ::testing::AssertionFailure()
           << "size " << got.size() << " != " << want.size();
  for (size_t i = 0; i < got.size(); ++i) {
    const double g = got[i], w = want[i];
    if (std::isnan(w) && std::isnan(g))
      continue;
    if (std::isinf(w) && g == w)
      continue;
    if (!(std::fabs(g - w) <= atol + rtol * std::fabs(w)))
      return ::testing::AssertionFailure()
             << "at " << i << ": got " << g << " want " << w;
  }
  return ::testing::AssertionSuccess();
}

inline bool close_enough(const std::vector<float> &got,
                         const std::vector<double> &want, double rtol = 1e-4,
                         double atol = 1e-5) {
  return static_cast<bool>(all_close(got, want, rtol, atol));
}

} // namespace kiln_test
