//===- kiln-translate.cpp - Translations into and out of MLIR --------------===//
//
// --emit-cpp prints emitc IR as C++ through upstream's translateToCpp. The
// ONNX importer registers --import-onnx beside it.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/KilnDialect.h"

#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Target/Cpp/CppEmitter.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"

static void registerEmitCpp() {
  static mlir::TranslateFromMLIRRegistration reg(
      "emit-cpp", "translate emitc IR to C++",
      [](mlir::Operation *op, llvm::raw_ostream &os) {
        return mlir::emitc::translateToCpp(op, os);
      },
      [](mlir::DialectRegistry &registry) {
        registry.insert<mlir::emitc::EmitCDialect, mlir::func::FuncDialect>();
      });
}

int main(int argc, char **argv) {
  registerEmitCpp();
  return mlir::failed(mlir::mlirTranslateMain(argc, argv, "Kiln translation tool"));
}
