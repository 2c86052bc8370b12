#!/usr/bin/env python3
"""Train a small CNN on scikit-learn's bundled digits set and export it to ONNX.

Run with Debian's interpreter (the python3 first on PATH lacks torch):

    /usr/bin/python3 scripts/models/train_digits.py [--out models]

Outputs (both committed):
  models/digits_cnn.onnx   opset 13, static batch 1, input "input" [1,1,8,8] float32,
                           output "logits" [1,10] float32
  models/digits_cnn_bn.onnx  the same network with BatchNormalization nodes kept
                           (the first file has them folded into Conv by torch)
  models/digits_test.npz   x: float32 [N,1,8,8] (already normalised), y: int64 [N]

Data: sklearn.datasets.load_digits() (1797 8x8 images, pixel values 0..16, no download).
Normalisation: x = pixel / 16.0, so inputs are in [0, 1]. No mean/std shift.
Split: first 1438 samples train, last 359 (20%, rounded) test, in the dataset's own
order (no shuffling before the split). The test set is all 359 held-out samples.

Everything is seeded and single-threaded, so two runs on the same machine give the
same weights and the same ONNX bytes.
"""
import argparse
import io
import os
import sys
import time
import warnings

import numpy as np
import torch
import torch.nn as nn

SEED = 0
TEST_FRACTION = 0.2


def set_deterministic(seed=SEED):
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.set_num_threads(1)
    if torch.get_num_interop_threads() != 1:
        torch.set_num_interop_threads(1)  # allowed once, before any parallel work
    torch.use_deterministic_algorithms(True)


def conv_bn_relu(cin, cout, k, groups=1, stride=1):
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class DigitsCNN(nn.Module):
    """8x8x1 -> 10 logits.

    conv3x3(1->32) -> [dw3x3(32) -> pw1x1(32->64)] -> maxpool2 (4x4)
    -> [dw3x3(64) -> pw1x1(64->64)] -> avgpool2 (2x2) -> flatten(256) -> linear(10)
    Every conv is followed by BatchNorm and ReLU.
    """

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            conv_bn_relu(1, 32, 3),
            conv_bn_relu(32, 32, 3, groups=32),   # depthwise
            conv_bn_relu(32, 64, 1),              # pointwise
            nn.MaxPool2d(2),
            conv_bn_relu(64, 64, 3, groups=64),   # depthwise
            conv_bn_relu(64, 64, 1),              # pointwise
            nn.AvgPool2d(2),
        )
        self.classifier = nn.Linear(64 * 2 * 2, 10)

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


def load_data():
    from sklearn.datasets import load_digits
    d = load_digits()
    x = (d.images.astype(np.float32) / 16.0).reshape(-1, 1, 8, 8)
    y = d.target.astype(np.int64)
    n_test = int(round(len(x) * TEST_FRACTION))
    n_train = len(x) - n_test
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(x)).argmax(1).numpy()
    return float((pred == y).mean())


def export_onnx(model, x, path, fold_bn):
    """Export with opset 13, batch 1. fold_bn=True is torch's usual eval export, where
    the exporter folds each BatchNorm into the preceding Conv. fold_bn=False
    (TrainingMode.PRESERVE on an eval-mode model) keeps BatchNormalization nodes in
    the graph: same function, for testing Kiln's own BN->conv folding."""
    import onnx
    mode = torch.onnx.TrainingMode.EVAL if fold_bn else torch.onnx.TrainingMode.PRESERVE
    model.eval()
    buf = io.BytesIO()
    with warnings.catch_warnings():
        # PRESERVE + constant folding warns; harmless here since the model is in eval mode
        warnings.simplefilter("ignore", UserWarning)
        torch.onnx.export(model, torch.from_numpy(x), buf, opset_version=13,
                          input_names=["input"], output_names=["logits"],
                          do_constant_folding=True, training=mode)
    m = onnx.load_from_string(buf.getvalue())
    m.doc_string = ("Kiln digits CNN%s: input = pixel/16, [1,1,8,8] float32; "
                    "output logits [1,10]" % ("" if fold_bn else " (BatchNorm kept)"))
    onnx.checker.check_model(m)
    onnx.shape_inference.infer_shapes(m, strict_mode=True)
    onnx.save(m, path)
    ops = sorted({n.op_type for n in m.graph.node})
    print(f"wrote {path} ({os.path.getsize(path)} bytes, ops: {', '.join(ops)})")
    return m


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--out", default=os.path.join(root, "models"))
    ap.add_argument("--epochs", type=int, default=40)
    args = ap.parse_args()

    t0 = time.time()
    set_deterministic()
    (xtr, ytr), (xte, yte) = load_data()
    print(f"train {len(xtr)}  test {len(xte)}")

    model = DigitsCNN()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(SEED)
    xtr_t, ytr_t = torch.from_numpy(xtr), torch.from_numpy(ytr)
    bs = 32
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xtr_t), generator=gen)
        total = 0.0
        for i in range(0, len(perm), bs):
            idx = perm[i:i + bs]
            xb = xtr_t[idx]
            # light augmentation: random shift by up to 1 pixel (seeded)
            sh = torch.randint(-1, 2, (2,), generator=gen).tolist()
            xb = torch.roll(xb, shifts=sh, dims=(2, 3))
            opt.zero_grad()
            loss = loss_fn(model(xb), ytr_t[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        sched.step()
        if epoch % 10 == 9 or epoch == args.epochs - 1:
            print(f"epoch {epoch + 1:3d}  loss {total / len(xtr_t):.4f}  "
                  f"test acc {accuracy(model, xte, yte) * 100:.2f}%")

    model.eval()
    acc = accuracy(model, xte, yte)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"fp32 test accuracy: {acc * 100:.2f}% ({int(round(acc * len(yte)))}/{len(yte)}), "
          f"params {n_params}")

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "digits_cnn.onnx")
    m = export_onnx(model, xte[:1], onnx_path, fold_bn=True)
    bn_path = os.path.join(args.out, "digits_cnn_bn.onnx")
    export_onnx(model, xte[:1], bn_path, fold_bn=False)

    npz_path = os.path.join(args.out, "digits_test.npz")
    np.savez_compressed(npz_path, x=xte.astype(np.float32), y=yte.astype(np.int64))

    print(f"wrote {npz_path} ({os.path.getsize(npz_path)} bytes, {len(xte)} samples)")
    print(f"total time {time.time() - t0:.1f}s")
    return 0 if acc >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
