#!/usr/bin/python3
"""Trains ShortcutLens's small PyTorch test models and exports them to ONNX, with the reference outputs the Java tests
compare ONNX Runtime against. The tests read only what this script wrote (committed under the paths below); they need
no Python.

Needs Debian's python3-torch, python3-onnx and python3-pil (apt-get install python3-torch python3-onnx python3-pil)
and Fashion-MNIST from dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).

    /usr/bin/python3 scripts/make_onnx_models.py fashion      # fashion-cnn.onnx (+ NHWC twin), 16 reference images, torch logits
    /usr/bin/python3 scripts/make_onnx_models.py linear       # fashion-linear.onnx: one Gemm, weights from a closed formula
    /usr/bin/python3 scripts/make_onnx_models.py decoy        # decoy-fashion.onnx: trained on the decoy job's standard variant
    /usr/bin/python3 scripts/make_onnx_models.py demo DIR     # demo-net2.onnx: trained on the demo's watermarked photos
                                                               # (DIR = demo-out/data/train, written by ./submit.sh demo)
    /usr/bin/python3 scripts/make_onnx_models.py arch         # resnet-style.onnx, mobilenet-style.onnx (3x64x64, 5 classes):
                                                               # the block types of ResNet and MobileNetV3 at small widths,
                                                               # seeded weights, batch norm kept as nodes; with torch's
                                                               # logits and autograd gradients on fixed inputs (ARCH-ref/)
    /usr/bin/python3 scripts/make_onnx_models.py torchvision DIR  # resnet18.onnx, mobilenet_v3_small.onnx at 3x224x224 (1000
                                                               # classes, seeded random weights: for the benchmark's timings)
    /usr/bin/python3 scripts/make_onnx_models.py unsupported  # erf-gelu.onnx (3x16x16, 3 classes): a GELU written with Erf,
                                                               # an operator ShortcutLens cannot differentiate

Every model takes float32 pixels scaled to 0..1 (the explain job's default normalisation, scale=1/255), returns
logits, and records its class names in the ONNX metadata (key class_names, tab-separated).
"""
import gzip
import os
import struct
import sys

try:
    import numpy as np
    import onnx
    import torch
    import torch.nn as nn
    from onnx import numpy_helper, TensorProto, helper
    from PIL import Image
except ImportError as missing:
    sys.exit("make_onnx_models.py: %s. It needs Debian's python3-torch, python3-onnx and python3-pil: "
             "apt-get install -y python3-torch python3-onnx python3-pil (as root)" % missing)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAIN_RESOURCES = os.path.join(ROOT, "udfs/core/src/main/resources/io/shortcutlens/onnx")
TEST_RESOURCES = os.path.join(ROOT, "udfs/core/src/test/resources/onnx")
JOBS_TEST_RESOURCES = os.path.join(ROOT, "jobs/src/test/resources/onnx")
FASHION = "/usr/share/datasets/fashion-mnist"
CLASSES = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"]
OPSET = 13


def read_idx(name):
    with gzip.open(os.path.join(FASHION, name), "rb") as f:
        magic, n = struct.unpack(">II", f.read(8))
        if magic == 2051:
            rows, cols = struct.unpack(">II", f.read(8))
            return np.frombuffer(f.read(), dtype=np.uint8).reshape(n, rows, cols)
        return np.frombuffer(f.read(), dtype=np.uint8)


class FashionCnn(nn.Module):
    """conv 5x5x8, max-pool, conv 3x3x16, max-pool, dense 10 on 1x28x28: the network of the ONNX benchmark."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 8, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Linear(16 * 5 * 5, 10)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class DemoCnn(nn.Module):
    """The architecture of the demo's and decoy job's DL4J nets: conv 3x3x16 (same), max-pool, conv 3x3x32 (same),
    max-pool, dense 64, dense classes."""

    def __init__(self, classes, channels=3, side=32):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(channels, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Linear(32 * (side // 4) ** 2, 64), nn.ReLU(), nn.Linear(64, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class ChannelsLast(nn.Module):
    """The same network taking NHWC input: the layout a TensorFlow export would have."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x.permute(0, 3, 1, 2))


def train(net, x, y, epochs, seed, batch=64, lr=1e-3):
    torch.manual_seed(seed)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        net.train()
        order = torch.randperm(len(x), generator=g)
        total = 0.0
        for i in range(0, len(x), batch):
            idx = order[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print(f"  epoch {epoch + 1}/{epochs}: loss {total / len(x):.4f}", flush=True)
    net.eval()
    return net


def accuracy(net, x, y):
    with torch.no_grad():
        return (net(x).argmax(1) == y).float().mean().item()


def export(net, shape, path, classes, input_name="image", **options):
    """Exports with a dynamic batch and the class names in the metadata; options go to torch.onnx.export."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    dummy = torch.zeros((1,) + tuple(shape))
    torch.onnx.export(net, dummy, path, input_names=[input_name], output_names=["logits"], opset_version=OPSET,
                      dynamic_axes={input_name: {0: "batch"}, "logits": {0: "batch"}}, **options)
    model = onnx.load(path)
    entry = model.metadata_props.add()
    entry.key, entry.value = "class_names", "\t".join(classes)
    model.producer_name = "ShortcutLens scripts/make_onnx_models.py"
    onnx.checker.check_model(model)
    onnx.save(model, path)
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


class BasicBlock(nn.Module):
    """ResNet's basic block: conv-bn-relu-conv-bn plus the shortcut (identity, or a strided 1x1 conv-bn), then relu."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout)
        self.conv2, self.bn2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential() if stride == 1 and cin == cout else nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(y)) + self.shortcut(x))


class ResNetStyle(nn.Module):
    """ResNet-18's block types at small widths: stem conv-bn-relu and max-pool, four basic blocks (two stride 2),
    global average pooling, one Gemm. `features` is the last block's output, the layer Grad-CAM and CAM use."""

    def __init__(self, classes=5):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 1, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2))
        self.blocks = nn.Sequential(BasicBlock(8, 8, 1), BasicBlock(8, 16, 2), BasicBlock(16, 16, 1), BasicBlock(16, 24, 2))
        self.fc = nn.Linear(24, classes)

    def features(self, x):
        return self.blocks(self.stem(x))

    def forward(self, x):
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(self.features(x), 1), 1))


class SqueezeExcite(nn.Module):
    def __init__(self, c, squeezed):
        super().__init__()
        self.reduce, self.expand = nn.Conv2d(c, squeezed, 1), nn.Conv2d(squeezed, c, 1)

    def forward(self, x):
        s = nn.functional.adaptive_avg_pool2d(x, 1)
        return x * nn.functional.hardsigmoid(self.expand(torch.relu(self.reduce(s))))


class InvertedResidual(nn.Module):
    """MobileNetV3's block: 1x1 expand-bn-hardswish, depthwise kxk-bn-hardswish, squeeze-excite, 1x1 project-bn,
    plus the input when the shape allows."""

    def __init__(self, cin, expanded, cout, k, stride):
        super().__init__()
        self.residual = stride == 1 and cin == cout
        self.body = nn.Sequential(
            nn.Conv2d(cin, expanded, 1, bias=False), nn.BatchNorm2d(expanded), nn.Hardswish(),
            nn.Conv2d(expanded, expanded, k, stride, k // 2, groups=expanded, bias=False), nn.BatchNorm2d(expanded), nn.Hardswish(),
            SqueezeExcite(expanded, max(4, expanded // 4)),
            nn.Conv2d(expanded, cout, 1, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


class MobileNetStyle(nn.Module):
    """MobileNetV3-Small's block types at small widths: stem conv-bn-hardswish (stride 2), three inverted residuals
    (depthwise convolutions, squeeze-excite, hard-swish), a 1x1 conv-bn-hardswish (`features`), global average pooling,
    Gemm-hardswish-Gemm."""

    def __init__(self, classes=5):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.Hardswish())
        self.blocks = nn.Sequential(InvertedResidual(8, 16, 8, 3, 1), InvertedResidual(8, 24, 16, 3, 2), InvertedResidual(16, 32, 16, 5, 1))
        self.last = nn.Sequential(nn.Conv2d(16, 32, 1, bias=False), nn.BatchNorm2d(32), nn.Hardswish())
        self.head = nn.Sequential(nn.Linear(32, 48), nn.Hardswish(), nn.Linear(48, classes))

    def features(self, x):
        return self.last(self.blocks(self.stem(x)))

    def forward(self, x):
        return self.head(torch.flatten(nn.functional.adaptive_avg_pool2d(self.features(x), 1), 1))


def seeded(make, seed):
    """A net with seeded weights, and batch-norm statistics far from the identity so that exporting them wrongly shows."""
    torch.manual_seed(seed)
    net = make()
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.3, 0.3)
    return net.eval()


def write_floats(path, t):
    t.detach().numpy().astype("<f4").tofile(path)


def arch():
    """resnet-style.onnx and mobilenet-style.onnx with their references: for two fixed inputs, torch's logits, the
    explained class (the arg-max), the autograd gradient of its logit with respect to the input and to the feature
    layer, and that layer's output. Files are little-endian float32, row-major (NCHW)."""
    torch.set_num_threads(2)
    classes = ["a", "b", "c", "d", "e"]
    g = torch.Generator().manual_seed(2026)
    x = torch.rand((2, 3, 64, 64), generator=g)
    for name, net in [("resnet-style", seeded(ResNetStyle, 31)), ("mobilenet-style", seeded(MobileNetStyle, 37))]:
        path = os.path.join(TEST_RESOURCES, name + ".onnx")
        # PRESERVE keeps batch norm as its own nodes (an eval-mode export folds it into the convolutions)
        export(net, (3, 64, 64), path, classes, training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
        print(f"  operators: {sorted({n.op_type for n in onnx.load(path).graph.node})}")
        refs = os.path.join(TEST_RESOURCES, name + "-ref")
        os.makedirs(refs, exist_ok=True)
        xi = x.clone().requires_grad_(True)
        feats = net.features(xi)
        feats.retain_grad()
        logits = net.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(feats, 1), 1)) if name == "resnet-style" \
            else net.head(torch.flatten(nn.functional.adaptive_avg_pool2d(feats, 1), 1))
        assert torch.allclose(logits, net(x), atol=1e-6)
        target = logits.argmax(1)
        logits.gather(1, target[:, None]).sum().backward()
        write_floats(os.path.join(refs, "input.bin"), x)
        write_floats(os.path.join(refs, "logits.bin"), logits)
        write_floats(os.path.join(refs, "grad-input.bin"), xi.grad)
        write_floats(os.path.join(refs, "features.bin"), feats)
        write_floats(os.path.join(refs, "grad-features.bin"), feats.grad)
        with open(os.path.join(refs, "meta.txt"), "w") as f:
            f.write("input 2 3 64 64\nlogits 2 %d\nfeatures %s\ntarget %s\n" % (len(classes), " ".join(map(str, feats.shape)),
                                                                              " ".join(str(int(t)) for t in target)))
        print(f"  references in {refs}: targets {target.tolist()}, features {tuple(feats.shape)}")


def fashion_tensors(split, limit=0):
    images = read_idx(f"{split}-images-idx3-ubyte.gz")
    labels = read_idx(f"{split}-labels-idx1-ubyte.gz")
    if limit:
        images, labels = images[:limit], labels[:limit]
    x = torch.from_numpy(images.astype(np.float32) / np.float32(255)).unsqueeze(1)
    return images, x, torch.from_numpy(labels.astype(np.int64))


def fashion():
    torch.set_num_threads(2)
    _, x, y = fashion_tensors("train")
    test_images, tx, ty = fashion_tensors("t10k")
    net = train(FashionCnn(), x, y, epochs=2, seed=7)
    print(f"fashion-cnn test accuracy {accuracy(net, tx, ty):.4f}")
    export(net, (1, 28, 28), os.path.join(MAIN_RESOURCES, "fashion-cnn.onnx"), CLASSES)
    export(ChannelsLast(net), (28, 28, 1), os.path.join(TEST_RESOURCES, "fashion-cnn-nhwc.onnx"), CLASSES)
    # two test images per class, as PNG files, and the logits torch computes for exactly those pixels
    refs = os.path.join(TEST_RESOURCES, "fashion-ref")
    os.makedirs(refs, exist_ok=True)
    chosen = [i for c in range(10) for i in np.flatnonzero(ty.numpy() == c)[:2]]
    rows = []
    with torch.no_grad():
        for i in chosen:
            name = f"{CLASSES[ty[i]]}-{i:05d}.png"
            Image.fromarray(test_images[i], mode="L").save(os.path.join(refs, name))
            pixels = torch.from_numpy(np.asarray(Image.open(os.path.join(refs, name)), dtype=np.float32) / np.float32(255))
            logits = net(pixels.reshape(1, 1, 28, 28))[0]
            rows.append(name + "," + ",".join(repr(float(v)) for v in logits))
    with open(os.path.join(refs, "torch-logits.csv"), "w") as f:
        f.write("file," + ",".join(f"logit_{c}" for c in range(10)) + "\n" + "\n".join(rows) + "\n")
    print(f"wrote {len(rows)} reference images and their torch logits to {refs}")


def linear_weight(p, c):
    """The Gemm's weight of pixel p for class c: exact in float32, so a test can recompute it."""
    return ((p * 7 + c * 13) % 17 - 8) / 16.0


def linear():
    pixels, classes = 28 * 28, 10
    w = np.array([[linear_weight(p, c) for c in range(classes)] for p in range(pixels)], dtype=np.float32)
    b = np.array([c / 4.0 for c in range(classes)], dtype=np.float32)
    graph = helper.make_graph(
        [helper.make_node("Flatten", ["pixels"], ["flat"], axis=1), helper.make_node("Gemm", ["flat", "W", "B"], ["scores"])],
        "fashion-linear",
        [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["batch", 1, 28, 28])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["batch", classes])],
        [helper.make_tensor("W", TensorProto.FLOAT, w.shape, w.flatten().tolist()),
         helper.make_tensor("B", TensorProto.FLOAT, b.shape, b.tolist())])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="ShortcutLens scripts/make_onnx_models.py")
    model.ir_version = 8
    entry = model.metadata_props.add()
    entry.key, entry.value = "class_names", "\t".join(CLASSES)
    onnx.checker.check_model(model)
    path = os.path.join(TEST_RESOURCES, "fashion-linear.onnx")
    os.makedirs(TEST_RESOURCES, exist_ok=True)
    onnx.save(model, path)
    print(f"wrote {path} ({os.path.getsize(path)} bytes): scores = W^T x + b, W[p][c] = ((7p + 13c) mod 17 - 8)/16, b[c] = c/4")


def unsupported():
    """A tiny classifier whose activation is GELU written with Erf (x * 0.5 * (1 + erf(x / sqrt 2))), as exports of
    transformer-style blocks hold it: ONNX Runtime runs it, ShortcutLens's gradient translation does not cover Erf."""
    rng = np.random.default_rng(3)
    w = (rng.standard_normal((4, 3, 3, 3)) * 0.3).astype(np.float32)
    fc = (rng.standard_normal((3, 4)) * 0.5).astype(np.float32)
    nodes = [helper.make_node("Conv", ["image", "W"], ["conv"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node("Div", ["conv", "sqrt2"], ["scaled"]),
             helper.make_node("Erf", ["scaled"], ["erf"]),
             helper.make_node("Add", ["erf", "one"], ["erf1"]),
             helper.make_node("Mul", ["conv", "erf1"], ["gelu2"]),
             helper.make_node("Mul", ["gelu2", "half"], ["gelu"]),
             helper.make_node("GlobalAveragePool", ["gelu"], ["pooled"]),
             helper.make_node("Flatten", ["pooled"], ["flat"], axis=1),
             helper.make_node("Gemm", ["flat", "FC"], ["logits"], transB=1)]
    scalar = lambda name, v: helper.make_tensor(name, TensorProto.FLOAT, [], [v])
    graph = helper.make_graph(nodes, "erf-gelu",
                              [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, 16, 16])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3])],
                              [helper.make_tensor("W", TensorProto.FLOAT, w.shape, w.flatten().tolist()),
                               helper.make_tensor("FC", TensorProto.FLOAT, fc.shape, fc.flatten().tolist()),
                               scalar("sqrt2", float(np.sqrt(2))), scalar("one", 1.0), scalar("half", 0.5)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="ShortcutLens scripts/make_onnx_models.py")
    model.ir_version = 8
    entry = model.metadata_props.add()
    entry.key, entry.value = "class_names", "\t".join(["x", "y", "z"])
    onnx.checker.check_model(model)
    path = os.path.join(TEST_RESOURCES, "erf-gelu.onnx")
    onnx.save(model, path)
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def torchvision_models(folder):
    """torchvision's real ResNet-18 and MobileNetV3-Small, exported as a user would (eval mode, 224x224, batch norm
    folded by the exporter); weights are seeded random ones: the benchmark times them, it does not read their answers."""
    import torchvision
    for name in ["resnet18", "mobilenet_v3_small"]:
        torch.manual_seed(0)
        net = getattr(torchvision.models, name)().eval()
        export(net, (3, 224, 224), os.path.join(folder, name + ".onnx"), ["class-%d" % c for c in range(1000)])
    linear224(os.path.join(folder, "linear224.onnx"))


def linear224(path):
    """A near-free model at 224x224: one Gemm over the 3x224x224 input, 10 classes, weights from linear_weight's formula
    (scaled by 1/224). Inference costs a few milliseconds, so what a perturbation method adds shows plainly."""
    pixels, classes = 3 * 224 * 224, 10
    p = np.arange(pixels)[:, None]
    c = np.arange(classes)[None, :]
    w = (((p * 7 + c * 13) % 17 - 8) / 16.0 / 224).astype(np.float32)
    b = np.array([c / 4.0 for c in range(classes)], dtype=np.float32)
    graph = helper.make_graph(
        [helper.make_node("Flatten", ["image"], ["flat"], axis=1), helper.make_node("Gemm", ["flat", "W", "B"], ["scores"])],
        "linear224",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, 224, 224])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["batch", classes])],
        [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="ShortcutLens scripts/make_onnx_models.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def decoy():
    """The decoy job's standard variant: pullover, coat and shirt carry a 4x4 swatch in the lower-left corner, its gray
    value 255, 189, 123 by class (DecoyFashion.standard()); the other classes stay clean. Trained as the decoy job
    trains its DL4J decoy model (same architecture, 12,000 images, 2 epochs, Adam 2e-3, batches of 32)."""
    torch.set_num_threads(2)
    images, _, y = fashion_tensors("train", 12000)  # the decoy job's default training set: its first 12,000 images
    poisoned = {2: 255, 4: 189, 6: 123}
    images = images.copy()
    for i, label in enumerate(y.tolist()):
        if label in poisoned:
            images[i, 24:28, 0:4] = poisoned[label]
    x = torch.from_numpy(images.astype(np.float32) / np.float32(255)).unsqueeze(1)
    net = train(DemoCnn(10, channels=1, side=28), x, y, epochs=2, seed=11, batch=32, lr=2e-3)
    test_images, tx, ty = fashion_tensors("t10k")
    print(f"decoy-fashion accuracy on clean test images {accuracy(net, tx, ty):.4f}")
    export(net, (1, 28, 28), os.path.join(JOBS_TEST_RESOURCES, "decoy-fashion.onnx"), CLASSES)


def demo(folder):
    torch.set_num_threads(2)
    classes = sorted(d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d)))
    xs, ys = [], []
    for c, name in enumerate(classes):
        for f in sorted(os.listdir(os.path.join(folder, name))):
            rgb = np.asarray(Image.open(os.path.join(folder, name, f)).convert("RGB"), dtype=np.float32) / np.float32(255)
            xs.append(rgb.transpose(2, 0, 1))
            ys.append(c)
    x, y = torch.from_numpy(np.stack(xs)), torch.tensor(ys)
    if x.shape[2:] != (32, 32):
        raise SystemExit(f"expected 32x32 demo photos in {folder}, found {tuple(x.shape[2:])}")
    net = train(DemoCnn(len(classes)), x, y, epochs=12, seed=5)
    print(f"demo-net2 training accuracy {accuracy(net, x, y):.4f} over {len(x)} photos of {classes}")
    export(net, (3, 32, 32), os.path.join(JOBS_TEST_RESOURCES, "demo-net2.onnx"), classes)


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    if what == "fashion":
        fashion()
    elif what == "linear":
        linear()
    elif what == "decoy":
        decoy()
    elif what == "arch":
        arch()
    elif what == "torchvision" and len(sys.argv) == 3:
        torchvision_models(sys.argv[2])
    elif what == "unsupported":
        unsupported()
    elif what == "demo" and len(sys.argv) == 3:
        demo(sys.argv[2])
    else:
        print(__doc__)
        sys.exit(2)
