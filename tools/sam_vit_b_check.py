"""Full-size SAM fidelity check (run by hand; too large for the repository).

Builds Meta's ViT-B SAM (`sam_model_registry["vit_b"]()`) with seeded random weights — position
embedding and relative position tables (zeros in Meta's init) drawn too, every 1-D parameter
moved off its constant, so nothing is a no-op —, saves it as Meta's checkpoint layout, runs
`SamPredictor.set_image` on a photo and saves `predictor.features`. With `--swift BIN`, runs
`BIN sam` (lisakit-bench) on the same checkpoint and photo and prints the relative error of our
embedding. Everything it used is listed in `<out>/vit_b_check.json` (checkpoint, photo,
embedding, sizes) so later checks — the mask decoder's thresholded-mask IoU — reuse the files:

    /tmp/refenv-model/bin/python tools/sam_vit_b_check.py \
        --swift .build-samenc/release/lisakit-bench [--out /tmp/lisakit-sam] [--image samples/images/rocket.jpg]
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent


def build_random_sam(kind: str = "vit_b", seed: int = 0):
    """Meta's SAM of `kind` with every parameter random (seeded)."""
    from segment_anything import sam_model_registry

    torch.manual_seed(seed)
    sam = sam_model_registry[kind]().eval()
    with torch.no_grad():
        for name, p in sam.named_parameters():
            if "pos_embed" in name or "rel_pos" in name:
                p.normal_(0.0, 0.5)
            elif p.dim() == 1:
                p.add_(torch.randn_like(p) * 0.1)
    return sam


def ensure_checkpoint(out: Path, kind: str = "vit_b", seed: int = 0) -> Path:
    """`<out>/sam_<kind>_random_seed<seed>.pth`, written once and reused."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"sam_{kind}_random_seed{seed}.pth"
    if not path.exists():
        sam = build_random_sam(kind, seed)
        tmp = path.with_suffix(".tmp")
        torch.save(sam.state_dict(), tmp)
        tmp.rename(path)
        del sam
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/lisakit-sam")
    ap.add_argument("--image", default=str(ROOT / "samples/images/rocket.jpg"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--swift", help="lisakit-bench binary to compare with")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    checkpoint = ensure_checkpoint(out)

    from segment_anything import SamPredictor, sam_model_registry

    sam = sam_model_registry["vit_b"]().eval()
    sam.load_state_dict(torch.load(checkpoint, map_location="cpu"))
    predictor = SamPredictor(sam)
    image = np.array(Image.open(args.image).convert("RGB"))
    start = time.perf_counter()
    predictor.set_image(image)
    seconds = time.perf_counter() - start
    features = predictor.features
    embedding = out / "vit_b_embedding.f32"
    embedding.write_bytes(features.contiguous().numpy().astype("<f4").tobytes())
    record = {
        "checkpoint": str(checkpoint), "image": str(Path(args.image).resolve()), "embedding": str(embedding),
        "embedding_shape": list(features.shape), "original_size": list(predictor.original_size),
        "input_size": list(predictor.input_size), "torch_set_image_seconds": seconds, "threads": args.threads,
        "torch": torch.__version__,
    }
    if args.swift:
        env = dict(os.environ, LISAKIT_THREADS=str(args.threads))
        result = subprocess.run([args.swift, "sam", "--checkpoint", str(checkpoint), "--config", "vit_b",
                                 "--image", args.image, "--reference", str(embedding)],
                                env=env, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"lisakit-bench failed: {result.stderr.strip()}")
        swift = json.loads(result.stdout)
        record["swift"] = swift
        print(f"ViT-B embedding: max |diff| {swift['max_abs_diff']:.3g}, relative {swift['max_rel_diff']:.3g} "
              f"(Swift {swift['encode_seconds_best']:.2f} s, PyTorch set_image {seconds:.2f} s)")
    (out / "vit_b_check.json").write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
