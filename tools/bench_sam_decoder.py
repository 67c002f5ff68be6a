#!/usr/bin/env python3
"""SAM decoder speed with a cached image embedding: Meta's PyTorch prompt encoder + mask decoder +
postprocess_masks vs ours (lisakit-bench sam-decoder), same run, same thread count.

Workload: the ViT-B SAM of Meta's segment-anything with random weights (sam_model_registry
sizes; prompt dim 256, 64x64 embedding, 1024 input), one random [256, 64, 64] embedding, an
original image of 768x1024, and three prompts: one click with multimask output, a box, a box and
a negative click (single mask). Per prompt: prompt encoding, mask decoding and postprocessing to
thresholded original-size masks (Meta's SamPredictor.predict_torch after set_image). Figures are
medians over --rounds after one warm-up. The script also checks that both sides produce the same
IoU predictions (the parity at ViT-B size; the tiny-model tests cover the logits in detail).

    /tmp/refenv-model/bin/python tools/bench_sam_decoder.py [--threads N] [--rounds 10] [--bin PATH]
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent

from benchlib import bench_binary  # noqa: E402  (tools/ is the script's folder)
sys.path.insert(0, str(ROOT / "tools"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--bin", default=os.environ.get("LISAKIT_BENCH"))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    from segment_anything import SamPredictor
    from segment_anything.modeling import MaskDecoder, PromptEncoder, TwoWayTransformer

    torch.manual_seed(0)
    prompt_encoder = PromptEncoder(embed_dim=256, image_embedding_size=(64, 64), input_image_size=(1024, 1024), mask_in_chans=16).eval()
    mask_decoder = MaskDecoder(num_multimask_outputs=3, transformer=TwoWayTransformer(depth=2, embedding_dim=256, mlp_dim=2048, num_heads=8),
                               transformer_dim=256, iou_head_depth=3, iou_head_hidden_dim=256).eval()
    embedding = torch.randn(1, 256, 64, 64) * 0.5
    original = (768, 1024)
    h, w = original

    from segment_anything.utils.transforms import ResizeLongestSide
    transform = ResizeLongestSide(1024)
    input_size = transform.get_preprocess_shape(h, w, 1024)

    def postprocess(low):
        m = torch.nn.functional.interpolate(low, (1024, 1024), mode="bilinear", align_corners=False)
        m = m[..., : input_size[0], : input_size[1]]
        return torch.nn.functional.interpolate(m, original, mode="bilinear", align_corners=False) > 0

    pos, neg = [w * 0.45, h * 0.4], [w * 0.8, h * 0.85]
    box = [w * 0.2, h * 0.15, w * 0.7, h * 0.9]
    kinds = {
        "point_multimask": (np.array([pos]), np.array([1]), None, True),
        "box": (None, None, np.array(box), False),
        "box_point": (np.array([neg]), np.array([0]), np.array(box), False),
    }
    peer = {}
    with torch.no_grad():
        for name, (coords, labels, b, multimask) in kinds.items():
            times, cpu = [], []
            for r in range(args.rounds + 1):
                start, cpu_start = time.perf_counter(), time.process_time()
                points = None
                if coords is not None:
                    c = torch.as_tensor(transform.apply_coords(coords, original), dtype=torch.float)[None]
                    points = (c, torch.as_tensor(labels, dtype=torch.int)[None])
                boxes = None if b is None else torch.as_tensor(transform.apply_boxes(b, original), dtype=torch.float)[None]
                sparse, dense = prompt_encoder(points=points, boxes=boxes, masks=None)
                low, iou = mask_decoder(image_embeddings=embedding, image_pe=prompt_encoder.get_dense_pe(),
                                        sparse_prompt_embeddings=sparse, dense_prompt_embeddings=dense, multimask_output=multimask)
                masks = postprocess(low)
                if r:
                    times.append((time.perf_counter() - start) * 1000)
                    cpu.append((time.process_time() - cpu_start) * 1000)
            times.sort()
            cpu.sort()
            peer[name] = {"median_ms": times[len(times) // 2], "median_cpu_ms": cpu[len(cpu) // 2],
                          "iou": iou[0].tolist(), "foreground": int(masks.sum())}

    with tempfile.TemporaryDirectory() as tmp:
        ckpt = pathlib.Path(tmp) / "sam_vit_b_decoder.pth"
        state = {"prompt_encoder." + k: v for k, v in prompt_encoder.state_dict().items()}
        state.update({"mask_decoder." + k: v for k, v in mask_decoder.state_dict().items()})
        torch.save(state, ckpt)
        emb = pathlib.Path(tmp) / "embedding.bin"
        embedding[0].numpy().astype("<f4").tofile(emb)
        env = dict(os.environ, LISAKIT_THREADS=str(args.threads), OPENBLAS_NUM_THREADS="1")
        out = subprocess.run([bench_binary(args.bin), "sam-decoder", "--checkpoint", str(ckpt), "--embedding", str(emb),
                              "--original", f"{h},{w}", "--rounds", str(args.rounds)],
                             env=env, check=True, capture_output=True, text=True).stdout
        ours = json.loads(out.strip().splitlines()[-1])

    print(f"SAM decoder per prompt, ViT-B sizes (random weights), cached embedding, original {h}x{w}, "
          f"{args.threads} threads, median of {args.rounds}")
    print(f"{'prompt':<18}{'wall ms torch/ours':>20}{'ratio':>8}{'CPU ms torch/ours':>20}{'ratio':>8}{'max |ΔIoU|':>12}{'fg px (torch/ours)':>22}")
    for name in kinds:
        p, o = peer[name], ours[name]
        diff = max(abs(a - b) for a, b in zip(p["iou"], o["iou"]))
        print(f"{name:<18}{p['median_ms']:>10.1f}/{o['median_ms']:<9.1f}{p['median_ms'] / o['median_ms']:>7.2f}x"
              f"{p['median_cpu_ms']:>10.1f}/{o['median_cpu_ms']:<9.1f}{p['median_cpu_ms'] / o['median_cpu_ms']:>7.2f}x"
              f"{diff:>12.2e}{p['foreground']:>11}/{o['foreground_pixels']}")
    print(f"(ours: decoder load {ours['load_ms']:.0f} ms, cross-attention folding {ours['folding']}; "
          f"ratio = PyTorch / ours; CPU = process CPU time, all threads)")


if __name__ == "__main__":
    main()
