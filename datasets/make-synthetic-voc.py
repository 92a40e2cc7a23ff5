#!/usr/bin/env python3
"""Renders a synthetic object-detection dataset in Pascal VOC's folder layout.

Five classes of shapes with distinct geometry (circle, square, triangle, star, cross), each
drawn in a random colour, size, rotation and position over a cluttered background (a colour
gradient, noise, lines and irregular blobs). Objects overlap and hide each other, and run over
the image's edge. Boxes are the visible extent of each shape, as VOC's annotation guidelines
ask; an object that is mostly hidden (under 35% visible) or tiny (a side under 12 pixels) is
marked difficult, and one that is completely hidden is left out.

    datasets/make-synthetic-voc.py [--out datasets/synthetic-voc] [--train 8000] [--test 500] [--seed 0]

writes OUT/JPEGImages/*.jpg, OUT/Annotations/*.xml, OUT/ImageSets/Main/{train,val,trainval,test}.txt
(val is the last tenth of the training images; trainval all of them) and OUT/classes.txt.
The same seed and counts give the same files, byte for byte. Needs numpy and Pillow.
"""
import argparse
import math
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

CLASSES = ["circle", "square", "triangle", "star", "cross"]


def polygon(kind, cx, cy, r, angle):
    """The outline of a shape of 'radius' r centred at (cx, cy), rotated by angle (radians)."""
    if kind == "square":
        pts = [(r * math.cos(a), r * math.sin(a)) for a in (math.pi / 4 + k * math.pi / 2 for k in range(4))]
    elif kind == "triangle":
        pts = [(r * math.cos(a), r * math.sin(a)) for a in (-math.pi / 2 + k * 2 * math.pi / 3 for k in range(3))]
    elif kind == "star":
        pts = []
        for k in range(10):
            rad = r if k % 2 == 0 else 0.42 * r
            a = -math.pi / 2 + k * math.pi / 5
            pts.append((rad * math.cos(a), rad * math.sin(a)))
    elif kind == "cross":
        t = 0.33 * r
        pts = [(-t, -r), (t, -r), (t, -t), (r, -t), (r, t), (t, t), (t, r), (-t, r), (-t, t), (-r, t), (-r, -t), (-t, -t)]
    else:
        raise ValueError(kind)
    c, s = math.cos(angle), math.sin(angle)
    return [(cx + x * c - y * s, cy + x * s + y * c) for x, y in pts]


def draw_shape(draw, kind, cx, cy, r, angle, aspect, fill):
    if kind == "circle":
        draw.ellipse([cx - r * aspect, cy - r / aspect, cx + r * aspect, cy + r / aspect], fill=fill)
    else:
        draw.polygon(polygon(kind, cx, cy, r, angle), fill=fill)


def random_colour(rng, saturated):
    h = rng.uniform(0, 1)
    s = rng.uniform(0.45, 1.0) if saturated else rng.uniform(0, 0.5)
    v = rng.uniform(0.35, 1.0)
    i = int(h * 6) % 6
    f = h * 6 - int(h * 6)
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    r, g, b = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
    return int(r * 255), int(g * 255), int(b * 255)


def background(rng, w, h):
    """A gradient between two dull colours, noise, lines and irregular blobs: clutter that is no class."""
    a, b = np.array(random_colour(rng, False), float), np.array(random_colour(rng, False), float)
    t = np.linspace(0, 1, w)[None, :, None] if rng.uniform() < 0.5 else np.linspace(0, 1, h)[:, None, None]
    img = a * (1 - t) + b * t + np.zeros((h, w, 3))
    img += rng.normal(0, rng.uniform(4, 14), (h, w, 3))
    im = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(im)
    for _ in range(int(rng.integers(8, 25))):
        d.line([tuple(rng.uniform(0, [w, h])), tuple(rng.uniform(0, [w, h]))], fill=random_colour(rng, rng.uniform() < 0.5),
               width=int(rng.integers(1, 4)))
    for _ in range(int(rng.integers(4, 12))):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(3, 0.08 * min(w, h))
        n = int(rng.integers(6, 11))
        pts = [(cx + r * rng.uniform(0.4, 1.3) * math.cos(2 * math.pi * k / n), cy + r * rng.uniform(0.4, 1.3) * math.sin(2 * math.pi * k / n))
               for k in range(n)]
        d.polygon(pts, fill=random_colour(rng, rng.uniform() < 0.5))
    return im


def render(rng):
    w, h = int(rng.integers(128, 193)), int(rng.integers(128, 193))
    im = background(rng, w, h)
    d = ImageDraw.Draw(im)
    objects = []
    for _ in range(int(rng.integers(1, 6))):
        kind = CLASSES[int(rng.integers(len(CLASSES)))]
        r = rng.uniform(0.07, 0.3) * min(w, h)
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        angle = rng.uniform(0, 2 * math.pi)
        aspect = rng.uniform(0.8, 1.25)
        mask = Image.new("L", (w, h), 0)
        draw_shape(ImageDraw.Draw(mask), kind, cx, cy, r, angle, aspect, 255)
        draw_shape(d, kind, cx, cy, r, angle, aspect, random_colour(rng, True))
        m = np.asarray(mask) > 0
        for o in objects:  # the new shape hides what it covers of the earlier ones
            o["visible"] &= ~m
        objects.append({"kind": kind, "area": m.sum(), "visible": m})
    out = []
    for o in objects:
        vis = o["visible"]
        if o["area"] == 0 or not vis.any():
            continue
        ys, xs = np.nonzero(vis)
        x1, y1, x2, y2 = int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1
        hidden = vis.sum() / o["area"] < 0.35
        tiny = min(x2 - x1, y2 - y1) < 12
        out.append((o["kind"], x1, y1, x2, y2, hidden or tiny))
    return im, out


def annotation(image_id, w, h, objects):
    lines = ["<annotation>", "  <folder>synthetic-voc</folder>", f"  <filename>{image_id}.jpg</filename>",
             f"  <size><width>{w}</width><height>{h}</height><depth>3</depth></size>", "  <segmented>0</segmented>"]
    for kind, x1, y1, x2, y2, difficult in objects:
        # VOC's 1-based inclusive pixel coordinates
        lines += ["  <object>", f"    <name>{kind}</name>", "    <pose>Unspecified</pose>",
                  f"    <truncated>{int(x1 == 0 or y1 == 0 or x2 == w or y2 == h)}</truncated>", f"    <difficult>{int(difficult)}</difficult>",
                  f"    <bndbox><xmin>{x1 + 1}</xmin><ymin>{y1 + 1}</ymin><xmax>{x2}</xmax><ymax>{y2}</ymax></bndbox>", "  </object>"]
    return "\n".join(lines + ["</annotation>", ""])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "synthetic-voc"))
    ap.add_argument("--train", type=int, default=8000, help="training images (default 8000)")
    ap.add_argument("--test", type=int, default=500, help="test images (default 500)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if args.train < 10 or args.test < 1:
        sys.exit("make-synthetic-voc.py: --train must be at least 10 and --test at least 1")
    for sub in ("JPEGImages", "Annotations", os.path.join("ImageSets", "Main")):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)
    ids = {"train": [], "test": []}
    counts = {"objects": 0, "difficult": 0}
    for split, n, offset in (("train", args.train, 0), ("test", args.test, 1_000_000)):
        for i in range(n):
            rng = np.random.default_rng([args.seed, offset + i])
            image_id = f"{split}_{i:06d}"
            im, objects = render(rng)
            im.save(os.path.join(args.out, "JPEGImages", image_id + ".jpg"), quality=90)
            with open(os.path.join(args.out, "Annotations", image_id + ".xml"), "w") as f:
                f.write(annotation(image_id, im.width, im.height, objects))
            ids[split].append(image_id)
            counts["objects"] += len(objects)
            counts["difficult"] += sum(o[5] for o in objects)
    main_dir = os.path.join(args.out, "ImageSets", "Main")
    val_from = len(ids["train"]) - len(ids["train"]) // 10
    lists = {"train": ids["train"][:val_from], "val": ids["train"][val_from:], "trainval": ids["train"], "test": ids["test"]}
    for name, entries in lists.items():
        with open(os.path.join(main_dir, name + ".txt"), "w") as f:
            f.write("".join(e + "\n" for e in entries))
    with open(os.path.join(args.out, "classes.txt"), "w") as f:
        f.write("".join(c + "\n" for c in CLASSES))
    print(f"wrote {args.train} training and {args.test} test images with {counts['objects']} objects "
          f"({counts['difficult']} difficult) to {args.out}")


if __name__ == "__main__":
    main()
