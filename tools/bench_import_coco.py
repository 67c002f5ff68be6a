#!/usr/bin/env python3
"""Benchmark: importing a generated 10k-annotation COCO instances set, ours beside a Python peer.

The set: 2500 JPEG images (640x480) with 4 annotations each: 2 polygons, 1 compressed RLE and
1 uncompressed crowd RLE, in one instances JSON.

Peer (the same work in Python with the usual libraries): load the JSON, hash and read each
image's header (hashlib, PIL), turn each segmentation into RLE with pycocotools (frPyObjects /
frPyObjects on uncompressed counts, area, toBbox), and write images and annotations to SQLite
(sqlite3), a transaction per 100 images. Ours: `lisakit import coco` (release build) into a
fresh store, timed as a whole process. Both run as child processes (the peer is this script
with --peer, timed inside the child after its imports), so each one's own peak resident memory
is measured (GNU time's %M). Best of N time,
annotations per second and the largest peak RSS printed.

Run: /path/to/venv/bin/python tools/bench_import_coco.py   (needs numpy, pillow, pycocotools)
"""
import hashlib, json, os, sqlite3, subprocess, sys, tempfile, time

import numpy as np
from PIL import Image
from pycocotools import mask as mask_utils

REPEATS = int(os.environ.get("BENCH_REPEATS", "2"))
IMAGES = 2500
LISAKIT = os.environ.get("LISAKIT", os.path.join(os.path.dirname(__file__), "..", ".build", "release", "lisakit"))


def generate(root):
    rng = np.random.default_rng(11)
    yy, xx = np.mgrid[0:480, 0:640]
    images, annotations = [], []
    for i in range(IMAGES):
        name = f"img{i:05d}.jpg"
        pixels = np.stack([(xx + i) % 256, (yy * 2 + i) % 256, ((xx ^ yy) + i * 3) % 256], axis=-1).astype(np.uint8)
        pixels[:16, :16, 0], pixels[:16, :16, 1] = i & 255, (i >> 8) * 20  # every image distinct
        Image.fromarray(pixels).save(os.path.join(root, name), quality=85)
        images.append({"id": i + 1, "file_name": name, "width": 640, "height": 480})
        for k in range(2):
            cx, cy = rng.integers(60, 580), rng.integers(60, 420)
            angles = np.sort(rng.uniform(0, 2 * np.pi, 12))
            radii = rng.uniform(20, 55, 12)
            ring = np.stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)], axis=1).reshape(-1)
            annotations.append({"id": len(annotations) + 1, "image_id": i + 1, "category_id": 1 + k,
                                "segmentation": [ring.round(2).tolist()], "iscrowd": 0})
        m = np.zeros((480, 640), dtype=np.uint8, order="F")
        cx, cy, r = rng.integers(60, 580), rng.integers(60, 420), rng.integers(10, 50)
        m[((xx - cx) ** 2 + (yy - cy) ** 2) < r * r] = 1
        rle = mask_utils.encode(np.asfortranarray(m))
        annotations.append({"id": len(annotations) + 1, "image_id": i + 1, "category_id": 3,
                            "segmentation": {"size": [480, 640], "counts": rle["counts"].decode()}, "iscrowd": 0})
        counts, flat, run, value = [], m.reshape(-1, order="F"), 0, 0
        for pixel in flat:
            if pixel != value:
                counts.append(run); run, value = 0, pixel
            run += 1
        counts.append(run)
        annotations.append({"id": len(annotations) + 1, "image_id": i + 1, "category_id": 3,
                            "segmentation": {"size": [480, 640], "counts": counts}, "iscrowd": 1})
    document = {"images": images, "annotations": annotations,
                "categories": [{"id": c, "name": f"class{c}"} for c in (1, 2, 3)]}
    path = os.path.join(root, "instances.json")
    with open(path, "w") as f:
        json.dump(document, f)
    return path, len(annotations)


def peer(root, instances, db):
    with open(instances) as f:
        document = json.load(f)
    by_image = {}
    for a in document["annotations"]:
        by_image.setdefault(a["image_id"], []).append(a)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE images(id INTEGER PRIMARY KEY, sha TEXT UNIQUE, path TEXT, w INT, h INT)")
    con.execute("CREATE TABLE annotations(id INTEGER PRIMARY KEY, image INT, key TEXT, rle TEXT, area REAL, bbox TEXT)")
    for start in range(0, len(document["images"]), 100):
        with con:
            for image in document["images"][start:start + 100]:
                path = os.path.join(root, image["file_name"])
                data = open(path, "rb").read()
                with Image.open(path) as im:
                    w, h = im.size
                    im.load()
                cur = con.execute("INSERT INTO images(sha, path, w, h) VALUES (?, ?, ?, ?)", (hashlib.sha256(data).hexdigest(), path, w, h))
                for a in by_image.get(image["id"], []):
                    seg = a["segmentation"]
                    if isinstance(seg, list):
                        rle = mask_utils.merge(mask_utils.frPyObjects(seg, h, w))
                    elif isinstance(seg["counts"], list):
                        rle = mask_utils.frPyObjects(seg, h, w)
                    else:
                        rle = {"size": seg["size"], "counts": seg["counts"].encode()}
                    con.execute("INSERT INTO annotations(image, key, rle, area, bbox) VALUES (?, ?, ?, ?, ?)",
                                (cur.lastrowid, str(a["id"]), rle["counts"].decode() if isinstance(rle["counts"], bytes) else str(rle["counts"]),
                                 float(mask_utils.area(rle)), json.dumps(mask_utils.toBbox(rle).tolist())))
    con.close()


def ours(root, instances, db):
    subprocess.run([LISAKIT, "init", db], check=True, capture_output=True)
    start = time.perf_counter()
    peak, _ = run_measured([LISAKIT, "import", "coco", "--db", db, "--annotations", instances, root])
    return peak, time.perf_counter() - start


def peer_process(root, instances, db):
    """The peer in a child process; its time is the child's own (interpreter start and imports excluded)."""
    peak, output = run_measured([sys.executable, os.path.abspath(__file__), "--peer", root, instances, db])
    return peak, float(output)


def run_measured(command):
    """Runs `command` under GNU time; returns its own peak resident memory in KiB and its stdout.

    (wait4's ru_maxrss straight from this process would not do: a child forked from this Python
    process starts with its high-water mark. /usr/bin/time is small, so its child's is its own.)
    """
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile() as peak:
        result = subprocess.run(["/usr/bin/time", "-o", peak.name, "-f", "%M"] + command, stdout=out, stderr=subprocess.PIPE)
        if result.returncode != 0:
            raise SystemExit(f"{command[0]} failed: {result.stderr.decode()}")
        out.seek(0)
        return int(open(peak.name).read().split()[-1]), out.read().decode()


def best(fn, *args):
    times, peaks = [], []
    for repeat in range(REPEATS):
        with tempfile.TemporaryDirectory() as scratch:
            peak, seconds = fn(*args, os.path.join(scratch, "bench.db"))
            peaks.append(peak)
            times.append(seconds)
    return min(times), max(peaks)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--peer":
        start = time.perf_counter()
        peer(*sys.argv[2:])
        print(time.perf_counter() - start)
        sys.exit(0)
    with tempfile.TemporaryDirectory() as root:
        instances, count = generate(root)
        peer_seconds, peer_peak = best(peer_process, root, instances)
        our_seconds, our_peak = best(ours, root, instances)
        print(f"COCO import, {count} annotations on {IMAGES} images, {os.path.getsize(instances) / 1e6:.1f} MB of JSON (best of {REPEATS}):")
        print(f"  peer (json + PIL + pycocotools + sqlite3): {count / peer_seconds:8.0f} annotations/s ({peer_seconds:.2f} s), peak RSS {peer_peak / 1024:.0f} MiB")
        print(f"  lisakit import coco:                       {count / our_seconds:8.0f} annotations/s ({our_seconds:.2f} s), peak RSS {our_peak / 1024:.0f} MiB")
        print(f"  ratio (ours / peer): {peer_seconds / our_seconds:.2f}x")
