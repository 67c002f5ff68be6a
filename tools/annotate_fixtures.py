#!/usr/bin/env python3
"""Generate the Annotate fidelity fixtures with the reference implementations.

Reference tools: pycocotools (RLE, frPyObjects, iou, merge, toBbox), OpenCV (fillPoly,
polylines, resize INTER_NEAREST) in two versions -- the one LISA pins (opencv-python 4.8.0.74,
"legacy" fill rule) and a current one (>= 4.11, here 5.x) -- scikit-image sample images for
real masks, and numpy transcriptions of LISA's loader/metric formulas (lisa.md).

Usage (from the repository root; `make fixtures` runs it with the reference venv):
  python3 -m venv /tmp/refenv-annotate && /tmp/refenv-annotate/bin/pip install pycocotools opencv-python-headless numpy scikit-image
  /tmp/refenv-annotate/bin/python tools/annotate_fixtures.py [--legacy-python PATH]

The legacy OpenCV runs in a second venv (opencv-python-headless 4.8.0.74 needs numpy < 2):
--legacy-python, else $LISAKIT_LEGACY_CV_PYTHON, else ~/.cache/lisakit-refenv-opencv48, which
is created with pip on first use.

Big masks (4096x4096, long runs) are not stored: the fixture holds the pattern that builds
them (XOR of circles / rectangles / checkerboards, re-built by the Swift tests) and the
expected pycocotools RLE string.
"""
import argparse, base64, json, os, subprocess, sys
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "AnnotateTests", "Fixtures")


# ---------------------------------------------------------------- OpenCV worker (both venvs)
def lisa_mask_from_shapes(cv2, shapes, height, width):
    """LISA utils/data_processing.get_mask_from_json, mask part, transcribed from lisa.md."""
    area_list, valid = [], []
    for s in shapes:
        if "flag" == s["label"].lower():
            continue
        tmp = np.zeros((height, width), dtype=np.uint8)
        cv2.polylines(tmp, np.array([s["points"]], dtype=np.int32), True, 1, 1)
        cv2.fillPoly(tmp, np.array([s["points"]], dtype=np.int32), 1)
        area_list.append(tmp.sum())
        valid.append(s)
    order = list(np.argsort(area_list)[::-1].astype(np.int32))
    mask = np.zeros((height, width), dtype=np.uint8)
    for i in order:
        s = valid[i]
        value = 255 if "ignore" in s["label"].lower() else 1
        cv2.polylines(mask, np.array([s["points"]], dtype=np.int32), True, value, 1)
        cv2.fillPoly(mask, np.array([s["points"]], dtype=np.int32), value)
    return mask


def pack(mask):
    return {"shape": list(mask.shape), "bits": base64.b64encode(np.packbits(mask.reshape(-1) != 0)).decode(),
            "ignore": base64.b64encode(np.packbits(mask.reshape(-1) == 255)).decode()}


def opencv_worker():
    import cv2
    jobs = json.load(sys.stdin)
    out = []
    for job in jobs:
        h, w = job["h"], job["w"]
        if job["kind"] == "fill":
            m = np.zeros((h, w), np.uint8)
            cv2.fillPoly(m, [np.array(c, np.int32).reshape(-1, 2) for c in job["contours"]], 1)
        elif job["kind"] == "polylines":
            m = np.zeros((h, w), np.uint8)
            cv2.polylines(m, [np.array(c, np.int32).reshape(-1, 2) for c in job["contours"]], job["closed"], 1, 1)
        elif job["kind"] == "reasonseg":
            m = lisa_mask_from_shapes(cv2, job["shapes"], h, w)
        else:
            raise SystemExit("unknown job " + job["kind"])
        out.append(pack(m))
    json.dump({"version": cv2.__version__, "results": out}, sys.stdout)


def unpack(result, key="bits"):
    h, w = result["shape"]
    bits = np.unpackbits(np.frombuffer(base64.b64decode(result[key]), np.uint8))[: h * w]
    return bits.reshape(h, w).astype(np.uint8)


# ---------------------------------------------------------------- helpers
def rle_of(mask):
    from pycocotools import mask as mu
    r = mu.encode(np.asfortranarray(mask.astype(np.uint8)))
    return r["counts"].decode()


def pattern_mask(p):
    h, w = p["h"], p["w"]
    m = np.zeros((h, w), dtype=bool)
    yy, xx = np.mgrid[0:h, 0:w]
    for op in p["ops"]:
        if op["op"] == "circle":
            m ^= (xx - op["cx"]) ** 2 + (yy - op["cy"]) ** 2 <= op["r"] ** 2
        elif op["op"] == "rect":
            m[op["y0"]:op["y1"], op["x0"]:op["x1"]] ^= True
        elif op["op"] == "checker":
            m ^= ((xx // op["period"]) + (yy // op["period"])) % 2 == 1
    return m.astype(np.uint8)


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def write_png(path, mask):
    import cv2
    cv2.imwrite(path, (mask * 255).astype(np.uint8), [cv2.IMWRITE_PNG_COMPRESSION, 9])


def legacy_python(given):
    """The Python of a venv with LISA's OpenCV (4.8.0.74), created on first use."""
    if given:
        return given
    venv = os.path.join(os.path.expanduser("~"), ".cache", "lisakit-refenv-opencv48")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "numpy<2", "opencv-python-headless==4.8.0.74"], check=True)
    return python


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--opencv-worker", action="store_true")
    ap.add_argument("--legacy-python", default=os.environ.get("LISAKIT_LEGACY_CV_PYTHON"))
    args = ap.parse_args()
    if args.opencv_worker:
        return opencv_worker()

    import cv2
    from pycocotools import mask as mu
    import skimage.data as skd

    rng = np.random.default_rng(20261130)
    os.makedirs(os.path.join(OUT, "masks"), exist_ok=True)

    # ------------------------------------------------------------ masks: random + real
    named = {}
    def blobs(h, w, n):
        yy, xx = np.mgrid[0:h, 0:w]
        m = np.zeros((h, w), bool)
        for _ in range(n):
            cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(2, max(3, min(h, w) / 3))
            m |= (xx - cx) ** 2 + (yy - cy) ** 2 <= r * r
        return m.astype(np.uint8)
    named["noise_17x23"] = (rng.random((17, 23)) < 0.5).astype(np.uint8)
    named["sparse_64x48"] = (rng.random((64, 48)) < 0.03).astype(np.uint8)
    named["dense_31x57"] = (rng.random((31, 57)) < 0.9).astype(np.uint8)
    for i in range(8):
        named[f"blobs{i}_60x80"] = blobs(60, 80, 1 + i % 4)
    named["empty_60x80"] = np.zeros((60, 80), np.uint8)
    named["full_60x80"] = np.ones((60, 80), np.uint8)
    border = np.zeros((60, 80), np.uint8)
    border[0, 0] = border[0, 79] = border[59, 0] = border[59, 79] = border[30, 0] = border[0, 40] = 1
    named["borderpixels_60x80"] = border
    named["diagonal_60x80"] = (np.eye(60, 80, dtype=np.uint8) | np.eye(60, 80, k=5, dtype=np.uint8))
    holes = np.zeros((60, 80), np.uint8); holes[5:55, 5:75] = 1; holes[10:20, 10:30] = 0; holes[30:50, 40:70] = 0
    holes[35:45, 50:60] = 1; holes[15, 15] = 1; holes[25, 50] = 0
    named["holes_60x80"] = holes
    named["real_horse"] = skd.horse().astype(np.uint8) ^ 1       # horse is drawn dark on white
    named["real_coins"] = (skd.coins() > 110).astype(np.uint8)
    named["real_camera"] = (skd.camera() < 80).astype(np.uint8)
    named["real_text"] = (skd.text() < 100).astype(np.uint8)
    named["real_page"] = (skd.page() < 110).astype(np.uint8)
    named["real_blobs"] = skd.binary_blobs(length=256, rng=7).astype(np.uint8)
    for name, m in named.items():
        write_png(os.path.join(OUT, "masks", name + ".png"), m)

    def rle_case(name, m, source):
        r = mu.encode(np.asfortranarray(m))
        d = mu.decode(r)
        assert (d == m).all()
        text = r["counts"].decode()
        case = {"name": name, "source": source, "h": int(m.shape[0]), "w": int(m.shape[1]),
                "area": int(mu.area(r)), "bbox": [float(v) for v in mu.toBbox(r)]}
        if len(text) <= 20000:
            case["string"] = text
        else:   # keep the fixture small: length, FNV-1a 64 and the head of the string
            case["string_len"] = len(text)
            case["string_fnv1a64"] = fnv1a64(text.encode())
            case["string_head"] = text[:200]
        if m.size <= 5000:
            # uncompressed counts via pycocotools' own frPyObjects round trip
            counts, pos, v = [], 0, 0
            flat = m.reshape(-1, order="F")
            i = 0
            while i < flat.size:
                j = i
                while j < flat.size and flat[j] == v: j += 1
                counts.append(j - i); i = j; v ^= 1
            if not counts or flat.size == 0: counts = [0]
            if flat.size and flat[0] == 1 and counts[0] != 0: counts = [0] + counts
            back = mu.frPyObjects({"size": [int(m.shape[0]), int(m.shape[1])], "counts": counts}, *m.shape)
            assert back["counts"].decode() == case["string"], name
            case["counts"] = counts
        return case

    rle_cases = [rle_case(n, m, {"png": f"masks/{n}.png"}) for n, m in named.items()]
    patterns = [
        {"name": "one_by_one_empty", "h": 1, "w": 1, "ops": []},
        {"name": "one_by_one_full", "h": 1, "w": 1, "ops": [{"op": "rect", "x0": 0, "y0": 0, "x1": 1, "y1": 1}]},
        {"name": "row_1x300", "h": 1, "w": 300, "ops": [{"op": "rect", "x0": 7, "y0": 0, "x1": 299, "y1": 1}]},
        {"name": "column_300x1", "h": 300, "w": 1, "ops": [{"op": "rect", "x0": 0, "y0": 0, "x1": 1, "y1": 150}]},
        {"name": "checker1_33x65", "h": 33, "w": 65, "ops": [{"op": "checker", "period": 1}]},
        {"name": "checker3_100x37", "h": 100, "w": 37, "ops": [{"op": "checker", "period": 3}]},
        {"name": "corner_pixels_4096", "h": 4096, "w": 4096, "ops": [
            {"op": "rect", "x0": 0, "y0": 0, "x1": 1, "y1": 1}, {"op": "rect", "x0": 4095, "y0": 4095, "x1": 4096, "y1": 4096},
            {"op": "rect", "x0": 4095, "y0": 0, "x1": 4096, "y1": 1}, {"op": "rect", "x0": 0, "y0": 4095, "x1": 1, "y1": 4096}]},
        {"name": "full_4096", "h": 4096, "w": 4096, "ops": [{"op": "rect", "x0": 0, "y0": 0, "x1": 4096, "y1": 4096}]},
        {"name": "empty_4096", "h": 4096, "w": 4096, "ops": []},
        {"name": "circles_4096", "h": 4096, "w": 4096, "ops": [
            {"op": "circle", "cx": 2000, "cy": 1800, "r": 1500}, {"op": "circle", "cx": 2100, "cy": 1900, "r": 400},
            {"op": "circle", "cx": 3900, "cy": 100, "r": 700}, {"op": "rect", "x0": 0, "y0": 4000, "x1": 4096, "y1": 4096}]},
        {"name": "checker_4096x3000", "h": 4096, "w": 3000, "ops": [{"op": "checker", "period": 7},
            {"op": "circle", "cx": 1500, "cy": 2000, "r": 1000}]},
    ]
    for p in patterns:
        m = pattern_mask(p)
        rle_cases.append(rle_case(p["name"], m, {"pattern": {"h": p["h"], "w": p["w"], "ops": p["ops"]}}))

    # ------------------------------------------------------------ iou / merge
    same = [n for n in named if n.endswith("_60x80")]
    rles = {n: mu.encode(np.asfortranarray(named[n])) for n in same}
    dt, gt = same[:7], same[4:]
    crowd = [int(v) for v in rng.integers(0, 2, len(gt))]
    iou = mu.iou([rles[n] for n in dt], [rles[n] for n in gt], crowd)
    coins = [(skd.coins() > t).astype(np.uint8) for t in (90, 110, 130, 150)]
    coin_rles = [mu.encode(np.asfortranarray(m)) for m in coins]
    iou2 = mu.iou(coin_rles[:2], coin_rles[1:], [0, 1, 0])
    merges = []
    for combo in ([same[0], same[1]], [same[2], same[3], same[4]], ["empty_60x80", same[5]], ["full_60x80", same[6]],
                  ["noise_17x23", "noise_17x23"], ["holes_60x80", "diagonal_60x80", "borderpixels_60x80"]):
        rs = [mu.encode(np.asfortranarray(named[n])) for n in combo]
        for inter in (0, 1):
            merges.append({"masks": combo, "intersect": bool(inter), "string": mu.merge(rs, intersect=inter)["counts"].decode()})
    iou_fixture = {
        "cases": [
            {"dt": dt, "gt": gt, "iscrowd": crowd, "iou": np.asarray(iou).tolist()},
            {"dt_coins": [90, 110], "gt_coins": [110, 130, 150], "iscrowd": [0, 1, 0], "iou": np.asarray(iou2).tolist(),
             "coins": {str(t): r["counts"].decode() for t, r in zip((90, 110, 130, 150), coin_rles)},
             "h": 303, "w": 384},
        ],
        "merges": merges,
    }

    # ------------------------------------------------------------ polygons -> RLE (frPyObjects)
    poly_cases = []
    def poly_case(h, w, polys):
        rs = mu.frPyObjects(polys, h, w)
        poly_cases.append({"h": h, "w": w, "polygons": polys, "strings": [r["counts"].decode() for r in rs],
                           "union": mu.merge(rs)["counts"].decode(), "area": int(mu.area(mu.merge(rs)))})
    for i in range(40):
        h, w = int(rng.integers(5, 120)), int(rng.integers(5, 120))
        polys = []
        for _ in range(int(rng.integers(1, 4))):
            n = int(rng.integers(3, 15))
            if i % 3 == 0:   # integers
                pts = rng.integers(-10, max(h, w) + 10, size=2 * n).astype(float)
            else:
                pts = rng.uniform(-15, max(h, w) + 15, size=2 * n)
            polys.append([round(float(v), 3) for v in pts])
        poly_case(h, w, polys)
    poly_case(50, 60, [[10.5, 10.5, 40.2, 10.5, 40.2, 30.7, 10.5, 30.7]])
    poly_case(50, 60, [[0, 0, 60, 0, 60, 50, 0, 50]])
    poly_case(50, 60, [[-1000, -1000, 5000, -1000, 5000, 5000, -1000, 5000]])
    poly_case(50, 60, [[3, 3, 3, 3, 3, 3]])
    poly_case(50, 60, [[5, 5, 20, 5, 20, 5, 20, 25, 5, 25, 5, 25]])
    poly_case(1, 1, [[0, 0, 1, 0, 1, 1, 0, 1]])
    t = np.linspace(0, 2 * np.pi, 200, endpoint=False)
    rad = 300 + 150 * np.sin(5 * t)
    star = np.stack([512 + rad * np.cos(t), 512 + rad * np.sin(t)], 1).reshape(-1)
    poly_case(1024, 1024, [[round(float(v), 4) for v in star]])
    bbox_cases = []
    for box in ([10, 20, 30, 15], [0.5, 0.5, 10.2, 3.7], [-5, -5, 20, 20], [50, 40, 100, 100], [3, 3, 0, 0], [0, 0, 60, 50]):
        r = mu.frPyObjects(np.array([box], dtype=np.float64), 50, 60)[0]
        bbox_cases.append({"box": box, "h": 50, "w": 60, "string": r["counts"].decode()})

    # ------------------------------------------------------------ OpenCV fill / polylines / ReasonSeg
    jobs = []
    def add_fill(h, w, contours):
        jobs.append({"kind": "fill", "h": h, "w": w, "contours": contours})
    for i in range(60):
        h, w = int(rng.integers(10, 90)), int(rng.integers(10, 90))
        n = int(rng.integers(3, 25))
        spread = 30 if i % 4 == 0 else 5
        contour = rng.integers(-spread, max(h, w) + spread, size=2 * n).tolist()
        add_fill(h, w, [contour])
    for i in range(10):   # several contours at once (even-odd between them)
        h, w = 70, 70
        add_fill(h, w, [rng.integers(0, 70, size=2 * int(rng.integers(3, 9))).tolist() for _ in range(3)])
    add_fill(60, 60, [[10, 10, 50, 10, 50, 50, 10, 50], [20, 20, 40, 20, 40, 40, 20, 40]])      # square with hole
    add_fill(60, 60, [[30, 30]])                                                                  # 1 point
    add_fill(60, 60, [[5, 7, 52, 41]])                                                            # 2 points
    add_fill(60, 60, [[-100000, -100000, 100000, -90000, 30, 100000]])                            # far outside
    add_fill(60, 60, [[-2000000000, 5, 2000000000, 30, 20, 59]])                                  # huge
    add_fill(60, 60, [[0, 0, 59, 0, 59, 59, 0, 59]])                                              # border
    add_fill(60, 60, [[10, 10, 10, 10, 10, 10]])                                                  # degenerate
    add_fill(100, 100, [[50, 0, 61, 35, 98, 35, 68, 57, 79, 91, 50, 70, 21, 91, 32, 57, 2, 35, 39, 35]])  # star
    add_fill(1024, 1024, [[int(v) for v in star]])
    for i in range(15):
        h, w = int(rng.integers(10, 70)), int(rng.integers(10, 70))
        contour = rng.integers(-20, max(h, w) + 20, size=2 * int(rng.integers(2, 10))).tolist()
        jobs.append({"kind": "polylines", "h": h, "w": w, "contours": [contour], "closed": bool(i % 2)})

    os.makedirs(os.path.join(OUT, "reasonseg"), exist_ok=True)
    reasonseg = []
    def add_reasonseg(name, h, w, shapes, text, is_sentence, encoding="utf-8"):
        doc = {"text": text, "is_sentence": is_sentence, "shapes": [{"label": s["label"], "points": s["points"],
               "group_id": None, "shape_type": "polygon", "flags": {}} for s in shapes],
               "imageHeight": h, "imageWidth": w}
        with open(os.path.join(OUT, "reasonseg", name + ".json"), "w", encoding=encoding) as f:
            json.dump(doc, f, ensure_ascii=False)
        jobs.append({"kind": "reasonseg", "h": h, "w": w, "shapes": shapes})
        reasonseg.append({"file": f"reasonseg/{name}.json", "h": h, "w": w})
    def rand_shape(label, h, w, n):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        ang = np.sort(rng.uniform(0, 2 * np.pi, n))
        r = rng.uniform(5, min(h, w) / 2, n)
        return {"label": label, "points": [[round(float(cx + rr * np.cos(a)), 2), round(float(cy + rr * np.sin(a)), 2)] for a, rr in zip(ang, r)]}
    add_reasonseg("target_and_ignore", 120, 160, [rand_shape("target", 120, 160, 12), rand_shape("ignore", 120, 160, 8),
                  rand_shape("target", 120, 160, 6)], ["What would you sit on?"], True)
    add_reasonseg("flag_skipped", 100, 100, [rand_shape("Flag", 100, 100, 9), rand_shape("target", 100, 100, 7),
                  rand_shape("IGNORE_me", 100, 100, 5)], ["the cup"], False)
    add_reasonseg("negative_and_outside", 90, 110, [{"label": "target", "points": [[-5.7, -3.2], [130.9, 10.1], [60.5, 95.99]]},
                  {"label": "ignore", "points": [[-0.9, 40.9], [30.2, 40.2], [30.7, 80.6], [-0.5, 80.1]]}], ["x"], True)
    add_reasonseg("nested", 80, 80, [{"label": "target", "points": [[5, 5], [75, 5], [75, 75], [5, 75]]},
                  {"label": "ignore", "points": [[20, 20], [60, 20], [60, 60], [20, 60]]},
                  {"label": "target", "points": [[30.9, 30.9], [50.1, 30.2], [40.5, 50.5]]}], ["a", "b"], False)
    add_reasonseg("cp1252_label", 60, 60, [{"label": "caf\u00e9 target", "points": [[10, 10], [50, 12], [30, 50]]}],
                  ["caf\u00e9"], True, encoding="cp1252")
    add_reasonseg("equal_area_order", 50, 50, [{"label": "target", "points": [[10, 10], [40, 10], [40, 40], [10, 40]]},
                  {"label": "ignore", "points": [[10, 10], [40, 10], [40, 40], [10, 40]]},
                  {"label": "target", "points": [[20.5, 5], [45, 5], [45, 30], [20.5, 30]]}], ["tie"], True)
    add_reasonseg("tiny_shapes", 40, 40, [{"label": "target", "points": [[20, 20]]},
                  {"label": "target", "points": [[3, 3], [30, 9]]}], ["dot"], True)

    def run_worker(python):
        proc = subprocess.run([python, os.path.abspath(__file__), "--opencv-worker"], input=json.dumps(jobs),
                              capture_output=True, text=True, check=True)
        return json.loads(proc.stdout)
    current = run_worker(sys.executable)
    legacy = run_worker(legacy_python(args.legacy_python))
    opencv_cases, rs_expected, k = [], [], 0
    for job, cur, leg in zip(jobs, current["results"], legacy["results"]):
        if job["kind"] == "reasonseg":
            entry = dict(reasonseg[len(rs_expected)])
            for tag, res in (("legacy", leg), ("current", cur)):
                entry[tag] = {"target": rle_of(unpack(res) & (unpack(res, "ignore") ^ 1)), "ignore": rle_of(unpack(res, "ignore"))}
            rs_expected.append(entry)
            continue
        case = {k2: job[k2] for k2 in job if k2 != "shapes"}
        case["legacy"] = rle_of(unpack(leg))
        case["current"] = rle_of(unpack(cur))
        opencv_cases.append(case)
    opencv_fixture = {"legacy_version": legacy["version"], "current_version": current["version"],
                      "cases": opencv_cases, "reasonseg": rs_expected}

    # ------------------------------------------------------------ even-odd polygons with holes (skimage)
    from skimage.draw import polygon as sk_polygon
    evenodd = []
    for i in range(25):
        h, w = int(rng.integers(20, 100)), int(rng.integers(20, 100))
        cx, cy = rng.uniform(0.2 * w, 0.8 * w), rng.uniform(0.2 * h, 0.8 * h)
        def ring(cx, cy, rmin, rmax, n):
            ang = np.sort(rng.uniform(0, 2 * np.pi, n))
            rr = rng.uniform(rmin, rmax, n)
            return [round(float(v), 3) for xy in zip(cx + rr * np.cos(ang), cy + rr * np.sin(ang)) for v in xy]
        ext = ring(cx, cy, 0.3 * min(h, w), 0.7 * max(h, w), int(rng.integers(3, 20)))
        holes = [ring(cx + rng.uniform(-3, 3), cy + rng.uniform(-3, 3), 1, 0.25 * min(h, w), int(rng.integers(3, 9)))
                 for _ in range(int(rng.integers(0, 3)))]
        m = np.zeros((h, w), bool)
        for r in [ext] + holes:
            pts = np.array(r).reshape(-1, 2)
            rr, cc = sk_polygon(pts[:, 1] - 0.5, pts[:, 0] - 0.5, shape=(h, w))   # pixel centres at (x+0.5, y+0.5)
            t = np.zeros((h, w), bool); t[rr, cc] = True
            m ^= t
        evenodd.append({"h": h, "w": w, "exterior": ext, "holes": holes, "string": rle_of(m.astype(np.uint8))})

    # ------------------------------------------------------------ resize / bilinear / metrics
    resize_cases = []
    for name, (nw, nh) in (("blobs0_60x80", (37, 23)), ("noise_17x23", (50, 61)), ("real_coins", (500, 211)), ("holes_60x80", (80, 60))):
        m = named[name]
        r = cv2.resize(m, (nw, nh), interpolation=cv2.INTER_NEAREST)
        resize_cases.append({"mask": f"masks/{name}.png", "w": nw, "h": nh, "string": rle_of(r)})
    def torch_bilinear(x, oh, ow):
        ih, iw = x.shape
        def axis(i, o):
            scale = np.float32(i) / np.float32(o)
            src = (np.arange(o, dtype=np.float32) + np.float32(0.5)) * scale - np.float32(0.5)
            src = np.maximum(src, np.float32(0))
            i0 = np.minimum(src.astype(np.int64), i - 1)
            i1 = np.where(i0 < i - 1, i0 + 1, i0)
            return i0, i1, (src - i0).astype(np.float32)
        y0, y1, ly = axis(ih, oh); x0, x1, lx = axis(iw, ow)
        one = np.float32(1)
        top = (one - lx) * x[y0][:, x0] + lx * x[y0][:, x1]
        bot = (one - lx) * x[y1][:, x0] + lx * x[y1][:, x1]
        return ((one - ly)[:, None] * top + ly[:, None] * bot).astype(np.float32)
    logits = (rng.standard_normal((13, 17)) * 4).astype(np.float32)
    up = torch_bilinear(logits, 40, 29)
    # an independent check of the torch formula: OpenCV's INTER_LINEAR uses the same
    # half-pixel mapping and edge clamping (float32 arithmetic, tiny rounding differences)
    up_cv = cv2.resize(logits, (29, 40), interpolation=cv2.INTER_LINEAR)
    assert np.abs(up_cv - up).max() < 1e-4
    bilinear_case = {"w": 17, "h": 13, "logits": [float(v) for v in logits.reshape(-1)], "out_w": 29, "out_h": 40,
                     "values": [float(v) for v in up.reshape(-1)], "cv2_values": [float(v) for v in up_cv.reshape(-1)],
                     "mask": rle_of((up > 0).astype(np.uint8))}

    # LISA metrics: intersectionAndUnionGPU (K=2, ignore 255) + acc_iou / cIoU, in float32 like torch.
    metric_pairs = []
    for i in range(12):
        h, w = 40, 50
        gt = blobs(h, w, 1 + i % 3)
        pred = blobs(h, w, 1 + (i + 1) % 3) if i % 4 else gt.copy()
        if i == 5: gt[:] = 0; pred[:] = 0                      # empty vs empty -> 1.0
        if i == 6: gt[:] = 0                                    # empty target, non-empty prediction
        if i in (2, 7, 9): gt[rng.random((h, w)) < 0.1] = 255   # ignore pixels
        metric_pairs.append((pred, gt))
    acc, inter_sum, union_sum = [], np.zeros(2, np.float32), np.zeros(2, np.float32)
    for pred, gt in metric_pairs:
        out = pred.astype(np.int64).reshape(-1).copy(); tgt = gt.astype(np.int64).reshape(-1)
        out[tgt == 255] = 255
        inter = out[out == tgt]
        ai = np.histogram(inter, bins=2, range=(0, 1))[0].astype(np.float32)
        ao = np.histogram(out, bins=2, range=(0, 1))[0].astype(np.float32)
        at = np.histogram(tgt, bins=2, range=(0, 1))[0].astype(np.float32)
        au = ao + at - ai
        a = ai / (au + np.float32(1e-5))
        a[au == 0] += np.float32(1.0)
        acc.append(float(a[1])); inter_sum += ai; union_sum += au
    metrics_fixture = {"pairs": [{"pred": rle_of(p), "target": rle_of((g == 1).astype(np.uint8)),
                                  "ignore": rle_of((g == 255).astype(np.uint8)), "h": 40, "w": 50, "iou": acc[i]}
                                 for i, (p, g) in enumerate(metric_pairs)],
                       "giou": float(np.mean(np.array(acc, np.float64))),
                       "ciou": float(inter_sum.astype(np.float64)[1] / (union_sum.astype(np.float64)[1] + 1e-10))}

    fixture = {"generator": "tools/annotate_fixtures.py",
               "versions": {"pycocotools": __import__("importlib.metadata").metadata.version("pycocotools"), "numpy": np.__version__,
                            "opencv_current": current["version"], "opencv_legacy": legacy["version"]},
               "rle": rle_cases, "iou": iou_fixture, "evenodd": evenodd, "polygons": poly_cases, "boxes": bbox_cases,
               "opencv": opencv_fixture, "resize": resize_cases, "bilinear": bilinear_case, "metrics": metrics_fixture}
    with open(os.path.join(OUT, "annotate_fixtures.json"), "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    print("wrote", os.path.join(OUT, "annotate_fixtures.json"), os.path.getsize(os.path.join(OUT, "annotate_fixtures.json")), "bytes")


if __name__ == "__main__":
    main()
