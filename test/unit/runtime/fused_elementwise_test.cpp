// kiln_fused_elementwise_f32 against the unfused kernels it replaces.
#include "test_util.h"

#include <rapidcheck/gtest.h>

#include <cstring>

using namespace kiln_test;

namespace {

kiln_fused_insn insn(int op, int dst, int a, int b = 0, float imm0 = 0.0f,
                     float imm1 = 0.0f) {
  kiln_fused_insn i{};
  i.op = static_cast<uint8_t>(op);
  i.dst = static_cast<uint8_t>(dst);
  i.a = static_cast<uint8_t>(a);
  i.b = static_cast<uint8_t>(b);
  i.imm0 = imm0;
  i.imm1 = imm1;
  return i;
}

kiln_fused_program program(std::vector<uint8_t> input_regs,
                           std::vector<kiln_fused_insn> insns, int result) {
  kiln_fused_program p{};
  p.n_inputs = static_cast<int32_t>(input_regs.size());
  p.n_insns = static_cast<int32_t>(insns.size());
  p.result = result;
  for (size_t i = 0; i < input_regs.size(); ++i)
    p.input_regs[i] = input_regs[i];
  for (size_t i = 0; i < insns.size(); ++i)
    p.insns[i] = insns[i];
  return p;
}

bool bit_equal(const std::vector<float> &a, const std::vector<float> &b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// GELU as torch spells it, x * 0.5 * (1 + erf(x / sqrt 2)), over a count that
// is not a multiple of the block: bit-identical to the five kernels.
TEST(FusedElementwise, GeluChainMatchesUnfusedKernels) {
  const std::vector<int32_t> dims = {3, 37};
  const kiln_shape s = shape(dims), scalar = shape(std::vector<int32_t>{});
  auto x = random_floats(size_t(numel(dims)), 7, -4.0f, 4.0f);
  const float root2 = 1.41421354f, one = 1.0f, half = 0.5f;
  std::vector<float> t(x.size()), e(x.size()), want(x.size());
  ASSERT_EQ(kiln_div_f32(&s, x.data(), &scalar, &root2, &s, t.data()), KILN_OK);
  ASSERT_EQ(kiln_erf_f32(t.data(), e.data(), int32_t(x.size())), KILN_OK);
  ASSERT_EQ(kiln_add_f32(&s, e.data(), &scalar, &one, &s, e.data()), KILN_OK);
  ASSERT_EQ(kiln_mul_f32(&s, x.data(), &s, e.data(), &s, t.data()), KILN_OK);
  ASSERT_EQ(kiln_mul_f32(&s, t.data(), &scalar, &half, &s, want.data()),
            KILN_OK);

  kiln_fused_program p = program(
      {0},
      {insn(KILN_FOP_DIV, 1, 0, KILN_FUSED_IMM, root2),
       insn(KILN_FOP_ERF, 1, 1), insn(KILN_FOP_ADD, 1, 1, KILN_FUSED_IMM, one),
       insn(KILN_FOP_MUL, 0, 0, 1),
       insn(KILN_FOP_MUL, 0, KILN_FUSED_IMM, 0, half)},
      0);
  std::vector<float> got(x.size());
  const void *inputs[] = {x.data()};
  ASSERT_EQ(kiln_fused_elementwise_f32(&p, &s, inputs, &s, got.data()),
            KILN_OK);
  EXPECT_TRUE(bit_equal(got, want));
}

// Property: (a * b - 0.25) -> clip -> max with c, inputs broadcast in random
// patterns to a random output shape, in place over a when shapes allow.
RC_GTEST_PROP(FusedElementwise, BroadcastChainMatchesUnfusedKernels, ()) {
  const int rank = *rc::gen::inRange(1, 5);
  std::vector<int32_t> od(rank), ad(rank), bd, cd;
  for (int d = 0; d < rank; ++d)
    od[d] = *rc::gen::inRange(1, 7);
  // Each input keeps or drops (to 1) every dim; b and c may also lose
  // leading dims, as numpy broadcasting allows.
  auto broadcastOf = [&](bool dropLeading) {
    std::vector<int32_t> d;
    int lead = dropLeading ? *rc::gen::inRange(0, rank + 1) : 0;
    for (int i = lead; i < rank; ++i)
      d.push_back(*rc::gen::arbitrary<bool>() ? od[i] : 1);
    return d;
  };
  ad = od; // a has the output's shape, so the result may overwrite it
  bd = broadcastOf(true);
  cd = broadcastOf(true);
  const bool inPlace = *rc::gen::arbitrary<bool>();
  const kiln_shape os = shape(od), bs = shape(bd), cs = shape(cd),
                   scalar = shape(std::vector<int32_t>{});
  auto a = random_floats(size_t(numel(ad)), 1, -2.0f, 2.0f);
  auto b = random_floats(size_t(numel(bd)), 2, -2.0f, 2.0f);
  auto c = random_floats(size_t(numel(cd)), 3, -1.0f, 1.0f);
  const float quarter = 0.25f;

  std::vector<float> t(a.size()), want(a.size());
  RC_ASSERT(kiln_mul_f32(&os, a.data(), &bs, b.data(), &os, t.data()) ==
            KILN_OK);
  RC_ASSERT(kiln_sub_f32(&os, t.data(), &scalar, &quarter, &os, t.data()) ==
            KILN_OK);
  RC_ASSERT(kiln_clip_f32(t.data(), t.data(), int32_t(t.size()), -1.5f, 1.5f) ==
            KILN_OK);
  RC_ASSERT(kiln_max_f32(&os, t.data(), &cs, c.data(), &os, want.data()) ==
            KILN_OK);

  kiln_fused_program p = program(
      {0, 1, 2},
      {insn(KILN_FOP_MUL, 0, 0, 1),
       insn(KILN_FOP_SUB, 0, 0, KILN_FUSED_IMM, quarter),
       insn(KILN_FOP_CLIP, 0, 0, 0, -1.5f, 1.5f), insn(KILN_FOP_MAX, 0, 0, 2)},
      0);
  const kiln_shape shapes[] = {os, bs, cs};
  const void *inputs[] = {a.data(), b.data(), c.data()};
  std::vector<float> out(a.size());
  float *dst = inPlace ? a.data() : out.data();
  RC_ASSERT(kiln_fused_elementwise_f32(&p, shapes, inputs, &os, dst) ==
            KILN_OK);
  RC_ASSERT(bit_equal(inPlace ? a : out, want));
}

TEST(FusedElementwise, RejectsBadProgramsAndShapes) {
  const kiln_shape s = shape({2, 3}), wrong = shape({4});
  std::vector<float> x(6, 1.0f), out(6);
  const void *inputs[] = {x.data()};
  kiln_fused_program ok = program({0}, {insn(KILN_FOP_RELU, 0, 0)}, 0);
  EXPECT_EQ(kiln_fused_elementwise_f32(&ok, &s, inputs, &s, out.data()),
            KILN_OK);
  EXPECT_EQ(kiln_fused_elementwise_f32(nullptr, &s, inputs, &s, out.data()),
            KILN_ERR_NULL);
  EXPECT_EQ(kiln_fused_elementwise_f32(&ok, &s, inputs, &s, nullptr),
            KILN_ERR_NULL);
  EXPECT_EQ(kiln_fused_elementwise_f32(&ok, &wrong, inputs, &s, out.data()),
            KILN_ERR_ARG);
  kiln_fused_program badReg = program({0}, {insn(KILN_FOP_RELU, 9, 0)}, 0);
  EXPECT_EQ(kiln_fused_elementwise_f32(&badReg, &s, inputs, &s, out.data()),
            KILN_ERR_ARG);
  kiln_fused_program badOp = program({0}, {insn(99, 0, 0)}, 0);
  EXPECT_EQ(kiln_fused_elementwise_f32(&badOp, &s, inputs, &s, out.data()),
            KILN_ERR_ARG);
  kiln_fused_program twoImm =
      program({0}, {insn(KILN_FOP_ADD, 0, KILN_FUSED_IMM, KILN_FUSED_IMM)}, 0);
  EXPECT_EQ(kiln_fused_elementwise_f32(&twoImm, &s, inputs, &s, out.data()),
            KILN_ERR_ARG);
}

} // namespace
