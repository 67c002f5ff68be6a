#!/usr/bin/env python3
"""Reads LisaKit exports with the official Python readers and compares their masks with the
masks LisaKit decoded itself.

    check_exports.py FORMAT OUT EXPECTED

FORMAT is webdataset, coco, llava, reasonseg or mds; OUT the export folder; EXPECTED a folder of
PNG masks written by the Swift test (Tests/DatasetStoreTests/ExportFidelityTests.swift):
  webdataset, llava, mds: KEY-0.png, KEY-1.png ... (one per target, 0/255) and KEY-ignore.png
  coco:              ann-ID.png (0/255)
  reasonseg:         SPLIT/NAME.png, the label map (0/1/255) our rasterizer gives the file
Readers: webdataset.WebDataset (tar grouping, decoding; the mask PNGs also through plain PIL and
OpenCV), MosaicML Streaming's StreamingDataset (mds; it needs torch, so its test is optional), pycocotools (COCO, mask.decode), and
LISA's ReasonSeg mask rule (`get_mask_from_json` of dvlab-research/LISA, rewritten here from its
description: cv2.polylines + cv2.fillPoly of int32 points, largest area first, `flag` skipped,
`ignore` = 255), under the OpenCV version LISA pins (opencv-python 4.8).

Prints one JSON object {format, checked, mismatches: [...], ...}; exit status 1 on any
mismatch, 2 on unusable input.
"""
import glob
import hashlib
import io
import json
import os
import sys

import numpy as np
from PIL import Image


def load_png(path):
    return np.array(Image.open(path))


def expected_mask(expected, name):
    path = os.path.join(expected, name)
    if not os.path.exists(path):
        return None
    return load_png(path) > 127


def compare(mismatches, what, ours, theirs):
    if ours is None:
        mismatches.append({"item": what, "reason": "no expected mask from LisaKit"})
        return
    if ours.shape != theirs.shape:
        mismatches.append({"item": what, "reason": f"shape {theirs.shape} vs ours {ours.shape}"})
        return
    diff = int(np.count_nonzero(ours != theirs))
    if diff:
        mismatches.append({"item": what, "reason": f"{diff} pixels differ"})


def check_webdataset(out, expected):
    import webdataset as wds
    from pycocotools import mask as cmask

    manifest = json.load(open(os.path.join(out, "manifest.json")))
    mismatches, checked, masks = [], 0, 0
    for shard in manifest["shards"]:
        path = os.path.join(out, shard["name"])
        digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
        if digest != shard["sha256"]:
            mismatches.append({"item": shard["name"], "reason": "sha256 differs from manifest"})
        dataset = wds.WebDataset(path, shardshuffle=False).decode("l8")  # numpy uint8, gray
        count = 0
        for sample in dataset:
            count += 1
            key = sample["__key__"]
            meta = sample["json"]
            if meta["key"] != key:
                mismatches.append({"item": key, "reason": f"json key {meta['key']}"})
            image_ext = [k for k in sample if k in ("jpg", "png")]
            if len(image_ext) != 1:
                mismatches.append({"item": key, "reason": f"image members {image_ext}"})
                continue
            targets = meta["target_ids"]
            if "mask.png" in sample:
                theirs = np.asarray(sample["mask.png"]) > 127
                compare(mismatches, key, expected_mask(expected, f"{key}-0.png"), theirs)
                masks += 1
            elif "masks" in meta:
                for i, rle in enumerate(meta["masks"]):
                    theirs = cmask.decode({"size": rle["size"], "counts": rle["counts"].encode()}).astype(bool)
                    compare(mismatches, f"{key}[{i}]", expected_mask(expected, f"{key}-{i}.png"), theirs)
                    masks += 1
            elif targets:
                mismatches.append({"item": key, "reason": "targets but no mask"})
            if "ignore" in meta:
                rle = meta["ignore"]
                theirs = cmask.decode({"size": rle["size"], "counts": rle["counts"].encode()}).astype(bool)
                compare(mismatches, f"{key}[ignore]", expected_mask(expected, f"{key}-ignore.png"), theirs)
            checked += 1
        if count != shard["samples"]:
            mismatches.append({"item": shard["name"], "reason": f"{count} samples, manifest says {shard['samples']}"})
    # Original image bytes: hash what the tar holds against the store's sha256. The mask PNGs
    # (1-bit gray by default) also as plain PIL and OpenCV read them.
    import cv2
    mask_depths = set()
    for shard in manifest["shards"]:
        for sample in wds.WebDataset(os.path.join(out, shard["name"]), shardshuffle=False):
            key = sample["__key__"]
            meta = json.loads(sample["json"])
            data = sample.get("jpg") or sample.get("png")
            if hashlib.sha256(data).hexdigest() != meta["image"]["sha256"]:
                mismatches.append({"item": key, "reason": "image bytes differ from the stored image"})
            if "mask.png" in sample:
                raw = sample["mask.png"]
                image = Image.open(io.BytesIO(raw))
                mask_depths.add(image.mode)
                compare(mismatches, f"{key} (PIL)", expected_mask(expected, f"{key}-0.png"), pil_mask(image))
                decoded = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_UNCHANGED)
                compare(mismatches, f"{key} (OpenCV)", expected_mask(expected, f"{key}-0.png"), decoded > 127)
    return {"checked": checked, "masks": masks, "shards": len(manifest["shards"]), "mask_modes": sorted(mask_depths),
            "mismatches": mismatches}


def pil_mask(image):
    """Foreground of a mask PNG as PIL gives it: mode "1" (1-bit) is boolean already, 8-bit is 0/255."""
    array = np.array(image)
    return array.astype(bool) if image.mode == "1" else array > 127


def check_mds(out, expected):
    """MosaicML Streaming's own reader (StreamingDataset over each split's index.json)."""
    from streaming import StreamingDataset
    from streaming.base.util import clean_stale_shared_memory

    clean_stale_shared_memory()
    mismatches, checked, masks, splits = [], 0, 0, []
    for index_path in sorted(glob.glob(os.path.join(out, "*", "index.json"))):
        split = os.path.basename(os.path.dirname(index_path))
        splits.append(split)
        index = json.load(open(index_path))
        for shard in index["shards"]:
            path = os.path.join(out, split, shard["raw_data"]["basename"])
            data = open(path, "rb").read()
            if len(data) != shard["raw_data"]["bytes"]:
                mismatches.append({"item": path, "reason": "size differs from index.json"})
            if hashlib.sha256(data).hexdigest() != shard["raw_data"]["hashes"]["sha256"]:
                mismatches.append({"item": path, "reason": "sha256 differs from index.json"})
            if len(data) > shard["size_limit"] and shard["samples"] > 1:
                mismatches.append({"item": path, "reason": f"{len(data)} bytes over the size limit with several samples"})
        dataset = StreamingDataset(local=out, split=split, shuffle=False, batch_size=1)
        if dataset.num_samples != sum(s["samples"] for s in index["shards"]):
            mismatches.append({"item": split, "reason": f"{dataset.num_samples} samples, index says otherwise"})
        for i in range(dataset.num_samples):
            sample = dataset[i]
            key, meta = sample["key"], sample["json"]
            if meta["key"] != key:
                mismatches.append({"item": key, "reason": f"json key {meta['key']}"})
            if hashlib.sha256(sample["image"]).hexdigest() != meta["image"]["sha256"]:
                mismatches.append({"item": key, "reason": "image bytes differ from the stored image"})
            if len(sample["masks"]) != len(meta["target_ids"]):
                mismatches.append({"item": key, "reason": f"{len(sample['masks'])} masks for {len(meta['target_ids'])} targets"})
            for j, image in enumerate(sample["masks"]):
                compare(mismatches, f"{key}[{j}]", expected_mask(expected, f"{key}-{j}.png"), pil_mask(image))
                masks += 1
            if "ignore" in meta:
                try:
                    from pycocotools import mask as cmask
                except ImportError:
                    cmask = None
                if cmask is not None:
                    rle = meta["ignore"]
                    theirs = cmask.decode({"size": rle["size"], "counts": rle["counts"].encode()}).astype(bool)
                    compare(mismatches, f"{key}[ignore]", expected_mask(expected, f"{key}-ignore.png"), theirs)
            checked += 1
    return {"checked": checked, "masks": masks, "splits": splits, "mismatches": mismatches}


def check_coco(out, expected):
    from pycocotools.coco import COCO

    mismatches, checked = [], 0
    files = sorted(glob.glob(os.path.join(out, "annotations", "instances_*.json")))
    for path in files:
        split = os.path.basename(path)[len("instances_"):-len(".json")]
        coco = COCO(path)
        for ann_id in sorted(coco.getAnnIds()):
            ann = coco.loadAnns(ann_id)[0]
            theirs = coco.annToMask(ann).astype(bool)
            compare(mismatches, f"ann {ann_id}", expected_mask(expected, f"ann-{ann_id}.png"), theirs)
            checked += 1
        for img in coco.loadImgs(coco.getImgIds()):
            image_path = os.path.join(out, "images", split, img["file_name"])
            if os.path.exists(image_path):
                w, h = Image.open(image_path).size
                if (w, h) != (img["width"], img["height"]):
                    mismatches.append({"item": img["file_name"], "reason": f"size {w}x{h} vs {img['width']}x{img['height']}"})
        instructions = json.load(open(os.path.join(out, "annotations", f"instructions_{split}.json")))
        for ann_id in instructions:
            if int(ann_id) not in coco.anns:
                mismatches.append({"item": f"instructions[{ann_id}]", "reason": "no such annotation"})
    return {"checked": checked, "files": len(files), "mismatches": mismatches}


def check_llava(out, expected):
    from pycocotools import mask as cmask

    mismatches, checked = [], 0
    for path in sorted(glob.glob(os.path.join(out, "*.json"))):
        for entry in json.load(open(path)):
            key = entry["id"]
            human, gpt = entry["conversations"][0], entry["conversations"][1]
            if human["from"] != "human" or not human["value"].startswith("<image>\n"):
                mismatches.append({"item": key, "reason": "human turn is not an <image>\\n question"})
            if gpt["from"] != "gpt" or gpt["value"].count("[SEG]") != len(entry["masks"]):
                mismatches.append({"item": key, "reason": "[SEG] count differs from the masks"})
            if not os.path.exists(os.path.join(out, entry["image"])):
                mismatches.append({"item": key, "reason": "image file missing"})
            for i, rle in enumerate(entry["masks"]):
                theirs = cmask.decode({"size": rle["size"], "counts": rle["counts"].encode()}).astype(bool)
                compare(mismatches, f"{key}[{i}]", expected_mask(expected, f"{key}-{i}.png"), theirs)
            checked += 1
    return {"checked": checked, "mismatches": mismatches}


def lisa_mask(json_path, image):
    """LISA's ReasonSeg rule (see the module docstring)."""
    import cv2

    try:
        with open(json_path, "r") as f:
            anno = json.loads(f.read())
    except UnicodeDecodeError:
        with open(json_path, "r", encoding="cp1252") as f:
            anno = json.loads(f.read())
    height, width = image.shape[:2]
    areas, polys = [], []
    for shape in anno["shapes"]:
        if shape["label"].lower() == "flag":
            continue
        pts = np.array([shape["points"]], dtype=np.int32)
        scratch = np.zeros((height, width), dtype=np.uint8)
        cv2.polylines(scratch, pts, True, 1, 1)
        cv2.fillPoly(scratch, pts, 1)
        areas.append(scratch.sum())
        polys.append(shape)
    order = np.argsort(areas)[::-1].astype(np.int32)
    mask = np.zeros((height, width), dtype=np.uint8)
    for index in order:
        shape = polys[index]
        value = 255 if "ignore" in shape["label"].lower() else 1
        pts = np.array([shape["points"]], dtype=np.int32)
        cv2.polylines(mask, pts, True, value, 1)
        cv2.fillPoly(mask, pts, value)
    return mask


def check_reasonseg(out, expected):
    import cv2

    mismatches, checked = [], 0
    for split in ("train", "val", "test", "unassigned"):
        for image_path in sorted(glob.glob(os.path.join(out, split, "*.jpg"))):  # LISA globs *.jpg only
            json_path = image_path.replace(".jpg", ".json")
            image = cv2.imread(image_path)
            if image is None:
                mismatches.append({"item": image_path, "reason": "cv2 cannot read the image"})
                continue
            theirs = lisa_mask(json_path, image)
            name = os.path.splitext(os.path.basename(image_path))[0]
            ours_path = os.path.join(expected, split, name + ".png")
            if not os.path.exists(ours_path):
                mismatches.append({"item": f"{split}/{name}", "reason": "no expected label map"})
                continue
            ours = load_png(ours_path)
            if ours.shape != theirs.shape:
                mismatches.append({"item": f"{split}/{name}", "reason": f"shape {theirs.shape} vs ours {ours.shape}"})
            elif np.any(ours != theirs):
                mismatches.append({"item": f"{split}/{name}", "reason": f"{int(np.count_nonzero(ours != theirs))} pixels differ"})
            anno = json.load(open(json_path))
            if not isinstance(anno.get("text"), list) or not isinstance(anno.get("is_sentence"), bool):
                mismatches.append({"item": f"{split}/{name}", "reason": "text must be a list and is_sentence a bool"})
            checked += 1
    explanatory = os.path.join(out, "explanatory", "train.json")
    explanations = 0
    if os.path.exists(explanatory):
        for item in json.load(open(explanatory)):
            explanations += 1
            if not any(os.path.exists(os.path.join(out, s, item["image"])) for s in ("train", "val", "test", "unassigned")):
                mismatches.append({"item": item["image"], "reason": "explanation for a missing image"})
    return {"checked": checked, "explanations": explanations, "mismatches": mismatches}


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    fmt, out, expected = sys.argv[1:]
    checks = {"webdataset": check_webdataset, "coco": check_coco, "llava": check_llava, "reasonseg": check_reasonseg,
              "mds": check_mds}
    if fmt not in checks:
        print(f"unknown format {fmt}", file=sys.stderr)
        return 2
    import contextlib
    with contextlib.redirect_stdout(sys.stderr):  # pycocotools prints progress on stdout
        result = checks[fmt](out, expected)
    result["format"] = fmt
    print(json.dumps(result, indent=1, sort_keys=True))
    return 1 if result["mismatches"] or result["checked"] == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
