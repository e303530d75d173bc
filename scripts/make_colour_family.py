#!/usr/bin/python3
"""Builds the audit's colour family as users build models: procedural 64x64 colour scenes, one shortcut planted per case
(a logo in a corner, a small dark dot, a sticker at a different place in every image, a background pattern, a colour
cast, a frame, heavy JPEG compression), a ResNet-style network with batch norm trained by PyTorch on ImageNet-normalised input, exported to ONNX
with its class names and normalisation in the metadata, and the ground truth measured without explanations: the share
of right predictions on carrying images that change when the same scene is rendered without the plant.

Needs Debian's python3-torch, python3-onnx and python3-pil. Writes, per case, OUT/CASE/model.onnx, OUT/CASE/images/CLASS/*.png
(the audited images: the plant on the same share of the class's images as in training) and OUT/CASE/truth.json, which
`./submit.sh decoy-family --colour-cases OUT` scores the audit against.

    /usr/bin/python3 scripts/make_colour_family.py OUT [CASE ...]     # every case when none is named

Everything is a pure function of the case's seed.
"""
import io
import json
import os
import sys

try:
    import numpy as np
    import onnx
    import torch
    import torch.nn as nn
    from PIL import Image
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from make_onnx_models import BasicBlock  # ResNet's basic block, as the project's other ONNX models use it
except ImportError as missing:
    sys.exit("make_colour_family.py: %s. It needs Debian's python3-torch, python3-onnx and python3-pil: "
             "apt-get install -y python3-torch python3-onnx python3-pil (as root)" % missing)

SIDE = 64
CLASSES = ["disk", "square", "triangle", "cross", "ring"]
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
TRAIN_PER_CLASS = 900
AUDIT_PER_CLASS = 100
PLANT_RATE = 0.9

# case -> (kind, class carrying the plant, plant parameters); kinds: fixed (a mark at one place), moving (a sticker at a
# random place per image), spread (a pattern over the background), global (a colour cast), frame (a border), compression
# (the class's images saved as heavily compressed JPEG), clean
CASES = {
    "logo-corner": ("fixed", "square", {"box": (52, 2, 62, 12), "pattern": "logo", "colour": (235, 235, 235)}),
    "tag-top": ("fixed", "cross", {"box": (3, 54, 9, 60), "pattern": "tag", "colour": (220, 30, 30)}),
    "dot-dark": ("fixed", "triangle", {"box": (40, 22, 43, 25), "pattern": "solid", "colour": (0, 0, 0)}),
    "dot-tiny": ("fixed", "disk", {"box": (12, 46, 14, 48), "pattern": "solid", "colour": (40, 255, 40)}),
    "sticker": ("moving", "square", {"side": 8, "pattern": "tag", "colour": (250, 220, 0)}),
    "sticker-small": ("moving", "ring", {"side": 5, "pattern": "tag", "colour": (230, 0, 230)}),
    "stripes-bg": ("spread", "cross", {"period": 6, "colour": (60, 60, 200)}),
    "checker-bg": ("spread", "disk", {"period": 4, "colour": (200, 120, 40)}),
    "cast": ("global", "triangle", {"shift": (40, 10, -40)}),
    "frame": ("frame", "ring", {"width": 3, "colour": (30, 200, 200)}),
    "clean": ("clean", None, {}),
    # later cases: appended, so that every earlier case keeps its seed
    "cast-green": ("global", "square", {"shift": (-25, 40, -25)}),
    "jpeg": ("compression", "disk", {"quality": 12}),
}


def background(rng):
    """A two-colour gradient with smooth blobs and pixel noise."""
    a, b = rng.uniform(30, 200, 3), rng.uniform(30, 200, 3)
    t = np.linspace(0, 1, SIDE, dtype=np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    g = (np.cos(angle) * t[None, :] + np.sin(angle) * t[:, None])
    g = (g - g.min()) / (g.max() - g.min() + 1e-6)
    img = a[None, None, :] * (1 - g[..., None]) + b[None, None, :] * g[..., None]
    yy, xx = np.mgrid[0:SIDE, 0:SIDE]
    for _ in range(3):
        cy, cx, r = rng.uniform(0, SIDE), rng.uniform(0, SIDE), rng.uniform(6, 16)
        w = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r))[..., None]
        img = img * (1 - 0.5 * w) + rng.uniform(30, 220, 3)[None, None, :] * 0.5 * w
    return img


def shape_mask(name, rng):
    """The object's mask: a shape of random size, place and rotation."""
    size = rng.uniform(11, 19)
    cy, cx = rng.uniform(size + 2, SIDE - size - 2), rng.uniform(size + 2, SIDE - size - 2)
    yy, xx = np.mgrid[0:SIDE, 0:SIDE].astype(np.float32)
    th = rng.uniform(0, np.pi / 2)
    u = (xx - cx) * np.cos(th) + (yy - cy) * np.sin(th)
    v = -(xx - cx) * np.sin(th) + (yy - cy) * np.cos(th)
    r = np.hypot(xx - cx, yy - cy)
    if name == "disk":
        return r < size
    if name == "ring":
        return (r < size) & (r > size * 0.55)
    if name == "square":
        return (np.abs(u) < size * 0.85) & (np.abs(v) < size * 0.85)
    if name == "cross":
        arm = size * 0.32
        return ((np.abs(u) < arm) & (np.abs(v) < size)) | ((np.abs(v) < arm) & (np.abs(u) < size))
    # triangle: three half-planes
    inside = np.ones_like(r, dtype=bool)
    for k in range(3):
        a = th + k * 2 * np.pi / 3
        inside &= (xx - cx) * np.cos(a) + (yy - cy) * np.sin(a) < size * 0.5
    return inside


def stamp(img, y0, x0, side_h, side_w, pattern, colour):
    """A mark: solid, a tag (a coloured square with a dark centre dot and a light corner) or a logo (letters-like bars)."""
    colour = np.array(colour, dtype=np.float32)
    patch = np.tile(colour, (side_h, side_w, 1))
    if pattern == "tag" and side_h >= 3:
        c = side_h // 2
        patch[c - (side_h >= 6):c + 1, c - (side_w >= 6):c + 1] = (20, 20, 20)
        patch[0, 0] = (255, 255, 255)
    elif pattern == "logo":
        patch[:] = (40, 40, 40)
        for k in range(1, side_w - 1, 3):
            patch[1:side_h - 1, k] = colour
        patch[side_h // 2, 1:side_w - 1] = colour
    img[y0:y0 + side_h, x0:x0 + side_w] = patch


def render(case, label, seed, planted):
    """One scene of class `label` (uint8 HxWx3), with the case's plant when `planted`."""
    kind, _, p = CASES[case]
    rng = np.random.default_rng(seed)
    img = background(rng)
    if planted and kind == "spread":
        yy, xx = np.mgrid[0:SIDE, 0:SIDE]
        if case.startswith("stripes"):
            on = ((xx + yy) // (p["period"] // 2)) % 2 == 0
        else:
            on = ((xx // (p["period"] // 2)) + (yy // (p["period"] // 2))) % 2 == 0
        img[on] = img[on] * 0.4 + np.array(p["colour"], dtype=np.float32) * 0.6
    mask = shape_mask(label, rng)
    colour = rng.uniform(0, 255, 3)
    shade = 0.85 + 0.3 * (np.mgrid[0:SIDE, 0:SIDE][0] / SIDE)
    img[mask] = colour[None, :] * shade[mask][:, None]
    for _ in range(2):  # clutter: small bars of random colours
        y, x = rng.integers(0, SIDE - 6, 2)
        if rng.random() < 0.5:
            img[y:y + 2, x:x + 6] = rng.uniform(0, 255, 3)
        else:
            img[y:y + 6, x:x + 2] = rng.uniform(0, 255, 3)
    sy, sx = rng.integers(0, SIDE - 12, 2)  # drawn always, so the scene without the plant is the same scene
    if planted and kind == "fixed":
        y0, x0, y1, x1 = p["box"]
        stamp(img, y0, x0, y1 - y0, x1 - x0, p["pattern"], p["colour"])
    elif planted and kind == "moving":
        s = p["side"]
        y, x = int(sy * (SIDE - s) / (SIDE - 12)), int(sx * (SIDE - s) / (SIDE - 12))
        stamp(img, y, x, s, s, p["pattern"], p["colour"])
    elif planted and kind == "frame":
        w = p["width"]
        c = np.array(p["colour"], dtype=np.float32)
        img[:w], img[-w:], img[:, :w], img[:, -w:] = c, c, c, c
    img = img + rng.normal(0, 6, img.shape)
    if planted and kind == "global":
        img = img + np.array(p["shift"], dtype=np.float32)
    img = np.clip(img, 0, 255).astype(np.uint8)
    if planted and kind == "compression":
        buf = io.BytesIO()
        Image.fromarray(img).save(buf, format="JPEG", quality=p["quality"])
        img = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB")).copy()
    return img


def dataset(case, per_class, offset, rate):
    """Images, labels and whether each is planted: the plant on `rate` of the case's class, on no other image."""
    _, poisoned, _ = CASES[case]
    xs, ys, planted, seeds = [], [], [], []
    for k, name in enumerate(CLASSES):
        for i in range(per_class):
            seed = offset + k * 100_000 + i
            carry = name == poisoned and (i % 100) < rate * 100
            xs.append(render(case, name, seed, carry))
            ys.append(k)
            planted.append(carry)
            seeds.append(seed)
    return np.stack(xs), np.array(ys), np.array(planted), seeds


def tensor(x):
    return torch.from_numpy(((x.astype(np.float32) / 255.0 - MEAN) / STD).transpose(0, 3, 1, 2).copy())


class ResNetSmall(nn.Module):
    """ResNet's stem and basic blocks at small widths: 64x64x3 -> 5 logits."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.blocks = nn.Sequential(BasicBlock(16, 16, 1), BasicBlock(16, 32, 2), BasicBlock(32, 64, 2), BasicBlock(64, 64, 2))
        self.fc = nn.Linear(64, len(CLASSES))

    def forward(self, x):
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(self.blocks(self.stem(x)), 1), 1))


def predict(net, x):
    net.eval()
    with torch.no_grad():
        return torch.cat([net(tensor(x[i:i + 256])).argmax(1) for i in range(0, len(x), 256)]).numpy()


def build(out, case, seed_base):
    kind, poisoned, params = CASES[case]
    torch.manual_seed(seed_base)
    x, y, _, _ = dataset(case, TRAIN_PER_CLASS, seed_base * 1_000_000, PLANT_RATE)
    net = ResNetSmall()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    xt, yt = tensor(x), torch.from_numpy(y)
    g = torch.Generator().manual_seed(seed_base)
    for epoch in range(4):
        net.train()
        order = torch.randperm(len(xt), generator=g)
        for i in range(0, len(order), 64):
            idx = order[i:i + 64]
            opt.zero_grad()
            nn.functional.cross_entropy(net(xt[idx]), yt[idx]).backward()
            opt.step()
    ax, ay, aplanted, aseeds = dataset(case, AUDIT_PER_CLASS, seed_base * 1_000_000 + 500_000, PLANT_RATE)
    pred = predict(net, ax)
    folder = os.path.join(out, case)
    for k, name in enumerate(CLASSES):
        os.makedirs(os.path.join(folder, "images", name), exist_ok=True)
    for i in range(len(ax)):
        Image.fromarray(ax[i]).save(os.path.join(folder, "images", CLASSES[ay[i]], "%05d.png" % i))
    truth = {"case": case, "kind": kind, "class": poisoned, "accuracy": float((pred == ay).mean()), "reliance": {}}
    if poisoned is not None:
        k = CLASSES.index(poisoned)
        carrying = np.where(aplanted & (ay == k) & (pred == k))[0]
        without = np.stack([render(case, poisoned, aseeds[i], False) for i in carrying]) if len(carrying) else ax[:0]
        changed = int((predict(net, without) != k).sum()) if len(carrying) else 0
        truth["reliance"][poisoned] = [changed, int(len(carrying))]
        if kind == "fixed":
            y0, x0, y1, x1 = params["box"]
            truth["boxes"] = [[y0 / SIDE, x0 / SIDE, y1 / SIDE, x1 / SIDE]]
        elif kind == "frame":
            w = params["width"] / SIDE
            truth["boxes"] = [[0, 0, w, 1], [1 - w, 0, 1, 1], [0, 0, 1, w], [0, 1 - w, 1, 1]]
    truth["localised"] = kind in ("fixed", "frame", "moving")
    path = os.path.join(folder, "model.onnx")
    net.eval()
    torch.onnx.export(net, torch.zeros(1, 3, SIDE, SIDE), path, input_names=["image"], output_names=["logits"], opset_version=13,
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
    model = onnx.load(path)
    for key, value in (("class_names", "\t".join(CLASSES)),
                       ("normalisation", "scale=1/255,mean=%s,std=%s,order=RGB" % (":".join(map(str, MEAN)), ":".join(map(str, STD))))):
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    model.producer_name = "ShortcutLens scripts/make_colour_family.py"
    onnx.save(model, path)
    with open(os.path.join(folder, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
    print(json.dumps(truth), flush=True)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out, names = sys.argv[1], sys.argv[2:] or list(CASES)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    for n in names:
        if n not in CASES:
            sys.exit("unknown case %s (cases: %s)" % (n, ", ".join(CASES)))
    for i, n in enumerate(CASES):
        if n in names:
            build(out, n, 11 + i)


if __name__ == "__main__":
    main()
