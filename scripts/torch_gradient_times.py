#!/usr/bin/python3
"""Times torch autograd on the work the benchmark gives ShortcutLens's gradient methods, so that the two are compared
in one run on one machine: torchvision's ResNet-18 and MobileNetV3-Small at 3x224x224 (the same constructors and seeds
as make_onnx_models.py torchvision; eval mode), THREADS intra-op threads (the benchmark passes its own).

    /usr/bin/python3 scripts/torch_gradient_times.py THREADS REPEATS

Per model it prints, in seconds per image (the median of REPEATS runs after one warm-up):
    torch MODEL forward   S   a batched forward pass of 16 images, per image
    torch MODEL saliency  S   d(target logit)/d(input) of 2 images in one batch
    torch MODEL ig16      S   integrated gradients, 16 trapezoid steps (17 path points in one batch per image), 2 images
Needs Debian's python3-torch and python3-torchvision.
"""
import statistics
import sys
import time

try:
    import torch
    import torchvision
except ImportError as missing:
    sys.exit("torch_gradient_times.py: %s; apt-get install -y python3-torch python3-torchvision" % missing)


def timed(work, repeats):
    work()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def saliency(net, x, targets):
    x = x.clone().requires_grad_(True)
    logits = net(x)
    logits.gather(1, targets[:, None]).sum().backward()
    return x.grad


def integrated_gradients(net, x, targets, steps=16):
    out = []
    alphas = torch.linspace(0, 1, steps + 1)
    weights = torch.full((steps + 1,), 1.0 / steps)
    weights[0] = weights[-1] = 0.5 / steps
    for i in range(x.shape[0]):
        path = (alphas[:, None, None, None] * x[i:i + 1]).requires_grad_(True)
        net(path)[:, targets[i]].sum().backward()
        out.append((path.grad * weights[:, None, None, None]).sum(0) * x[i])
    return torch.stack(out)


def main():
    threads, repeats = int(sys.argv[1]), int(sys.argv[2])
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(7)
    batch = torch.rand(16, 3, 224, 224, generator=g)
    two, targets = batch[:2], torch.tensor([0, 1])
    for name in ["resnet18", "mobilenet_v3_small"]:
        torch.manual_seed(0)
        net = getattr(torchvision.models, name)().eval()
        for p in net.parameters():
            p.requires_grad_(False)
        with torch.no_grad():
            forward = timed(lambda: net(batch), repeats) / 16
        print("torch %s forward %.6f" % (name, forward), flush=True)
        print("torch %s saliency %.6f" % (name, timed(lambda: saliency(net, two, targets), repeats) / 2), flush=True)
        print("torch %s ig16 %.6f" % (name, timed(lambda: integrated_gradients(net, two, targets), max(1, repeats // 3)) / 2), flush=True)


if __name__ == "__main__":
    main()
