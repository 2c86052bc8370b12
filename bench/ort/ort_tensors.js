// Runs one model once with ONNX Runtime and writes every output as raw float32 (calibration).
//
//   node bench/ort/ort_tensors.js NODE_MODULES MODEL.onnx INPUT_NAME INPUT.bin DIMS OUT_DIR
//
// DIMS is comma-separated (1,3,224,224); INPUT.bin raw little-endian float32.
// scripts/models/make_qdq_model.py adds every intermediate tensor as a graph
// output and reads OUT_DIR/<k>.bin back in outputMetadata order (index.json).
// Graph optimisations are off so that no intermediate is fused away.
'use strict';
const fs = require('fs');
const path = require('path');

const [nodeModules, model, inputName, inputFile, dims, outDir] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: node ort_tensors.js NODE_MODULES MODEL INPUT_NAME INPUT.bin DIMS OUT_DIR');
  process.exit(2);
}
const { binding, initOrt } = require(path.join(nodeModules, 'onnxruntime-node/dist/binding.js'));
const { Tensor } = require(path.join(nodeModules, 'onnxruntime-common'));
const buf = fs.readFileSync(inputFile);
const copy = new Uint8Array(buf.byteLength);
copy.set(buf);
const feeds = {
  [inputName]: new Tensor('float32', new Float32Array(copy.buffer), dims.split(',').map(Number)),
};
initOrt();
const session = new binding.InferenceSession();
session.loadModel(model, {
  intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'disabled',
  executionMode: 'sequential',
});
const fetches = {};
for (const m of session.outputMetadata) fetches[m.name] = null;
const outputs = session.run(feeds, fetches, {});
fs.mkdirSync(outDir, { recursive: true });
const index = [];
session.outputMetadata.forEach((m, k) => {
  const t = outputs[m.name];
  if (t.type !== 'float32') throw new Error(`output ${m.name}: ${t.type}, expected float32`);
  fs.writeFileSync(path.join(outDir, `${k}.bin`),
                   Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  index.push({ name: m.name, file: `${k}.bin`, dims: t.dims });
});
fs.writeFileSync(path.join(outDir, 'index.json'), JSON.stringify(index));
