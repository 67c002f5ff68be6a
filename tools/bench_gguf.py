#!/usr/bin/env python3
"""GGUF kernel speed: our quantized products (lisakit-bench gguf) vs PyTorch on the same matrices
dequantized to fp32, in the same run with the same thread count, and vs the machine's measured
read bandwidth.

Workload: the real SmolLM2-135M-Instruct.Q4_1.gguf (tools/install-models.sh), 2-D weights only:
- decode: one matrix-vector product through every 2-D weight (210 Q4_1 projections and the Q8_0
  embedding/output matrix: what one decoded token multiplies). Ours reads the quantized blocks
  (GB/s of weight bytes); PyTorch runs `torch.mv` on the dequantized fp32 matrices.
- single matrices (the largest Q8_0 and Q4_1 ones, an attention projection), repeated.
- prefill: 64 rows through layer 0's seven matrices (ours dequantizes a row at a time; PyTorch
  `x @ W.T` on fp32 is an sgemm).
Bandwidth: `torch.sum` over a 1 GiB float32 buffer (DRAM) and a 64 MiB one (fits the 300 MiB
L3 of this machine, as the 93 MB quantized model does; the 540 MB fp32 model does not).

    /tmp/refenv-model/bin/python tools/bench_gguf.py [--threads N] [--rounds 5] [--bin PATH] [--levels]
"""
import argparse
import json
import os
import pathlib
import subprocess
import time

import numpy as np
import torch
import gguf

ROOT = pathlib.Path(__file__).resolve().parent.parent

from benchlib import bench_binary  # noqa: E402  (tools/ is the script's folder)
MODEL = pathlib.Path(os.environ.get("LISAKIT_MODELS", ROOT / "models")) / "SmolLM2-135M-Instruct" / "SmolLM2-135M-Instruct.Q4_1.gguf"


CPU = {}


def best(rounds, fn, key=None):
    """Best wall time of `rounds` calls; the least process CPU time of a call goes to CPU[key]."""
    t, c = float("inf"), float("inf")
    for _ in range(rounds):
        s, sc = time.perf_counter(), time.process_time()
        fn()
        t = min(t, time.perf_counter() - s)
        c = min(c, time.process_time() - sc)
    if key:
        CPU[key] = c
    return t


def bandwidth(rounds, nbytes):
    buf = torch.ones(nbytes // 4, dtype=torch.float32)
    buf.sum()
    return nbytes / best(rounds, lambda: buf.sum()) / 1e9


def torch_side(rounds, rows):
    reader = gguf.GGUFReader(str(MODEL))
    weights = {}
    for t in reader.tensors:
        if len(t.shape) != 2:
            continue
        w = gguf.quants.dequantize(t.data, t.tensor_type).reshape(int(t.shape[1]), int(t.shape[0]))
        weights[t.name] = torch.from_numpy(np.ascontiguousarray(w, dtype=np.float32))
    xs = {k: torch.rand(w.shape[1]) - 0.5 for k, w in weights.items()}
    fp32_bytes = sum(w.numel() * 4 for w in weights.values())

    def decode():
        for k, w in weights.items():
            torch.mv(w, xs[k])
    decode()
    t_decode = best(rounds, decode, "decode")
    singles = {}
    for name in ["token_embd.weight", "output.weight", "blk.0.ffn_down.weight", "blk.0.ffn_gate.weight", "blk.0.attn_q.weight"]:
        if name not in weights:
            continue
        w, x = weights[name], xs[name]
        reps = max(1, 200_000_000 // (w.numel() * 4))
        t = best(rounds, lambda: [torch.mv(w, x) for _ in range(reps)], name) / reps
        singles[name] = {"us": t * 1e6, "cpu_us": CPU[name] / reps * 1e6, "gb_per_s": w.numel() * 4 / t / 1e9}
    layer = {k: w for k, w in weights.items() if k.startswith("blk.0.")}
    xp = {k: torch.rand(rows, w.shape[1]) for k, w in layer.items()}
    flops = sum(2.0 * rows * w.shape[0] * w.shape[1] for w in layer.values())
    t_prefill = best(rounds, lambda: [xp[k] @ w.T for k, w in layer.items()], "prefill")
    return {"decode_ms": t_decode * 1000, "decode_cpu_ms": CPU["decode"] * 1000, "prefill_cpu_ms": CPU["prefill"] * 1000, "fp32_bytes": fp32_bytes, "decode_gb_per_s": fp32_bytes / t_decode / 1e9,
            "singles": singles, "prefill_ms": t_prefill * 1000, "prefill_gflop_per_s": flops / t_prefill / 1e9}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--rows", type=int, default=64)
    ap.add_argument("--bin")
    ap.add_argument("--levels", action="store_true", help="also time our decode pass on each SIMD path")
    args = ap.parse_args()
    if not MODEL.exists():
        raise SystemExit(f"{MODEL} not installed: run tools/install-models.sh")
    torch.set_num_threads(args.threads)
    binary = bench_binary(args.bin)
    env = dict(os.environ, LISAKIT_THREADS=str(args.threads))
    cmd = [binary, "gguf", "--model", str(MODEL), "--rounds", str(args.rounds), "--rows", str(args.rows)]
    if args.levels:
        cmd.append("--levels")
    ours = json.loads(subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    peer = torch_side(args.rounds, args.rows)
    dram = bandwidth(args.rounds, 1 << 30)
    l3 = bandwidth(args.rounds, 64 << 20)

    d = ours["decode"]
    print(f"threads {args.threads}; ours: SIMD {d['simd']}; torch {torch.__version__} "
          f"({torch.backends.cpu.get_cpu_capability()})")
    print(f"read bandwidth (torch.sum): DRAM 1 GiB {dram:.1f} GB/s, L3-resident 64 MiB {l3:.1f} GB/s")
    print(f"decode, {d['matrices']} matrix-vector products (every 2-D weight):")
    print(f"  ours  {d['ms']:7.2f} ms  {d['weight_bytes'] / 1e6:6.1f} MB quantized  {d['gb_per_s']:6.1f} GB/s  "
          f"= {d['gb_per_s'] / l3:.0%} of L3 / {d['gb_per_s'] / dram:.0%} of DRAM bandwidth  → {d['matmul_tokens_per_s']:.0f} tok/s (matmuls only)")
    print(f"  torch {peer['decode_ms']:7.2f} ms  {peer['fp32_bytes'] / 1e6:6.1f} MB fp32       {peer['decode_gb_per_s']:6.1f} GB/s  "
          f"→ {1000 / peer['decode_ms']:.0f} tok/s (matmuls only)")
    print(f"  ratio ours/torch: {peer['decode_ms'] / d['ms']:.2f}x faster in wall time; process CPU time per pass "
          f"ours {d['cpu_ms']:.2f} ms, torch {peer['decode_cpu_ms']:.2f} ms: {peer['decode_cpu_ms'] / d['cpu_ms']:.2f}x")
    if "cpu_ms_per_simd_level" in d:
        print("  ours per SIMD path (CPU ms per pass): " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(d["cpu_ms_per_simd_level"].items())))
    print("single matrices, matrix-vector, repeated (cache-resident when small):")
    for m in ours["matrices"]:
        p = peer["singles"].get(m["name"], {})
        print(f"  {m['name']:24s} {m['type']:5s} {str(m['shape']):14s} ours {m['us']:8.1f} us {m['gb_per_s']:6.1f} GB/s"
              f" (CPU {m['cpu_us']:.1f} us) | torch fp32 {p.get('us', float('nan')):8.1f} us {p.get('gb_per_s', float('nan')):6.1f} GB/s"
              f" (CPU {p.get('cpu_us', float('nan')):.1f} us) | CPU-time ratio {p.get('cpu_us', float('nan')) / m['cpu_us']:.2f}x")
    pf = ours["prefill"]
    print(f"prefill, {pf['rows']} rows through layer 0's {pf['matrices']} matrices: ours {pf['ms']:.2f} ms "
          f"{pf['gflop_per_s']:.1f} GFLOP/s | torch fp32 sgemm {peer['prefill_ms']:.2f} ms {peer['prefill_gflop_per_s']:.1f} GFLOP/s"
          f" | wall {peer['prefill_ms'] / pf['ms']:.2f}x, CPU time ours {pf['cpu_ms']:.2f} ms torch {peer['prefill_cpu_ms']:.2f} ms"
          f" ({peer['prefill_cpu_ms'] / pf['cpu_ms']:.2f}x)")


if __name__ == "__main__":
    main()
