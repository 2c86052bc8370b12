#!/usr/bin/env python3
"""Cross-check exported models with ONNX Runtime (a peer runtime, not a dependency).

    /usr/bin/python3 scripts/models/check_with_ort.py --ort NODE_MODULES DIR [DIR...]
    /usr/bin/python3 scripts/models/check_with_ort.py --ort NODE_MODULES --digits models

DIR is an export_torchvision.py output directory (with manifest.json). Each model is
run by onnxruntime-node on input_0.npy and compared with torch's output_0.npy; it
passes when max|ort - torch| <= atol + rtol * max|torch| (defaults 1e-5, 1e-3).
--digits runs models/digits_cnn*.onnx on every sample of models/digits_test.npz and
prints the accuracy.

NODE_MODULES is a folder holding onnxruntime-node (e.g. after
`npm install --ignore-scripts onnxruntime-node@1.30` in some scratch folder), or set
KILN_ORT_NODE_MODULES. ONNX Runtime has no Python package on this machine, so this
script drives it through node with raw float32 files.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

NODE_SCRIPT = r"""
const ort = require(process.argv[2] + '/onnxruntime-node');
const fs = require('fs');
(async () => {
  const jobs = JSON.parse(fs.readFileSync(process.argv[3]));
  for (const j of jobs) {
    const sess = await ort.InferenceSession.create(j.model,
        {graphOptimizationLevel: 'all', intraOpNumThreads: 1});
    const buf = fs.readFileSync(j.input);
    const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    const per = j.dims.reduce((a, b) => a * b, 1);
    const outs = [];
    for (let i = 0; i < j.n; i++) {
      const t = new ort.Tensor('float32', all.slice(i * per, (i + 1) * per), j.dims);
      const r = await sess.run({[j.input_name]: t});
      outs.push(Buffer.from(r[sess.outputNames[0]].data.buffer));
    }
    fs.writeFileSync(j.output, Buffer.concat(outs));
  }
})().catch(e => { console.error(e); process.exit(1); });
"""


def run_jobs(ort_dir, jobs):
    with tempfile.TemporaryDirectory() as tmp:
        js = os.path.join(tmp, "run.js")
        with open(js, "w") as f:
            f.write(NODE_SCRIPT)
        for i, j in enumerate(jobs):
            x = j.pop("x")
            j["input"] = os.path.join(tmp, f"in{i}.bin")
            j["output"] = os.path.join(tmp, f"out{i}.bin")
            x.astype(np.float32).tofile(j["input"])
        jf = os.path.join(tmp, "jobs.json")
        with open(jf, "w") as f:
            json.dump(jobs, f)
        subprocess.run(["node", js, os.path.abspath(ort_dir), jf], check=True)
        return [np.fromfile(j["output"], dtype=np.float32) for j in jobs]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="*")
    ap.add_argument("--ort", default=os.environ.get("KILN_ORT_NODE_MODULES", "node_modules"))
    ap.add_argument("--digits", metavar="MODELS_DIR")
    ap.add_argument("--rtol", type=float, default=1e-3)
    ap.add_argument("--atol", type=float, default=1e-5)
    args = ap.parse_args()
    if not os.path.isdir(os.path.join(args.ort, "onnxruntime-node")):
        raise SystemExit(f"no onnxruntime-node under {args.ort!r} (see --help)")

    bad = 0
    if args.digits:
        d = np.load(os.path.join(args.digits, "digits_test.npz"))
        x, y = d["x"], d["y"]
        names = ["digits_cnn.onnx", "digits_cnn_bn.onnx"]
        jobs = [{"model": os.path.join(args.digits, n), "input_name": "input",
                 "dims": [1, 1, 8, 8], "n": len(x), "x": x} for n in names]
        for n, out in zip(names, run_jobs(args.ort, jobs)):
            acc = float((out.reshape(len(x), 10).argmax(1) == y).mean())
            print(f"{n:22s} ORT accuracy {acc * 100:.2f}% on {len(x)} samples")

    for d in args.dirs:
        metas = json.load(open(os.path.join(d, "manifest.json")))["models"]
        jobs = []
        for m in metas:
            jobs.append({"model": os.path.join(d, m["name"], "model.onnx"),
                         "input_name": m["input_name"], "dims": m["input_shape"], "n": 1,
                         "x": np.load(os.path.join(d, m["name"], "input_0.npy"))})
        print(f"{'model':20s} {'max_abs':>10s} {'ref_max':>9s} {'rel':>9s} {'top1':>5s}  ok")
        for m, out in zip(metas, run_jobs(args.ort, jobs)):
            ref = np.load(os.path.join(d, m["name"], "output_0.npy"))
            out = out.reshape(ref.shape)
            err = float(np.abs(out - ref).max())
            rel = err / max(float(np.abs(ref).max()), 1e-12)
            # scale-relative: deep random-weight nets drift ~1e-4 of the output range
            # between two correct fp32 runtimes (different summation orders)
            ok = err <= args.atol + args.rtol * float(np.abs(ref).max())
            top1 = "-" if ref.ndim != 2 or ref.shape[1] < 2 or ref.shape[1] == 640 else \
                str(bool(out.argmax(-1)[0] == ref.argmax(-1)[0]))
            bad += not ok
            print(f"{m['name']:20s} {err:10.2e} {np.abs(ref).max():9.3f} {rel:9.2e} "
                  f"{top1:>5s}  {'ok' if ok else 'MISMATCH'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
