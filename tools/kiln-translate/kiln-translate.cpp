//===- kiln-translate.cpp - Translations into and out of MLIR --------------===//
//
// --emit-cpp prints emitc IR as C++ through upstream's translateToCpp;
// --import-onnx reads an ONNX model into the kiln dialect.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/KilnDialect.h"
#include "kiln/frontend/OnnxImporter.h"

#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Target/Cpp/CppEmitter.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

static llvm::cl::list<std::string> inputShapes(
    "input-shape",
    llvm::cl::desc("static shape of a graph input for --import-onnx, as "
                   "NAME:1x3x224x224 or INDEX:1x3x224x224 (repeatable)"));

/// The file name the translation reads decides where external data may live.
static void registerImportOnnx() {
  static mlir::TranslateToMLIRRegistration reg(
      "import-onnx", "import an ONNX model into the kiln dialect",
      [](llvm::SourceMgr &sourceMgr,
         mlir::MLIRContext *ctx) -> mlir::OwningOpRef<mlir::Operation *> {
        kiln::frontend::OnnxImportOptions options;
        for (const std::string &spec : inputShapes) {
          auto parsed = kiln::frontend::parseInputShape(spec);
          if (!parsed) {
            mlir::emitError(mlir::UnknownLoc::get(ctx))
                << llvm::toString(parsed.takeError());
            return {};
          }
          options.inputShapes.push_back(std::move(*parsed));
        }
        const llvm::MemoryBuffer *buf =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        llvm::StringRef path = buf->getBufferIdentifier();
        if (path == "<stdin>")
          path = "";
        auto module = kiln::frontend::importOnnxBuffer(
            buf->getBuffer(), path.empty() ? "<stdin>" : llvm::sys::path::filename(path),
            llvm::sys::path::parent_path(path), options, *ctx);
        if (mlir::failed(module))
          return {};
        return mlir::OwningOpRef<mlir::Operation *>(module->release());
      },
      [](mlir::DialectRegistry &registry) {
        kiln::frontend::registerOnnxImportDialects(registry);
      });
}

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
  registerImportOnnx();
  return mlir::failed(mlir::mlirTranslateMain(argc, argv, "Kiln translation tool"));
}
