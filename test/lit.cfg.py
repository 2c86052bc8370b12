# lit configuration for Kiln's FileCheck suites.
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "KILN"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = config.kiln_test_root

llvm_config.use_default_substitutions()
config.substitutions.append(("%kiln_src", config.kiln_src_root))
# Debian's own python with numpy/onnx/torch, never the first python3 on PATH.
config.substitutions.append(("%python", "/usr/bin/python3"))

llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
tool_dirs = [config.kiln_tools_dir, config.llvm_tools_dir]
tools = ["kiln", "kiln-eval", "kiln-opt", "kiln-translate"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
