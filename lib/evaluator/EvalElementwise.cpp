//===- EvalElementwise.cpp - Unary and broadcasting binary ops on the host ===//

#include "EvalKernels.h"

#include "kiln/target/FusedProgram.h"
#include "kiln/target/RuntimeParams.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::evaluator;
using codegen::toKilnShape;

static RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

static EvalFn unary(kiln_unary_f32_fn *fn) {
  return [fn](Operation *, ArrayRef<Tensor> in, MutableArrayRef<Tensor> out) {
    return fn(in[0].data<float>(), out[0].data<float>(),
              static_cast<int32_t>(in[0].numElements()));
  };
}

static EvalFn binary(kiln_binary_f32_fn *fn) {
  return [fn](Operation *op, ArrayRef<Tensor> in, MutableArrayRef<Tensor> out) {
    kiln_shape a = toKilnShape(in[0].type), b = toKilnShape(in[1].type),
               o = toKilnShape(out[0].type);
    return fn(&a, in[0].data<float>(), &b, in[1].data<float>(), &o,
              out[0].data<float>());
  };
}

/// True for binary ops over i32 or i64 alone: the shape arithmetic exporters
/// emit (Shape -> Gather -> Mul -> Concat), which has no runtime kernel.
static bool integerBinary(Operation *op) {
  Type elem = typeOf(op->getResult(0)).getElementType();
  if (!elem.isInteger(32) && !elem.isInteger(64))
    return false;
  return llvm::all_of(op->getOperandTypes(), [&](Type t) {
    return cast<RankedTensorType>(t).getElementType() == elem;
  });
}

template <typename T, typename F>
static void integerLoop(ArrayRef<Tensor> in, Tensor &out, F f) {
  ArrayRef<int64_t> shape = out.type.getShape();
  std::vector<int64_t> ia = broadcastIndices(in[0].type.getShape(), shape),
                       ib = broadcastIndices(in[1].type.getShape(), shape);
  const T *a = in[0].data<T>(), *b = in[1].data<T>();
  T *o = out.data<T>();
  for (size_t i = 0; i < ia.size(); ++i)
    o[i] = f(a[ia[i]], b[ib[i]]);
}

/// f32 through the runtime kernel; i32/i64 with the same C semantics on the
/// host (integer division truncates; division by zero is an error).
template <typename IntOp>
static EvalKernel numericBinary(kiln_binary_f32_fn *fn, IntOp intOp) {
  EvalFn f32 = binary(fn);
  return EvalKernel{
      [f32, intOp](Operation *op, ArrayRef<Tensor> in, MutableArrayRef<Tensor> out) {
        if (allF32(op))
          return f32(op, in, out);
        bool ok = true;
        auto guarded = [&](auto a, auto b) {
          std::optional<decltype(a)> r = intOp(a, b);
          ok &= r.has_value();
          return r.value_or(0);
        };
        if (out[0].type.getElementType().isInteger(64))
          integerLoop<int64_t>(in, out[0], guarded);
        else
          integerLoop<int32_t>(in, out[0], guarded);
        return ok ? KILN_OK : KILN_ERR_ARG;
      },
      [](Operation *op) { return allF32(op) || integerBinary(op); }};
}

template <typename OpTy, typename IntOp>
static void addNumeric(EvalKernelTable &table, kiln_binary_f32_fn *fn, IntOp intOp) {
  table[OpTy::getOperationName()] = numericBinary(fn, intOp);
}

template <typename T> using Maybe = std::optional<T>;

void evaluator::populateElementwiseKernels(EvalKernelTable &table) {
  addKernel<ReluOp>(table, unary(kiln_relu_f32));
  addKernel<SigmoidOp>(table, unary(kiln_sigmoid_f32));
  addKernel<TanhOp>(table, unary(kiln_tanh_f32));
  addKernel<HardSwishOp>(table, unary(kiln_hard_swish_f32));
  addKernel<GeluOp>(table, unary(kiln_gelu_f32));
  addKernel<ErfOp>(table, unary(kiln_erf_f32));
  addKernel<ExpOp>(table, unary(kiln_exp_f32));
  addKernel<LogOp>(table, unary(kiln_log_f32));
  addKernel<SqrtOp>(table, unary(kiln_sqrt_f32));
  addKernel<ReciprocalOp>(table, unary(kiln_reciprocal_f32));
  addKernel<NegOp>(table, unary(kiln_neg_f32));
  addKernel<AbsOp>(table, unary(kiln_abs_f32));
  addKernel<ClipOp>(table, [](Operation *op, ArrayRef<Tensor> in,
                              MutableArrayRef<Tensor> out) {
    auto clip = cast<ClipOp>(op);
    return kiln_clip_f32(in[0].data<float>(), out[0].data<float>(),
                         static_cast<int32_t>(in[0].numElements()),
                         clip.getMin().convertToFloat(), clip.getMax().convertToFloat());
  });
  addKernel<LeakyReluOp>(table, [](Operation *op, ArrayRef<Tensor> in,
                                   MutableArrayRef<Tensor> out) {
    return kiln_leaky_relu_f32(in[0].data<float>(), out[0].data<float>(),
                               static_cast<int32_t>(in[0].numElements()),
                               cast<LeakyReluOp>(op).getAlpha().convertToFloat());
  });
  addKernel<HardSigmoidOp>(table, [](Operation *op, ArrayRef<Tensor> in,
                                     MutableArrayRef<Tensor> out) {
    auto hs = cast<HardSigmoidOp>(op);
    return kiln_hard_sigmoid_f32(in[0].data<float>(), out[0].data<float>(),
                                 static_cast<int32_t>(in[0].numElements()),
                                 hs.getAlpha().convertToFloat(),
                                 hs.getBeta().convertToFloat());
  });

  addNumeric<AddOp>(table, kiln_add_f32, [](auto a, auto b) { return Maybe<decltype(a)>(a + b); });
  addNumeric<SubOp>(table, kiln_sub_f32, [](auto a, auto b) { return Maybe<decltype(a)>(a - b); });
  addNumeric<MulOp>(table, kiln_mul_f32, [](auto a, auto b) { return Maybe<decltype(a)>(a * b); });
  addNumeric<DivOp>(table, kiln_div_f32, [](auto a, auto b) {
    return b == 0 ? Maybe<decltype(a)>() : Maybe<decltype(a)>(a / b);
  });
  addNumeric<MaxOp>(table, kiln_max_f32,
                    [](auto a, auto b) { return Maybe<decltype(a)>(a > b ? a : b); });
  addNumeric<MinOp>(table, kiln_min_f32,
                    [](auto a, auto b) { return Maybe<decltype(a)>(a < b ? a : b); });
  addKernel<PowOp>(table, binary(kiln_pow_f32));
  addKernel<PReluOp>(table, binary(kiln_prelu_f32));

  // The same encoded program and kernel the generated code runs.
  addKernel<FusedElementwiseOp>(
      table, [](Operation *op, ArrayRef<Tensor> in, MutableArrayRef<Tensor> out) {
        FailureOr<kiln_fused_program> program =
            codegen::toFusedProgram(cast<FusedElementwiseOp>(op));
        if (failed(program))
          return KILN_ERR_UNSUPPORTED;
        SmallVector<kiln_shape> shapes;
        SmallVector<const void *> pointers;
        for (const Tensor &t : in) {
          shapes.push_back(toKilnShape(t.type));
          pointers.push_back(t.data<float>());
        }
        kiln_shape o = toKilnShape(out[0].type);
        return kiln_fused_elementwise_f32(&*program, shapes.data(), pointers.data(),
                                          &o, out[0].data<float>());
      });

  addKernel<WhereOp>(
      table,
      [](Operation *op, ArrayRef<Tensor> in, MutableArrayRef<Tensor> out) {
        kiln_shape c = toKilnShape(in[0].type), x = toKilnShape(in[1].type),
                   y = toKilnShape(in[2].type), o = toKilnShape(out[0].type);
        return kiln_where_f32(&c, in[0].data<uint8_t>(), &x, in[1].data<float>(), &y,
                              in[2].data<float>(), &o, out[0].data<float>());
      },
      [](Operation *op) {
        return typeOf(op->getOperand(0)).getElementType().isInteger(1) &&
               typeOf(op->getOperand(1)).getElementType().isF32() &&
               typeOf(op->getOperand(2)).getElementType().isF32();
      });
}
