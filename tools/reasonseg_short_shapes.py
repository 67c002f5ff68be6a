#!/usr/bin/env python3
"""Expected masks of ReasonSeg shapes with 1 or 2 points, drawn as LISA's loader draws them.

LISA's `get_mask_from_json` (utils/data_processing.py) casts each shape's points to int32 and
paints `cv2.polylines(mask, [points], True, value, 1)` then `cv2.fillPoly(mask, [points], value)`;
it does not skip short shapes, so a 1-point shape is a dot and a 2-point shape a line. This
script draws each shape alone with OpenCV on the 600x400 sample photograph's canvas and records
the mask as COCO RLE (pycocotools `encode`, column-major counts) in
Tests/DatasetStoreTests/Fixtures/importers/reasonseg_short_shapes.json, with the ReasonSeg JSON
the importer test writes beside samples/images/coffee.jpg.

Run: /path/to/venv/bin/python tools/reasonseg_short_shapes.py   (needs numpy, opencv-python-headless, pycocotools)
"""
import json, os

import cv2
import numpy as np
from pycocotools import mask as mask_utils

WIDTH, HEIGHT = 600, 400
SHAPES = [
    {"label": "target", "points": [[5.7, 9.2]]},
    {"label": "target", "points": [[10, 10], [40, 25]]},
    {"label": "target", "points": [[599.9, 0], [0, 399.9]]},
    {"label": "target", "points": [[-5, 3], [20, 3]]},
    {"label": "target", "points": [[50.5, 60.5], [50.5, 60.5]]},
    {"label": "ignore this", "points": [[300, 100], [300, 180]]},
    {"label": "target", "points": [[700, 500]]},
]


def main():
    masks = []
    for shape in SHAPES:
        mask = np.zeros((HEIGHT, WIDTH), dtype=np.uint8)
        points = np.array([shape["points"]], dtype=np.int32)
        cv2.polylines(mask, points, True, 1, 1)
        cv2.fillPoly(mask, points, 1)
        rle = mask_utils.encode(np.asfortranarray(mask))
        masks.append({"counts": rle["counts"].decode(), "area": int(mask_utils.area(rle))})
    document = {"text": ["the short things"], "is_sentence": False, "shapes": SHAPES}
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "DatasetStoreTests", "Fixtures", "importers",
                       "reasonseg_short_shapes.json")
    with open(out, "w") as f:
        json.dump({"width": WIDTH, "height": HEIGHT, "document": document, "masks": masks}, f, indent=1)
    print("wrote", os.path.normpath(out), [m["area"] for m in masks])


if __name__ == "__main__":
    main()
