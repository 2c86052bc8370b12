// Times ONNX Runtime (CPU, 1 thread, all graph optimisations) on one model, as kiln bench does.
//
//   node bench/ort/ort_bench.js NODE_MODULES JOB.json   -> JSON on stdout
//
// JOB: {"model": PATH, "inputs": [{"name", "file", "dims", "type"}],
//       "warmup": W, "runs": N, "min_seconds": S, "output_dir": DIR}
// Inputs are raw little-endian files. The native binding's synchronous
// run() is called directly: the public API wraps it in a Promise and a
// setImmediate per call, which would add event-loop time to every sample.
// What remains is the N-API call and the output tensors' JS allocation;
// compare.py measures that floor on a one-element Identity model.
'use strict';
const fs = require('fs');
const path = require('path');

const [nodeModules, jobFile] = process.argv.slice(2);
if (!nodeModules || !jobFile) {
  console.error('usage: node ort_bench.js NODE_MODULES JOB.json');
  process.exit(2);
}
const job = JSON.parse(fs.readFileSync(jobFile, 'utf8'));
const now = () => process.hrtime.bigint();
const us = (a, b) => Number(b - a) / 1e3;

const tRequire = now();
const { binding, initOrt } = require(path.join(nodeModules, 'onnxruntime-node/dist/binding.js'));
const { Tensor } = require(path.join(nodeModules, 'onnxruntime-common'));
const version = require(path.join(nodeModules, 'onnxruntime-node/package.json')).version;
const requireUs = us(tRequire, now());

const arrays = {
  float32: Float32Array, int64: BigInt64Array, int32: Int32Array,
  int8: Int8Array, uint8: Uint8Array, bool: Uint8Array,
};
const feeds = {};
for (const inp of job.inputs) {
  const buf = fs.readFileSync(inp.file);
  const T = arrays[inp.type];
  if (!T) throw new Error(`input ${inp.name}: unsupported type ${inp.type}`);
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  feeds[inp.name] = new Tensor(inp.type, new T(copy.buffer), inp.dims);
}

// Cold: session creation (load, graph optimisation, kernel set-up) and the
// first run, from a process that has the library loaded but no session.
const t0 = now();
initOrt();
const session = new binding.InferenceSession();
session.loadModel(job.model, {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
});
const t1 = now();
const fetches = {};
for (const m of session.outputMetadata) fetches[m.name] = null;
let outputs = session.run(feeds, fetches, {});
const t2 = now();

for (let i = 0; i < job.warmup; ++i) outputs = session.run(feeds, fetches, {});
const samples = [];
const minNs = BigInt(Math.round(job.min_seconds * 1e9));
const start = now();
let end = start;
while (samples.length < job.runs || end - start < minNs) {
  const a = now();
  outputs = session.run(feeds, fetches, {});
  end = now();
  samples.push(us(a, end));
}

const written = [];
if (job.output_dir) {
  fs.mkdirSync(job.output_dir, { recursive: true });
  session.outputMetadata.forEach((m, j) => {
    const t = outputs[m.name];
    const file = path.join(job.output_dir, `ort_out${j}.bin`);
    fs.writeFileSync(file, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    written.push({ name: m.name, file, dims: t.dims, type: t.type });
  });
}
process.stdout.write(JSON.stringify({
  ort_version: version,
  require_us: requireUs,
  session_create_us: us(t0, t1),
  first_run_us: us(t1, t2),
  cold_us: us(t0, t2),
  elapsed_s: Number(end - start) / 1e9,
  samples_us: samples,
  outputs: written,
}) + '\n');
