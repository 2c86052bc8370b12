//===- LoweringContext.h - Shared state of the kiln -> emitc lowering -*- C++ -*-===//
//
// Each op family's lowering asks the context for the pointers of its operands
// and results (planned arena offsets, caller buffers, the weights blob) and
// for `static const` parameter globals, then emits one checked kernel call.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CODEGEN_LOWERINGCONTEXT_H
#define KILN_LIB_TARGET_CODEGEN_LOWERINGCONTEXT_H

#include "kiln/target/Codegen.h"
#include "kiln/target/RuntimeParams.h"

#include "dialects/kiln/KilnDialect.h"
#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <functional>

namespace kiln::codegen {

/// One kernel argument: an emitted value, or a C expression such as `&p3`.
struct KernelArg {
  KernelArg(mlir::Value value) : value(value) {}
  KernelArg(mlir::Attribute attr) : attr(attr) {}
  mlir::Value value;
  mlir::Attribute attr;
};

class LoweringContext {
public:
  LoweringContext(mlir::ModuleOp module, mlir::emitc::FuncOp run,
                  const WeightsBlob &weights, llvm::StringRef name);

  mlir::OpBuilder &builder() { return b; }
  /// Pointer to the data of a kiln tensor already lowered (or an argument).
  mlir::Value pointer(mlir::Value tensor);
  /// Pointer the op's result `i` is written to, per the memory plan.
  mlir::Value resultPointer(mlir::Operation *op, unsigned i = 0);
  /// The scratch pointer planned for `op`, or NULL.
  KernelArg scratch(mlir::Operation *op);
  /// `&kiln_shape_N` for the type's shape (one global per distinct shape).
  KernelArg shape(mlir::Type type);
  /// `&kiln_<prefix>_N`, a `static const` global of C type `ctype`.
  KernelArg params(llvm::StringRef ctype, llvm::StringRef prefix,
                   const std::string &initializer);
  /// `static const int32_t kiln_ints_N[]`, for perms, starts and pads.
  KernelArg intArray(llvm::ArrayRef<int64_t> values);
  /// `static const kiln_shape kiln_shapes_N[]`, one per type.
  KernelArg shapeArray(mlir::TypeRange types);
  /// A local `const void *vN[]` holding `pointers`, for kernels taking lists.
  mlir::Value pointerArray(mlir::Location loc, mlir::ValueRange pointers);
  /// `static const float kiln_floats_N[]`, e.g. quantisation scales.
  KernelArg floatArray(llvm::ArrayRef<float> values);
  /// `static const int8_t` (or `uint8_t`) `kiln_zp_N[]`: zero points.
  KernelArg int8Array(llvm::ArrayRef<int64_t> values, bool isSigned);
  /// `static const kiln_requant kiln_requant_N[]`, one per output channel.
  KernelArg requantArray(llvm::ArrayRef<kiln_requant> requant);
  /// A `static const kiln_requant` passed by value.
  KernelArg requantValue(const kiln_requant &requant);
  KernelArg i32(int64_t value);
  KernelArg u32(uint64_t value);
  KernelArg f32(float value);
  KernelArg null();
  /// `kiln_<callee>(args...)`, returning early on a non-OK status.
  void callKernel(mlir::Location loc, llvm::StringRef callee,
                  llvm::ArrayRef<KernelArg> args);
  /// Copies every returned value not already planned into its output buffer.
  void finish(mlir::Location loc, mlir::func::ReturnOp ret);

private:
  mlir::Type pointerType(mlir::Type tensor, bool isConst);
  mlir::Value offsetPointer(mlir::Location loc, mlir::Value base,
                            int64_t offset, mlir::Type type);
  mlir::Value loadIndexed(mlir::Location loc, mlir::Value array, int64_t index,
                          mlir::Type pointee, mlir::Type ptr);
  /// `arrayCount` 0 declares a scalar; otherwise an array of that many.
  KernelArg global(llvm::StringRef ctype, llvm::StringRef prefix,
                   const std::string &initializer, int64_t arrayCount);

  mlir::ModuleOp module;
  mlir::emitc::FuncOp run;
  const WeightsBlob &weights;
  std::string name;
  mlir::OpBuilder b;
  mlir::OpBuilder globals;
  mlir::Value arena, weightsBase;
  llvm::DenseMap<mlir::Value, mlir::Value> pointers;
  llvm::DenseMap<int64_t, mlir::Value> outputPointers;
  std::map<std::pair<std::string, std::string>, std::string> globalNames;
  llvm::StringMap<unsigned> globalCounts;
};

/// Lowers one kiln op; it may assume the op verified and was planned.
using KernelLowering =
    std::function<mlir::LogicalResult(mlir::Operation *, LoweringContext &)>;
/// Op name (e.g. "kiln.conv2d") -> its lowering.
using KernelLoweringTable = llvm::StringMap<KernelLowering>;

void populateConvLowerings(KernelLoweringTable &table);
void populateMatmulLowerings(KernelLoweringTable &table);
void populateElementwiseLowerings(KernelLoweringTable &table);
void populateNormPoolLowerings(KernelLoweringTable &table);
void populateDataMovementLowerings(KernelLoweringTable &table);
/// quantize, dequantize, requantize, quant.scast and the int8 forms of
/// conv2d, gemm, add and the pools (after the float lowerings it wraps).
void populateQuantLowerings(KernelLoweringTable &table);

/// True when `op` is one of the ops populateQuantLowerings handles, with
/// element types its runtime kernels take.
bool isInt8Lowerable(mlir::Operation *op);
/// kiln.cast between the element types kiln_cast takes (LowerCast.cpp).
void populateCastLowerings(KernelLoweringTable &table);
bool isCastLowerable(mlir::Operation *op);

/// All of the above.
void populateKilnToEmitCLowerings(KernelLoweringTable &table);

/// `axis` counted from the front (ONNX allows negative axes).
int64_t normalizeAxis(int64_t axis, int64_t rank);

/// Elements in a tensor type, as the int32 `count` kernels take.
int64_t getNumElements(mlir::Value tensor);

} // namespace kiln::codegen

#endif // KILN_LIB_TARGET_CODEGEN_LOWERINGCONTEXT_H
