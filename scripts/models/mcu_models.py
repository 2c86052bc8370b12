"""MCU-class ("tiny") model definitions for Kiln's end-to-end tests.

Each entry of TINY_MODELS maps a name to (constructor, input shape). Weights are random
(seeded by the caller); the shapes follow the MLPerf Tiny reference models where one
exists. Used by export_torchvision.py.

  ds_cnn_kws         keyword spotting DS-CNN (MLPerf Tiny KWS), input [1,1,49,10] MFCC
  resnet8            ResNet-8 for 32x32 RGB (MLPerf Tiny image classification)
  dense_autoencoder  FC autoencoder, input [1,640] (MLPerf Tiny anomaly detection)
  mlp                MNIST-style MLP, input [1,1,28,28] flattened inside the model
  transformer_layer  one nn.TransformerEncoderLayer(d_model=64, nhead=4, GELU,
                     batch_first=True), input [1,16,64]
"""
import torch
import torch.nn as nn


def _conv_bn_relu(cin, cout, k, stride=1, padding=0, groups=1):
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, stride=stride, padding=padding, groups=groups, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class DSCNN(nn.Module):
    """MLPerf Tiny KWS DS-CNN: conv 10x4/2 (64) + 4 x (dw3x3 + pw1x1, 64) + avgpool + FC 12.

    Keras' 'same' padding for the first conv is asymmetric (4/5 rows, 1/1 cols); a
    symmetric (5,1) padding gives the same 25x5 output size and keeps one Conv node.
    """

    def __init__(self, channels=64, n_classes=12, n_blocks=4):
        super().__init__()
        layers = [_conv_bn_relu(1, channels, (10, 4), stride=2, padding=(5, 1))]
        for _ in range(n_blocks):
            layers.append(_conv_bn_relu(channels, channels, 3, padding=1, groups=channels))
            layers.append(_conv_bn_relu(channels, channels, 1))
        self.features = nn.Sequential(*layers)
        self.pool = nn.AvgPool2d((25, 5))
        self.dropout = nn.Dropout(0.4)
        self.fc = nn.Linear(channels, n_classes)

    def forward(self, x):                 # [1,1,49,10]
        x = self.features(x)              # [1,64,25,5]
        x = self.pool(x)                  # [1,64,1,1]
        x = torch.flatten(x, 1)
        return self.fc(self.dropout(x))


class _ResBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Conv2d(cin, cout, 1, stride=stride)

    def forward(self, x):
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        s = x if self.shortcut is None else self.shortcut(x)
        return self.relu(y + s)


class ResNet8(nn.Module):
    """MLPerf Tiny image-classification ResNet-8 (CIFAR-10): 16-32-64 stacks, softmax out."""

    def __init__(self, n_classes=10):
        super().__init__()
        self.stem = _conv_bn_relu(3, 16, 3, padding=1)
        self.stack1 = _ResBlock(16, 16, 1)
        self.stack2 = _ResBlock(16, 32, 2)
        self.stack3 = _ResBlock(32, 64, 2)
        self.pool = nn.AvgPool2d(8)
        self.fc = nn.Linear(64, n_classes)

    def forward(self, x):                 # [1,3,32,32]
        x = self.stack3(self.stack2(self.stack1(self.stem(x))))   # [1,64,8,8]
        x = torch.flatten(self.pool(x), 1)
        return torch.softmax(self.fc(x), dim=1)


class DenseAutoencoder(nn.Module):
    """MLPerf Tiny anomaly-detection autoencoder: 640 -> 128x4 -> 8 -> 128x4 -> 640,
    each hidden Dense followed by BatchNorm and ReLU."""

    def __init__(self, n_in=640, hidden=128, bottleneck=8):
        super().__init__()

        def block(i, o):
            return [nn.Linear(i, o), nn.BatchNorm1d(o), nn.ReLU(inplace=True)]

        dims = [n_in, hidden, hidden, hidden, hidden, bottleneck,
                hidden, hidden, hidden, hidden]
        layers = []
        for i, o in zip(dims[:-1], dims[1:]):
            layers += block(i, o)
        layers.append(nn.Linear(hidden, n_in))
        self.net = nn.Sequential(*layers)

    def forward(self, x):                 # [1,640]
        return self.net(x)


class MLP(nn.Module):
    def __init__(self, n_in=784, hidden=(256, 128), n_classes=10):
        super().__init__()
        layers = [nn.Flatten()]
        prev = n_in
        for h in hidden:
            layers += [nn.Linear(prev, h), nn.ReLU(inplace=True)]
            prev = h
        layers.append(nn.Linear(prev, n_classes))
        self.net = nn.Sequential(*layers)

    def forward(self, x):                 # [1,1,28,28]
        return self.net(x)


def transformer_layer():
    # dim_feedforward is torch's default (2048); dropout is inactive in eval mode.
    return nn.TransformerEncoderLayer(d_model=64, nhead=4, activation="gelu",
                                      batch_first=True)


TINY_MODELS = {
    "ds_cnn_kws": (DSCNN, (1, 1, 49, 10)),
    "resnet8": (ResNet8, (1, 3, 32, 32)),
    "dense_autoencoder": (DenseAutoencoder, (1, 640)),
    "mlp": (MLP, (1, 1, 28, 28)),
    "transformer_layer": (transformer_layer, (1, 16, 64)),
}
