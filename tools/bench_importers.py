#!/usr/bin/env python3
"""Benchmark: importing a generated 10k-annotation OpenImages V7 set, ours beside a Python peer.

The set: 2500 JPEG images (640x480) with 4 masks each (1-bit PNGs at 320x240, scaled to the
image on import), packed in the 16 `validation-masks-{h}.zip` shards as OpenImages ships them,
plus the CSV and class descriptions.

Peer (the same work, in Python with the usual libraries): stream the CSV with `csv`, group rows
by ImageID, read the image header with PIL and hash the file, read each mask from its zip with
`zipfile`, decode with PIL, threshold > 127, scale with cv2.resize INTER_NEAREST, encode with
pycocotools (RLE, area, toBbox), and write images + annotations to SQLite (sqlite3) a
transaction per 100 images. Ours: `lisakit-bench importers openimages ROOT` (release build):
the OpenImagesImporter into a fresh store. Best of N for both, annotations per second printed.

Run: LISAKIT_BENCH=.build/release/lisakit-bench /tmp/refenv-imp/bin/python tools/bench_importers.py
"""
import csv, hashlib, io, json, os, shutil, sqlite3, subprocess, sys, tempfile, time, zipfile

import cv2
import numpy as np
from PIL import Image
from pycocotools import mask as mask_utils

REPEATS = int(os.environ.get("BENCH_REPEATS", "2"))
IMAGES, MASKS_PER_IMAGE = 2500, 4
BENCH = os.environ.get("LISAKIT_BENCH", os.path.join(os.path.dirname(__file__), "..", ".build", "release", "lisakit-bench"))


def generate(root):
    os.makedirs(os.path.join(root, "validation"))
    rng = np.random.default_rng(7)
    yy, xx = np.mgrid[0:480, 0:640]
    shards = {}
    rows = []
    for i in range(IMAGES):
        image_id = "%016x" % ((i * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF)
        pixels = np.stack([(xx + i) % 256, (yy * 2 + i) % 256, ((xx ^ yy) + i * 3) % 256], axis=-1).astype(np.uint8)
        Image.fromarray(pixels).save(os.path.join(root, "validation", image_id + ".jpg"), quality=85)
        for k in range(MASKS_PER_IMAGE):
            cx, cy, r = rng.integers(40, 280), rng.integers(40, 200), rng.integers(10, 60)
            m = (((np.mgrid[0:240, 0:320][1] - cx) ** 2 + (np.mgrid[0:240, 0:320][0] - cy) ** 2) < r * r).astype(np.uint8)
            buffer = io.BytesIO()
            Image.fromarray(m * 255).convert("1").save(buffer, format="PNG")
            box_id = "%08x" % (i * MASKS_PER_IMAGE + k)
            name = f"{image_id}_m0{k}_{box_id}.png"
            shards.setdefault(image_id[0], []).append((name, buffer.getvalue()))
            rows.append([name, image_id, f"/m/0{k}", box_id, "0.1", "0.5", "0.1", "0.5", "0.85", "0.2 0.2 1;0.3 0.3 0"])
    for shard, entries in shards.items():
        with zipfile.ZipFile(os.path.join(root, f"validation-masks-{shard}.zip"), "w", zipfile.ZIP_STORED) as z:
            for name, data in entries:
                z.writestr(name, data)
    with open(os.path.join(root, "validation-annotations-object-segmentation.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["MaskPath", "ImageID", "LabelName", "BoxID", "BoxXMin", "BoxXMax", "BoxYMin", "BoxYMax", "PredictedIoU", "Clicks"])
        w.writerows(rows)
    with open(os.path.join(root, "class-descriptions-boxable.csv"), "w") as f:
        f.write("".join(f"/m/0{k},Class {k}\n" for k in range(MASKS_PER_IMAGE)))
    return len(rows)


def peer(root, db_path):
    db = sqlite3.connect(db_path)
    db.execute("CREATE TABLE images(id INTEGER PRIMARY KEY, sha256 TEXT UNIQUE, rel_path TEXT, width INT, height INT, source_id TEXT)")
    db.execute("CREATE TABLE annotations(id INTEGER PRIMARY KEY, image_id INT, key TEXT, category TEXT, geometry TEXT, area REAL,"
               " bbox TEXT, attributes TEXT, UNIQUE(image_id, key))")
    names = dict(csv.reader(open(os.path.join(root, "class-descriptions-boxable.csv"))))
    zips = {}
    count = 0

    def flush(batch):
        with db:
            for image_id, rel, width, height, sha, annotations in batch:
                cur = db.execute("INSERT OR IGNORE INTO images(sha256, rel_path, width, height, source_id) VALUES (?,?,?,?,?)",
                                 (sha, rel, width, height, image_id))
                row_id = cur.lastrowid
                db.executemany("INSERT OR IGNORE INTO annotations(image_id, key, category, geometry, area, bbox, attributes)"
                               " VALUES (?,?,?,?,?,?,?)", [(row_id,) + a for a in annotations])

    def image(rows):
        nonlocal count
        image_id = rows[0][1]
        rel = f"validation/{image_id}.jpg"
        path = os.path.join(root, rel)
        data = open(path, "rb").read()
        sha = hashlib.sha256(data).hexdigest()
        with Image.open(io.BytesIO(data)) as im:
            width, height = im.size
        annotations = []
        for row in rows:
            shard = image_id[0]
            if shard not in zips:
                zips[shard] = zipfile.ZipFile(os.path.join(root, f"validation-masks-{shard}.zip"))
            m = np.array(Image.open(io.BytesIO(zips[shard].read(row[0]))).convert("L")) > 127
            m = m.astype(np.uint8)
            if m.shape != (height, width):
                m = cv2.resize(m, (width, height), interpolation=cv2.INTER_NEAREST)
            rle = mask_utils.encode(np.asfortranarray(m))
            geometry = json.dumps({"size": rle["size"], "counts": rle["counts"].decode()})
            attributes = json.dumps({"BoxID": row[3], "PredictedIoU": float(row[8]), "Clicks": row[9], "MaskPath": row[0]}, sort_keys=True)
            annotations.append((row[0][:-4], names.get(row[2], row[2]), geometry, float(mask_utils.area(rle)),
                                json.dumps(mask_utils.toBbox(rle).tolist()), attributes))
            count += 1
        return (image_id, rel, width, height, sha, annotations)

    batch, group = [], []
    with open(os.path.join(root, "validation-annotations-object-segmentation.csv"), newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            if group and group[0][1] != row[1]:
                batch.append(image(group)); group = []
                if len(batch) >= 100:
                    flush(batch); batch = []
            group.append(row)
    if group:
        batch.append(image(group))
    flush(batch)
    db.close()
    return count


def main():
    tmp = tempfile.mkdtemp(prefix="bench-imp-")
    try:
        root = os.path.join(tmp, "openimages")
        t = time.perf_counter()
        total = generate(root)
        print(f"generated {IMAGES} images, {total} annotations in {time.perf_counter() - t:.1f} s")
        peer_best = float("inf")
        for r in range(REPEATS):
            db = os.path.join(tmp, f"peer{r}.db")
            t = time.perf_counter()
            n = peer(root, db)
            peer_best = min(peer_best, time.perf_counter() - t)
            assert n == total, n
        res = subprocess.run([BENCH, "importers", "openimages", root, str(REPEATS)], check=True, capture_output=True, text=True)
        ours = json.loads(res.stdout)
        assert ours["annotations"] == total and ours["problems"] == 0, ours
        print(f"{'openimages import, 10k annotations':<36} peer (csv+zipfile+PIL+cv2+pycocotools+sqlite3) {peer_best:7.2f} s "
              f"({total / peer_best:,.0f} ann/s)   ours {ours['seconds']:7.2f} s ({total / ours['seconds']:,.0f} ann/s)   "
              f"speedup x{peer_best / ours['seconds']:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
