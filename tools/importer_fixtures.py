#!/usr/bin/env python3
"""Build the small OpenImages, ScanNet and RefCOCO datasets the importer tests read.

Every dataset is drawn from the bundled photographs (samples/images/*.jpg) and their LabelMe
polygons: masks are rasterized with OpenCV (fillPoly), scaled with cv2.resize INTER_NEAREST and
encoded with pycocotools; the expected masks (what the importer must produce) come from those
same independent libraries, never from our Swift code.

The photographs themselves are not copied into the fixtures (the tests copy them from
samples/images at run time, under the names expected.json gives); ScanNet colour frames are
small crops of them, stored inside the generated .sens file and the exported color/ folder.

Usage (from the repository root):
  python3 -m venv /tmp/refenv-imp && /tmp/refenv-imp/bin/pip install numpy pillow pycocotools opencv-python-headless
  /tmp/refenv-imp/bin/python tools/importer_fixtures.py
"""
import hashlib, io, json, os, pickle, shutil, struct, zipfile

import cv2
import numpy as np
from PIL import Image
from pycocotools import mask as mask_utils

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SAMPLES = os.path.join(ROOT, "samples", "images")
OUT = os.path.join(ROOT, "Tests", "DatasetStoreTests", "Fixtures", "importers")


def labelme(name):
    with open(os.path.join(SAMPLES, name + ".json")) as f:
        return json.load(f)


def polygon_mask(points, height, width):
    mask = np.zeros((height, width), dtype=np.uint8)
    cv2.fillPoly(mask, [np.array(points, dtype=np.int32)], 1)
    return mask


def rle_string(mask):
    rle = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    return {"size": [int(rle["size"][0]), int(rle["size"][1])], "counts": rle["counts"].decode("ascii")}


def png_bytes(image):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(array, quality=85):
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def zip_write(archive, name, data):
    """Adds an entry with a fixed date, so re-running the script reproduces the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = archive.compression
    archive.writestr(info, data)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)


# ------------------------------------------------------------------------------ OpenImages
def openimages():
    out = os.path.join(OUT, "openimages")
    shutil.rmtree(out, ignore_errors=True)
    # ImageID -> sample photo; the first hex digit picks the mask shard.
    images = {"0a5f1c3d9b2e4f60": "astronaut", "1b7e2d4c6a8f0b12": "chelsea",
              "0c3d5e7f9a1b2c34": "coffee", "2d4f6a8c0e1b3d56": "rocket"}
    mids = {"person": "/m/01g317", "helmet": "/m/0zvk5", "flag": "/m/03120", "space shuttle model": "/m/01bjv",
            "cat": "/m/01yrx", "eye": "/m/014sv8", "nose": "/m/0k0pj", "cup": "/m/02p5f1q", "spoon": "/m/0cmx8",
            "saucer": "/m/03q5c7", "rocket": "/m/09rvcxw", "lightning tower": "/m/0zzzzz"}
    names = {"person": "Person", "helmet": "Helmet", "flag": "Flag", "space shuttle model": "Spacecraft",
             "cat": "Cat", "eye": "Human eye", "nose": "Human nose", "cup": "Coffee cup", "spoon": "Spoon",
             "saucer": "Saucer", "rocket": "Rocket"}  # "lightning tower" has no display name: its MID is used
    descriptions = "".join(f'{mids[k]},{v}\n' for k, v in names.items())
    descriptions += '/m/0quoted,"Tulip, Sprenger\'s"\n'
    write(os.path.join(out, "class-descriptions-boxable.csv"), descriptions)

    header = "MaskPath,ImageID,LabelName,BoxID,BoxXMin,BoxXMax,BoxYMin,BoxYMax,PredictedIoU,Clicks\n"
    rows, expected = [], []
    zips = {}
    for image_id, sample in images.items():
        doc = labelme(sample)
        height, width = doc["imageHeight"], doc["imageWidth"]
        for index, shape in enumerate(doc["shapes"]):
            mid = mids[shape["label"]]
            box_id = hashlib.sha1(f"{image_id}{index}".encode()).hexdigest()[:8]
            name = f"{image_id}_{mid.replace('/', '')}_{box_id}.png"
            full = polygon_mask(shape["points"], height, width)
            # Real OpenImages masks are 1-bit PNGs at their own resolution: some here are
            # stored at half size (nearest), one as 8-bit gray with a sub-threshold shade.
            if index % 2 == 1:
                small = cv2.resize(full, (width // 2, height // 2), interpolation=cv2.INTER_NEAREST)
                stored = Image.fromarray(small * 255).convert("1")
                result = cv2.resize(small, (width, height), interpolation=cv2.INTER_NEAREST)
            elif sample == "coffee" and index == 0:
                gray = full * 255
                ring = cv2.dilate(full, np.ones((5, 5), np.uint8)) - full
                gray = gray + ring * 127  # 127 is not foreground ("> 127")
                gray[0:3, 0:3] = 128  # 128 is
                stored = Image.fromarray(gray.astype(np.uint8), mode="L")
                result = (gray > 127).astype(np.uint8)
            else:
                stored = Image.fromarray(full * 255).convert("1")
                result = full
            data = png_bytes(stored)
            shard = image_id[0]
            if shard == "1":
                write(os.path.join(out, "validation-masks", name), data)  # an unpacked shard
            else:
                zips.setdefault(shard, []).append((name, data))
            xs = [p[0] for p in shape["points"]]; ys = [p[1] for p in shape["points"]]
            box = [min(xs) / width, max(xs) / width, min(ys) / height, max(ys) / height]
            iou = f"{0.5 + (index % 5) / 10:.5f}"
            clicks = f"{box[0] + 0.01:.5f} {box[2] + 0.01:.5f} 1;{box[1] - 0.01:.5f} {box[3] - 0.01:.5f} 0"
            rows.append(f"{name},{image_id},{mid},{box_id},{box[0]:.6f},{box[1]:.6f},{box[2]:.6f},{box[3]:.6f},{iou},{clicks}")
            expected.append({"key": name[:-4], "image_id": image_id, "mid": mid, "display_name": names.get(shape["label"]),
                             "box_id": box_id, "predicted_iou": float(iou), "clicks": clicks, "rle": rle_string(result),
                             "input_rle": rle_string(full), "scaled": index % 2 == 1,
                             "lossless": index % 2 == 0 and not (sample == "coffee" and index == 0)})
    for shard, entries in zips.items():
        # one shard stored (no compression), the other deflated, as zipfile writes them
        method = zipfile.ZIP_STORED if shard == "2" else zipfile.ZIP_DEFLATED
        with zipfile.ZipFile(os.path.join(out, f"validation-masks-{shard}.zip"), "w", method) as z:
            for name, data in entries:
                zip_write(z, name, data)
    # Bad records, each of a kind the importer must report with file and line.
    bad = []
    rows.append("0ffffffffffffff0_m01g317_deadbeef.png,0ffffffffffffff0,/m/01g317,deadbeef,0.1,0.2,0.1,0.2,0.5")  # 9 columns
    bad.append({"line": len(rows) + 1, "category": "bad row"})
    rows.append("0a5f1c3d9b2e4f60_m01g317_missing0.png,0a5f1c3d9b2e4f60,/m/01g317,missing0,0.1,0.2,0.1,0.2,0.5,")
    bad.append({"line": len(rows) + 1, "category": "missing mask"})
    rows.append("3e0000000000000a_m01g317_00000001.png,3e0000000000000a,/m/01g317,00000001,0.1,0.2,0.1,0.2,0.5,")
    bad.append({"line": len(rows) + 1, "category": "unreadable image"})
    rows.append("escape_m01g317_00000002.png,../../escape,/m/01g317,00000002,0.1,0.2,0.1,0.2,0.5,")
    bad.append({"line": len(rows) + 1, "category": "path escapes root"})
    write(os.path.join(out, "validation", "3e0000000000000a.jpg"), b"this is not a JPEG file\n")
    write(os.path.join(out, "validation-annotations-object-segmentation.csv"), header + "\n".join(rows) + "\n")
    write(os.path.join(out, "expected.json"), json.dumps(
        {"images": {k: v + ".jpg" for k, v in images.items()}, "annotations": expected, "bad": bad}, indent=1))


# -------------------------------------------------------------------------------- ScanNet
LABELS_TSV = [  # id, raw_category, category, nyu40id, nyu40class
    (1, "wall", "wall", 1, "wall"), (2, "chair", "chair", 5, "chair"), (3, "cat", "cat", 40, "otherprop"),
    (4, "coffee cup", "cup", 40, "otherprop"), (5, "saucer", "plate", 40, "otherprop"),
    (6, "spoon", "utensil", 40, "otherprop"), (7, "person", "person", 31, "person"),
    (1163, "rocket", "object", 40, "otherprop"),
]


def scannet_frames(sample, count, crop_w=160, crop_h=120):
    """Colour frames (crops of a photograph) and their label/instance maps (from its polygons)."""
    doc = labelme(sample)
    photo = np.array(Image.open(os.path.join(SAMPLES, sample + ".jpg")).convert("RGB"))
    height, width = doc["imageHeight"], doc["imageWidth"]
    label_of = {"cat": 3, "eye": 3, "nose": 3, "cup": 4, "saucer": 5, "spoon": 6, "person": 7, "helmet": 7,
                "flag": 1, "space shuttle model": 1163, "rocket": 1163, "lightning tower": 1}
    labels = np.zeros((height, width), dtype=np.uint16)
    instances = np.zeros((height, width), dtype=np.uint8)
    shapes = sorted(enumerate(doc["shapes"]), key=lambda s: -cv2.contourArea(np.array(s[1]["points"], dtype=np.float32)))
    for index, shape in shapes:  # larger first, smaller painted over them
        m = polygon_mask(shape["points"], height, width).astype(bool)
        labels[m] = label_of[shape["label"]]
        instances[m] = index + 1
    frames = []
    for f in range(count):
        x = (f * 37) % max(1, width - crop_w * 2)
        y = (f * 23) % max(1, height - crop_h * 2)
        crop = lambda a: a[y:y + crop_h * 2, x:x + crop_w * 2]
        color = cv2.resize(crop(photo), (crop_w, crop_h), interpolation=cv2.INTER_AREA)
        frames.append((jpeg_bytes(color), cv2.resize(crop(labels), (crop_w, crop_h), interpolation=cv2.INTER_NEAREST),
                       cv2.resize(crop(instances), (crop_w, crop_h), interpolation=cv2.INTER_NEAREST)))
    return frames


def write_sens(path, frames, poses, color_w, color_h):
    out = bytearray()
    out += struct.pack("<I", 4)
    name = b"StructureSensor"
    out += struct.pack("<Q", len(name)) + name
    for matrix in (np.diag([500.0, 500.0, 1, 1]), np.eye(4), np.diag([280.0, 280.0, 1, 1]), np.eye(4)):
        out += np.asarray(matrix, dtype="<f4").tobytes()
    out += struct.pack("<ii", 2, 1)  # color jpeg, depth zlib_ushort
    out += struct.pack("<IIII", color_w, color_h, 80, 60)
    out += struct.pack("<f", 1000.0)
    out += struct.pack("<Q", len(frames))
    import zlib
    depth = zlib.compress(np.full((60, 80), 1500, dtype="<u2").tobytes())
    for i, (jpg, _, _) in enumerate(frames):
        out += np.asarray(poses[i], dtype="<f4").tobytes()
        out += struct.pack("<QQQQ", 1000 * i, 1000 * i + 5, len(jpg), len(depth))
        out += jpg + depth
    write(path, bytes(out))


def instance_expectations(scene, frame, labels, instances, width, height):
    result = []
    for instance in sorted(set(np.unique(instances)) - {0}):
        small = (instances == instance).astype(np.uint8)
        values, counts = np.unique(labels[instances == instance], return_counts=True)
        keep = values != 0
        label = int(values[keep][np.argmax(counts[keep])])
        mask = cv2.resize(small, (width, height), interpolation=cv2.INTER_NEAREST)
        result.append({"scene": scene, "frame": frame, "instance": int(instance), "label_id": label,
                       "rle": rle_string(mask)})
    return result


def scannet():
    out = os.path.join(OUT, "scannet")
    shutil.rmtree(out, ignore_errors=True)
    tsv = "id\traw_category\tcategory\tcount\tnyu40id\teigen13id\tnyuClass\tnyu40class\teigen13class\n"
    for row in LABELS_TSV:
        tsv += f"{row[0]}\t{row[1]}\t{row[2]}\t10\t{row[3]}\t0\t{row[4]}\t{row[4]}\tx\n"
    write(os.path.join(out, "scannetv2-labels.combined.tsv"), tsv)
    write(os.path.join(out, "scannetv2_train.txt"), "scene0000_00\n")
    write(os.path.join(out, "scannetv2_val.txt"), "scene0001_00\n")
    expected = {"scenes": {}, "annotations": [], "frames": []}

    # scene0000_00: a .sens file + label zips at the colour resolution; frame 3's pose is -inf.
    scene = "scene0000_00"
    frames = scannet_frames("coffee", 6)
    poses = [np.eye(4) for _ in frames]
    for i, p in enumerate(poses):
        p[0, 3] = 0.1 * i
    poses[3] = np.full((4, 4), -np.inf)
    write_sens(os.path.join(out, scene, scene + ".sens"), frames, poses, 160, 120)
    with zipfile.ZipFile(os.path.join(out, scene, scene + "_2d-label-filt.zip"), "w", zipfile.ZIP_DEFLATED) as zl, \
         zipfile.ZipFile(os.path.join(out, scene, scene + "_2d-instance-filt.zip"), "w", zipfile.ZIP_DEFLATED) as zi:
        for i, (jpg, labels, instances) in enumerate(frames):
            zip_write(zl, f"label-filt/{i}.png", png_bytes(Image.fromarray(labels.astype(np.uint16))))
            zip_write(zi, f"instance-filt/{i}.png", png_bytes(Image.fromarray(instances)))
            valid = i != 3
            expected["frames"].append({"scene": scene, "frame": i, "sha256": hashlib.sha256(jpg).hexdigest(),
                                       "valid_pose": valid, "pose": [float(v) for v in poses[i].flatten()] if valid else None})
            if valid:
                expected["annotations"] += instance_expectations(scene, i, labels, instances, 160, 120)

    # scene0001_00: exported frames (color/, pose/, unpacked label-filt/ and instance-filt/)
    # with label images at half the colour resolution, so they are scaled (nearest).
    scene = "scene0001_00"
    frames = scannet_frames("chelsea", 4)
    for i, (jpg, labels, instances) in enumerate(frames):
        write(os.path.join(out, scene, "color", f"{i}.jpg"), jpg)
        pose = np.eye(4); pose[1, 3] = 0.2 * i
        if i == 2:
            pose[:] = -np.inf
        write(os.path.join(out, scene, "pose", f"{i}.txt"),
              "\n".join(" ".join("-inf" if np.isinf(v) else f"{v:g}" for v in row) for row in pose) + "\n")
        small_labels = cv2.resize(labels, (80, 60), interpolation=cv2.INTER_NEAREST)
        small_instances = cv2.resize(instances, (80, 60), interpolation=cv2.INTER_NEAREST)
        write(os.path.join(out, scene, "label-filt", f"{i}.png"), png_bytes(Image.fromarray(small_labels.astype(np.uint16))))
        write(os.path.join(out, scene, "instance-filt", f"{i}.png"), png_bytes(Image.fromarray(small_instances)))
        valid = i != 2
        expected["frames"].append({"scene": scene, "frame": i, "sha256": hashlib.sha256(jpg).hexdigest(),
                                   "valid_pose": valid, "pose": [float(v) for v in pose.flatten()] if valid else None})
        if valid:
            expected["annotations"] += instance_expectations(scene, i, small_labels, small_instances, 160, 120)
    expected["labels"] = [{"id": r[0], "raw_category": r[1], "category": r[2], "nyu40class": r[4]} for r in LABELS_TSV]
    expected["splits"] = {"scene0000_00": "train", "scene0001_00": "val"}
    write(os.path.join(out, "expected.json"), json.dumps(expected, indent=1))


# -------------------------------------------------------------------------------- RefCOCO
def refcoco():
    out = os.path.join(OUT, "refcoco")
    shutil.rmtree(out, ignore_errors=True)
    samples = {"astronaut": 9001, "chelsea": 9002, "coffee": 9003, "rocket": 9004}
    splits = {"astronaut": "train", "chelsea": "testA", "coffee": "val", "rocket": "testB"}
    categories = {}
    images, annotations, refs, expected = [], [], [], []
    ann_id, ref_id, sent_id = 100, 0, 0
    for sample, image_id in samples.items():
        doc = labelme(sample)
        height, width = doc["imageHeight"], doc["imageWidth"]
        file_name = "COCO_train2014_%012d.jpg" % image_id
        images.append({"id": image_id, "file_name": file_name, "height": height, "width": width})
        for index, shape in enumerate(doc["shapes"]):
            ann_id += 1
            category_id = categories.setdefault(shape["label"], len(categories) + 1)
            flat = [float(v) for p in shape["points"] for v in p]
            if index == 1:  # compressed RLE (as COCO stores some masks)
                rle = rle_string(polygon_mask(shape["points"], height, width))
                segmentation, iscrowd = rle, 0
            elif index == 2:  # uncompressed RLE with iscrowd
                m = polygon_mask(shape["points"], height, width)
                flat_f = m.flatten(order="F")
                counts, value, run = [], 0, 0
                for v in flat_f:
                    if v != value:
                        counts.append(run); run = 0; value = v
                    run += 1
                counts.append(run)
                segmentation, iscrowd = {"size": [height, width], "counts": [int(c) for c in counts]}, 1
            else:
                segmentation, iscrowd = [flat], 0
            # pycocotools' own annToRLE is the reference for the mask that must come out.
            if isinstance(segmentation, list):
                ref_rle = mask_utils.merge(mask_utils.frPyObjects(segmentation, height, width))
            elif isinstance(segmentation["counts"], list):
                ref_rle = mask_utils.frPyObjects(segmentation, height, width)
            else:
                ref_rle = {"size": segmentation["size"], "counts": segmentation["counts"].encode()}
            area = float(mask_utils.area(ref_rle))
            annotations.append({"id": ann_id, "image_id": image_id, "category_id": category_id, "segmentation": segmentation,
                                "area": area, "bbox": [float(v) for v in mask_utils.toBbox(ref_rle)], "iscrowd": iscrowd})
            if index == 3:
                continue  # an annotation no ref points at: not imported
            ref_id += 1
            sentences = []
            for k in range(1 + index % 2):
                sent_id += 1
                text = f"the {shape['label']}" if k == 0 else f"{shape['label']} in the {sample} picture"
                sentences.append({"tokens": text.split(), "raw": text.upper() if k else text, "sent_id": sent_id, "sent": text})
            refs.append({"ref_id": ref_id, "ann_id": ann_id, "category_id": category_id, "image_id": image_id,
                         "file_name": "COCO_train2014_%012d_%d.jpg" % (image_id, ann_id), "split": splits[sample],
                         "sent_ids": [s["sent_id"] for s in sentences], "sentences": sentences})
            counts = ref_rle["counts"].decode() if isinstance(ref_rle["counts"], bytes) else ref_rle["counts"]
            expected.append({"ann_id": ann_id, "image_id": image_id, "ref_id": ref_id, "split": splits[sample],
                             "category": shape["label"], "sentences": [s["sent"] for s in sentences],
                             "kind": "polygons" if isinstance(segmentation, list) else "rle",
                             "rle": {"size": [height, width], "counts": counts}})
    # Bad records: a ref whose annotation is not in instances.json, an image whose file is
    # missing, an image whose file_name climbs out of the root, a polygon with two points.
    images.append({"id": 9100, "file_name": "COCO_train2014_%012d.jpg" % 9100, "height": 10, "width": 10})
    images.append({"id": 9101, "file_name": "../../../etc/passwd", "height": 10, "width": 10})
    annotations.append({"id": 900, "image_id": 9100, "category_id": 1, "segmentation": [[1, 1, 5, 5, 1, 5]], "area": 8.0,
                        "bbox": [1, 1, 4, 4], "iscrowd": 0})
    annotations.append({"id": 901, "image_id": 9101, "category_id": 1, "segmentation": [[1, 1, 5, 5, 1, 5]], "area": 8.0,
                        "bbox": [1, 1, 4, 4], "iscrowd": 0})
    annotations.append({"id": 902, "image_id": 9002, "category_id": 1, "segmentation": [[1, 1, 5, 5]], "area": 0.0,
                        "bbox": [1, 1, 4, 4], "iscrowd": 0})
    bad_refs = [(9001, 999, "missing annotation"), (9100, 900, "unreadable image"), (9101, 901, "path escapes root"),
                (9002, 902, "bad geometry")]
    for image_id, aid, _ in bad_refs:
        ref_id += 1; sent_id += 1
        refs.append({"ref_id": ref_id, "ann_id": aid, "category_id": 1, "image_id": image_id,
                     "file_name": "x.jpg", "split": "train", "sent_ids": [sent_id],
                     "sentences": [{"tokens": ["bad"], "raw": "bad", "sent_id": sent_id, "sent": "bad ref"}]})
    instances = {"info": {"description": "LisaKit RefCOCO fixture"}, "images": images, "annotations": annotations,
                 "categories": [{"id": i, "name": n, "supercategory": "thing"} for n, i in categories.items()]}
    write(os.path.join(out, "instances.json"), json.dumps(instances))
    # The refer API's file is a Python 2 pickle (protocol 2 here, protocol 0 for refcocog).
    write(os.path.join(out, "refs(unc).p"), pickle.dumps(refs, protocol=2))
    write(os.path.join(out, "refcocog", "refs(umd).p"), pickle.dumps(refs[:3], protocol=0))
    shutil.copy(os.path.join(out, "instances.json"), os.path.join(out, "refcocog", "instances.json"))

    class Hostile:  # unpickling this would run a shell command; we only write it
        def __reduce__(self):
            return (os.system, ("echo pwned > /tmp/lisakit-pwned",))
    write(os.path.join(out, "hostile", "refs(unc).p"), pickle.dumps([{"ref_id": 1, "x": Hostile()}], protocol=2))
    write(os.path.join(out, "hostile", "instances.json"), json.dumps({"images": [], "annotations": [], "categories": []}))
    write(os.path.join(out, "expected.json"), json.dumps({"images": {str(v): k + ".jpg" for k, v in samples.items()},
                                                          "annotations": expected,
                                                          "bad": [b[2] for b in bad_refs]}, indent=1))


if __name__ == "__main__":
    openimages()
    scannet()
    refcoco()
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(OUT) for f in fs)
    print(f"wrote {OUT} ({total} bytes)")
