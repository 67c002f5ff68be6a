#!/usr/bin/env python3
"""MiniLM speed: our SentenceEncoder (lisakit-bench minilm) vs sentence-transformers on PyTorch,
in the same run with the same thread count, plus sgemm peak and encoder GFLOP/s.

Workload: the 236 parity sentences of tools/minilm_fixtures.py (short, long, CJK, emoji, 10
truncated at 256 tokens), batch 32, and its subset of ≤ 32-token sentences. Figures are the best
of --rounds passes. Our side gets the Hugging Face token ids from the fixture (tokenization is not
timed there); PyTorch is timed twice: `SentenceTransformer.encode` end to end (tokenization
included), and the model forward alone on the same pre-tokenized padded batches.

OpenBLAS picks its CPU kernel at load time; OPENBLAS_CORETYPE, when the machine sets it, is
passed through untouched and the kernel that ran is printed. When it is unset and OpenBLAS falls
back to a generic kernel on an AVX-512 CPU, a second, labelled run with OPENBLAS_CORETYPE=SkylakeX
shows what the code does with a matching kernel.

    /tmp/refenv-model/bin/python tools/bench_model.py [--threads N] [--rounds 3] [--bin PATH]
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "Tests/ModelTests/Fixtures/minilm/sentences.json"
MODEL = pathlib.Path(os.environ.get("LISAKIT_MODELS", ROOT / "models")) / "all-MiniLM-L6-v2"


def best(rounds, fn):
    t = float("inf")
    for _ in range(rounds):
        s = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - s)
    return t


def bench_binary(path):
    if path:
        return path
    scratch = os.environ.get("LISAKIT_SCRATCH", ".build")
    subprocess.run(["swift", "build", "-c", "release", "--scratch-path", scratch, "--product", "lisakit-bench"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run(["swift", "build", "-c", "release", "--scratch-path", scratch, "--show-bin-path"],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    return str(pathlib.Path(out) / "lisakit-bench")


def run_ours(binary, threads, rounds, coretype=None):
    env = dict(os.environ, LISAKIT_THREADS=str(threads), OPENBLAS_NUM_THREADS="1")
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    out = subprocess.run([binary, "minilm", "--ids", str(FIXTURE), "--model", str(MODEL), "--batch", "32",
                          "--rounds", str(rounds)], env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def cpu_has_avx512():
    try:
        return "avx512f" in pathlib.Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--bin", default=os.environ.get("LISAKIT_BENCH"))
    args = ap.parse_args()
    if not (MODEL / "model.safetensors").exists():
        sys.exit(f"{MODEL} missing: run tools/install-models.sh")

    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(args.threads)
    fixture = json.loads(FIXTURE.read_text())
    sentences = fixture["sentences"]
    lengths = [sum(m) for m in fixture["attention_mask"]]
    short = [s for s, n in zip(sentences, lengths) if n <= 32]
    model = SentenceTransformer(str(MODEL), device="cpu")
    model.encode(sentences[:32], batch_size=32)  # warm-up

    peer = {}
    peer["encode_all"] = len(sentences) / best(args.rounds, lambda: model.encode(sentences, batch_size=32))
    peer["encode_short"] = len(short) / best(args.rounds, lambda: model.encode(short, batch_size=32))
    # Forward only, on the recorded padded batches of 32.
    bert = model[0].auto_model
    batches = []
    for i in range(0, len(sentences), 32):
        ids = fixture["input_ids"][i:i + 32]
        mask = fixture["attention_mask"][i:i + 32]
        width = max(sum(m) for m in mask)
        batches.append((torch.tensor([r[:width] for r in ids]), torch.tensor([r[:width] for r in mask])))

    def forward_all():
        with torch.inference_mode():
            for ids, mask in batches:
                bert(input_ids=ids, attention_mask=mask)
    peer["forward_all"] = len(sentences) / best(args.rounds, forward_all)
    a = torch.rand(4096, 4096)
    b = torch.rand(4096, 4096)
    peer["sgemm_gflops"] = 2 * 4096 ** 3 / best(3, lambda: a @ b) / 1e9

    binary = bench_binary(args.bin)
    runs = [("default", run_ours(binary, args.threads, args.rounds))]
    if runs[0][1]["blas_core"] in ("Prescott", "Core2", "Nehalem") and "OPENBLAS_CORETYPE" not in os.environ \
            and cpu_has_avx512():
        runs.append(("OPENBLAS_CORETYPE=SkylakeX", run_ours(binary, args.threads, args.rounds, "SkylakeX")))

    print(f"## MiniLM (all-MiniLM-L6-v2), batch 32, {args.threads} threads, best of {args.rounds}")
    print(f"workload: {len(sentences)} sentences ({sum(lengths)} tokens, 10 truncated at 256); short subset: {len(short)} sentences ≤ 32 tokens")
    print(f"torch {torch.__version__}: sgemm 4096² {peer['sgemm_gflops']:.1f} GFLOP/s")
    print(f"sentence-transformers encode (tokenization included): all {peer['encode_all']:.1f} sent/s, short {peer['encode_short']:.1f} sent/s")
    print(f"PyTorch BertModel forward on the same ids (padded batches): all {peer['forward_all']:.1f} sent/s")
    for label, ours in runs:
        print(f"ours [{label}] OpenBLAS kernel {ours['blas_core']} ({ours['blas_config']}), {ours['workers']} workers")
        print(f"  sgemm 4096² {ours['sgemm_4096_gflops']:.1f} GFLOP/s; encoder 32×128 tokens {ours['encoder_gflops']:.1f} GFLOP/s "
              f"= {100 * ours['encoder_efficiency']:.0f}% of our sgemm peak ({ours['forward_32x128_ms']:.0f} ms)")
        print(f"  all {ours['sentences_per_second']:.1f} sent/s (×{ours['sentences_per_second'] / peer['encode_all']:.2f} vs encode, "
              f"×{ours['sentences_per_second'] / peer['forward_all']:.2f} vs forward); "
              f"short {ours['short_sentences_per_second']:.1f} sent/s (×{ours['short_sentences_per_second'] / peer['encode_short']:.2f} vs encode)")
        print(f"  load {ours['load_seconds'] * 1000:.0f} ms; widening all encoder weights from bf16: "
              f"{ours['bf16_widen_all_weights_ms']:.1f} ms per pass (vs {ours['forward_32x128_ms']:.0f} ms forward)")


if __name__ == "__main__":
    main()
