#!/usr/bin/env python3
"""Applies a ShortcutLens correction recipe (OUT/recipe.json of `./submit.sh correct`) to a PyTorch training set.

The rule is the one the correct job applies to DL4J networks: in every epoch, each training image has each step's box
replaced with probability `fraction` -- by the image's per-channel mean (`mean`), by uniform noise over the image's
range per channel (`noise`), by the same box of a random training image from the other side of the step's class
(`paste`), or spread across classes (`spread`: an image of another class takes the box of a random image of the step's
class, an image of the step's class gets its own mean there). Boxes are shares of the image's height and width, so the recipe holds at any resolution.

    from apply_recipe import CorrectedDataset
    train = CorrectedDataset(torchvision.datasets.ImageFolder(root, transform=ToTensor()), "out/correct/recipe.json")
    # Normalize after the recipe (the mean fill is the image's own mean in the tensor it is given)

`python3 scripts/apply_recipe.py RECIPE` checks a recipe on a planted case: images of each step's class carry a
bright box where the step says, the others do not; it prints how often the box survives the recipe per side.
"""
import json
import math
import random
import sys

import torch


def pixel_box(step, h, w):
    """The step's box in pixels (end exclusive), rounded as ShortcutLens rounds its grid cells: up."""
    b = step["box"]
    return (math.ceil(b["top"] * h - 1e-9), math.ceil(b["left"] * w - 1e-9),
            math.ceil(b["bottom"] * h - 1e-9), math.ceil(b["right"] * w - 1e-9))


class CorrectedDataset(torch.utils.data.Dataset):
    """A dataset of (C x H x W tensor, class index) pairs with the recipe applied to each item as it is drawn."""

    def __init__(self, base, recipe, seed=0, labels=None):
        self.base = base
        self.recipe = json.load(open(recipe)) if isinstance(recipe, str) else recipe
        self.rng = random.Random(seed)
        self.labels = list(labels if labels is not None else getattr(base, "targets", [base[i][1] for i in range(len(base))]))

    def __len__(self):
        return len(self.base)

    def __getitem__(self, i):
        x, y = self.base[i]
        x = x.clone()
        for step in self.recipe["steps"]:
            if self.rng.random() >= step["fraction"]:
                continue
            y0, x0, y1, x1 = pixel_box(step, x.shape[-2], x.shape[-1])
            if step["fill"] == "mean":
                x[:, y0:y1, x0:x1] = x.mean(dim=(1, 2), keepdim=True)
            elif step["fill"] == "noise":
                lo = x.amin(dim=(1, 2), keepdim=True)
                hi = x.amax(dim=(1, 2), keepdim=True)
                x[:, y0:y1, x0:x1] = lo + torch.rand(x.shape[0], y1 - y0, x1 - x0) * (hi - lo)
            elif step["fill"] == "paste" or (step["fill"] == "spread" and y != step["class_index"]):
                inside = (y == step["class_index"])
                side = [j for j, l in enumerate(self.labels) if (l == step["class_index"]) != inside]
                if side:
                    donor, _ = self.base[self.rng.choice(side)]
                    x[:, y0:y1, x0:x1] = donor[:, y0:y1, x0:x1]
            elif step["fill"] == "spread":  # an image of the step's class: its own mean there
                x[:, y0:y1, x0:x1] = x.mean(dim=(1, 2), keepdim=True)
            else:
                raise ValueError("unknown fill %r in the recipe" % step["fill"])
        return x, y


def check(recipe_path, per_class=200, size=32):
    recipe = json.load(open(recipe_path))
    classes = len(recipe["class_names"])
    g = torch.Generator().manual_seed(1)
    items = []
    for k in range(classes * per_class):
        label = k % classes
        x = torch.rand(3, size, size, generator=g) * 0.5
        for step in recipe["steps"]:
            if label == step["class_index"]:
                y0, x0, y1, x1 = pixel_box(step, size, size)
                x[:, y0:y1, x0:x1] = 1.0
        items.append((x, label))
    data = CorrectedDataset(items, recipe, seed=7, labels=[l for _, l in items])
    for step in recipe["steps"]:
        y0, x0, y1, x1 = pixel_box(step, size, size)
        survived = {True: [0, 0], False: [0, 0]}
        for i in range(len(data)):
            x, label = data[i]
            inside = label == step["class_index"]
            survived[inside][0] += int(bool((x[:, y0:y1, x0:x1] == 1.0).all()))
            survived[inside][1] += 1
        print("%s %s: fill %s, fraction %.2f, box rows %d-%d cols %d-%d of %d: the box's artifact survives on %.3f of the class's "
              "images and %.3f of the others'" % (step["class"], step["region"], step["fill"], step["fraction"], y0, y1, x0, x1, size,
                                                   survived[True][0] / survived[True][1], survived[False][0] / survived[False][1]))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: apply_recipe.py RECIPE.json")
    check(sys.argv[1])
