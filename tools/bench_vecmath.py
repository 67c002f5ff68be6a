#!/usr/bin/env python3
"""Element-wise kernels on one thread: PyTorch (torch.softmax, F.gelu, F.silu, F.layer_norm, the
add-then-softmax of segment-anything's decomposed relative positions) vs ours (lisakit-bench
vecmath: the CKernels AVX-512 / AVX2 paths and the portable Swift path), same shapes, same run.

Shapes as in SAM ViT-B at 1024² and MiniLM: softmax over 64 rows of 4096 (global attention
score rows); the same with a 64×64 grid's relative terms added first, and 1024 rows of a 14×14
window; GELU (erf and tanh forms) and SiLU over 64×3072; LayerNorm of 256 rows of 768;
LayerNorm2d of a 256-channel 32×32 map. Figures are ns per element of the calling thread's CPU
time (both sides: the machine is shared, and wall time would count other processes' turns), best
of --rounds.

    /tmp/refenv-model/bin/python tools/bench_vecmath.py [--rounds 5] [--bin PATH]
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from benchlib import bench_binary  # noqa: E402


def best_ns(fn, elements, rounds):
    fn()
    start = time.thread_time()
    fn()
    once = time.thread_time() - start
    repeats = max(1, int(0.02 / max(once, 1e-6)))
    best = float("inf")
    for _ in range(rounds):
        start = time.thread_time()
        for _ in range(repeats):
            fn()
        best = min(best, (time.thread_time() - start) / repeats)
    return best / elements * 1e9


def layer_norm_2d(x, weight, bias, eps=1e-6):
    # segment_anything.modeling.common.LayerNorm2d
    u = x.mean(1, keepdim=True)
    s = (x - u).pow(2).mean(1, keepdim=True)
    x = (x - u) / torch.sqrt(s + eps)
    return weight[:, None, None] * x + bias[:, None, None]


def torch_figures(rounds):
    torch.manual_seed(0)
    out = {}
    with torch.no_grad():
        x = torch.randn(64, 4096) * 4
        out["softmax_4096"] = best_ns(lambda: torch.softmax(x, dim=-1), x.numel(), rounds)
        for key, rows, h, w in [("softmax_relpos_64x64", 64, 64, 64), ("softmax_relpos_14x14", 1024, 14, 14)]:
            attn = torch.randn(1, rows, h, w) * 4
            rel_h, rel_w = torch.randn(1, rows, h), torch.randn(1, rows, w)
            # add_decomposed_rel_pos + softmax as segment-anything's Attention.forward does them
            def relpos(attn=attn, rel_h=rel_h, rel_w=rel_w, rows=rows, h=h, w=w):
                a = (attn.view(1, rows, h, w) + rel_h[:, :, :, None] + rel_w[:, :, None, :]).view(1, rows, h * w)
                return a.softmax(dim=-1)
            out[key] = best_ns(relpos, attn.numel(), rounds)
        a = torch.randn(64, 3072) * 3
        out["gelu_erf"] = best_ns(lambda: F.gelu(a), a.numel(), rounds)
        out["gelu_tanh"] = best_ns(lambda: F.gelu(a, approximate="tanh"), a.numel(), rounds)
        out["silu"] = best_ns(lambda: F.silu(a), a.numel(), rounds)
        ln = torch.randn(256, 768)
        g, b = torch.randn(768), torch.randn(768)
        out["layernorm_768"] = best_ns(lambda: F.layer_norm(ln, (768,), g, b, 1e-6), ln.numel(), rounds)
        m = torch.randn(1, 256, 32, 32)
        g2, b2 = torch.randn(256), torch.randn(256)
        out["layernorm2d_256"] = best_ns(lambda: layer_norm_2d(m, g2, b2), m.numel(), rounds)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--bin", default=os.environ.get("LISAKIT_BENCH"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    peer = torch_figures(args.rounds)
    env = dict(os.environ, LISAKIT_THREADS="1", OPENBLAS_NUM_THREADS="1")
    text = subprocess.run([bench_binary(args.bin), "vecmath", "--rounds", str(args.rounds)],
                          env=env, check=True, capture_output=True, text=True).stdout
    ours = json.loads(text.strip().splitlines()[-1])
    levels = [r["level"] for r in ours["results"]]
    print(f"Element-wise kernels, ns/element (thread CPU time), one thread (torch {torch.__version__}); "
          f"ratio = torch / ours at {ours['current_level']}")
    print(f"{'kernel':<22}{'torch':>9}" + "".join(f"{'ours ' + lv:>16}" for lv in levels) + f"{'ratio':>8}")
    best = ours["results"][-1]
    for key in peer:
        cells = "".join(f"{r[key]:>16.3f}" for r in ours["results"])
        print(f"{key:<22}{peer[key]:>9.3f}{cells}{peer[key] / best[key]:>7.2f}x")


if __name__ == "__main__":
    main()
