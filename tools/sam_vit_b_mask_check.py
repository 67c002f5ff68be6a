"""Full-size SAM mask check (run by hand; the checkpoint is too large for the repository).

Meta's ViT-B SAM with seeded random weights (tools/sam_vit_b_check.py's checkpoint, every
parameter random, position tables included) segments a real photo through SamPredictor
(set_image + predict) for a click (multimask), two clicks, a box and a box + negative click;
`lisakit segment` does the same on the same checkpoint and photo (preprocessing, ViT-B encoder,
prompt encoder, mask decoder, postprocessing — all ours). Prints, per prompt, the
thresholded-mask IoU between the two and SAM's predicted IoU on both sides. Target: IoU ≥ 0.999.

    /tmp/refenv-model/bin/python tools/sam_vit_b_mask_check.py --lisakit .build-samdec/release/lisakit \
        [--out /tmp/lisakit-sam] [--image samples/images/chelsea.jpg]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sam_vit_b_check import ROOT, ensure_checkpoint  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/lisakit-sam")
    ap.add_argument("--image", default=str(ROOT / "samples/images/chelsea.jpg"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--lisakit", required=True, help="the lisakit binary (release build)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    checkpoint = ensure_checkpoint(Path(args.out))

    from segment_anything import SamPredictor, sam_model_registry
    sam = sam_model_registry["vit_b"]().eval()
    sam.load_state_dict(torch.load(checkpoint, map_location="cpu"))
    predictor = SamPredictor(sam)
    image = np.array(Image.open(args.image).convert("RGB"))
    h, w = image.shape[:2]
    start = time.perf_counter()
    predictor.set_image(image)
    torch_embed = time.perf_counter() - start
    pos, pos2, neg = [w * 0.45, h * 0.4], [w * 0.55, h * 0.5], [w * 0.8, h * 0.85]
    box = [w * 0.2, h * 0.15, w * 0.7, h * 0.9]
    prompts = {
        "click_multimask": dict(points=[pos], labels=[1], multimask=True),
        "two_clicks": dict(points=[pos, pos2], labels=[1, 1], multimask=False),
        "box": dict(box=box, multimask=False),
        "box_negative_click": dict(box=box, points=[neg], labels=[0], multimask=False),
    }
    cache = tempfile.mkdtemp(prefix="lisakit-sam-cache-")
    env = dict(os.environ, LISAKIT_THREADS=str(args.threads), OPENBLAS_NUM_THREADS="1")
    results, worst = {}, 1.0
    for name, p in prompts.items():
        with torch.no_grad():
            masks, iou, _ = predictor.predict(
                point_coords=np.array(p["points"]) if "points" in p else None,
                point_labels=np.array(p["labels"]) if "labels" in p else None,
                box=np.array(p["box"]) if "box" in p else None, multimask_output=p["multimask"])
        best = int(np.argmax(iou))
        ref = masks[best]
        cmd = [args.lisakit, "segment", "--sam", str(checkpoint), "--config", "vit_b", "--image", args.image,
               "--json", "--cache", cache]
        for xy, label in zip(p.get("points", []), p.get("labels", [])):
            cmd += ["--point", f"{xy[0]},{xy[1]},{label}"]
        if "box" in p:
            cmd += ["--box", ",".join(str(v) for v in p["box"])]
        if p["multimask"]:
            cmd.append("--multimask")
        png = Path(cache) / f"{name}.png"
        cmd += ["--out", str(png)]
        start = time.perf_counter()
        run = subprocess.run(cmd, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if run.returncode != 0:
            sys.exit(f"lisakit segment failed: {run.stderr.strip()}")
        ours = json.loads(run.stdout)
        mine = np.array(Image.open(png)) > 127
        inter, union = np.logical_and(mine, ref).sum(), np.logical_or(mine, ref).sum()
        mask_iou = float(inter / union) if union else 1.0
        worst = min(worst, mask_iou)
        results[name] = {"mask_iou": mask_iou, "torch_iou_pred": float(iou[best]), "ours_iou_pred": ours["iou"],
                         "foreground_torch": int(ref.sum()), "foreground_ours": int(mine.sum()),
                         "differing_pixels": int((mine != ref).sum()), "cached_embedding": ours["cached_embedding"],
                         "lisakit_seconds": seconds}
        print(f"{name:<20} mask IoU {mask_iou:.6f}  predicted IoU torch {iou[best]:.5f} ours {ours['iou']:.5f}  "
              f"differing px {results[name]['differing_pixels']}  (lisakit {seconds:.2f} s{', cached embedding' if ours['cached_embedding'] else ''})")
    print(f"worst thresholded-mask IoU: {worst:.6f} (target >= 0.999); image {w}x{h}; torch set_image {torch_embed:.1f} s")
    (Path(args.out) / "vit_b_mask_check.json").write_text(json.dumps({"image": args.image, "results": results, "worst": worst}, indent=2) + "\n")


if __name__ == "__main__":
    main()
