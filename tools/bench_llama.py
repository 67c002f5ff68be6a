#!/usr/bin/env python3
"""LLaMA speed: our decoder (lisakit-bench llama) on SmolLM2-135M-Instruct (Q4_1 GGUF) beside
PyTorch transformers (the same file dequantized to fp32) and, when llama-cpp-python is
installed, llama.cpp on the same file — same thread count, same run, same token ids.

Prefill: one forward pass over a P-token prompt (tokens/s). Decode: D greedy steps against the
KV cache after that prompt (tokens/s; no stop token). Our side also reports the weight bytes
each decoded token reads, the machine's measured read bandwidth and the resulting fraction of
the memory-bandwidth limit, and the resident memory a 7B model needs in bf16 and Q4 (computed
from LLaMA-2-7B's config).

    /tmp/refenv-model/bin/python tools/bench_llama.py [--threads N] [--prompt 128] [--decode 64] [--rounds 3] [--bin PATH]
"""
import argparse
import glob
import json
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent

from benchlib import bench_binary  # noqa: E402  (tools/ is the script's folder)
MODELS = pathlib.Path(os.environ.get("LISAKIT_MODELS", ROOT / "models"))
TEXT = ("Reasoning segmentation asks a model to find the object that answers an implicit question, such as "
        "where to throw away the scraps after cooking, and to return its mask. ")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--prompt", type=int, default=128)
    ap.add_argument("--decode", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--bin", default=os.environ.get("LISAKIT_BENCH"))
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    path = args.model or (glob.glob(str(MODELS / "SmolLM2-135M-Instruct" / "*.gguf")) or [None])[0]
    if not path:
        sys.exit("SmolLM2-135M-Instruct is not installed: run `make models`")

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.set_num_threads(args.threads)
    folder, name = os.path.dirname(path), os.path.basename(path)
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    ids = tok(TEXT * 20, add_special_tokens=False)["input_ids"][:args.prompt]
    ids_file = pathlib.Path("/tmp") / f"bench_llama_ids_{os.getpid()}.json"
    ids_file.write_text(json.dumps(ids))

    # Ours first (the PyTorch model is large in fp32; keep the runs apart in memory).
    binary = bench_binary(args.bin)
    env = dict(os.environ, LISAKIT_THREADS=str(args.threads), OPENBLAS_NUM_THREADS="1")
    out = subprocess.run([binary, "llama", "--model", path, "--ids", str(ids_file), "--decode", str(args.decode),
                          "--rounds", str(args.rounds)], env=env, check=True, capture_output=True, text=True).stdout
    ours = json.loads(out.strip().splitlines()[-1])

    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, torch_dtype=torch.float32).eval()
    x = torch.tensor([ids])

    def torch_prefill():
        with torch.inference_mode():
            model(x, use_cache=True)

    def torch_decode():
        with torch.inference_mode():
            t0 = time.perf_counter()
            o = model(x, use_cache=True)
            t1 = time.perf_counter()
            model.generate(x, attention_mask=torch.ones_like(x), max_new_tokens=args.decode,
                           min_new_tokens=args.decode, do_sample=False, eos_token_id=None, pad_token_id=0)
            t2 = time.perf_counter()
        # generate re-runs the prefill: subtract one measured prefill.
        return (t2 - t1) - (t1 - t0)

    torch_prefill()
    prefill = min(timed(torch_prefill) for _ in range(args.rounds))
    decode = min(torch_decode() for _ in range(args.rounds))
    peer = {"prefill": len(ids) / prefill, "decode": args.decode / max(decode, 1e-9)}

    cpp = None
    try:
        from llama_cpp import Llama
        llm = Llama(model_path=path, n_ctx=max(512, len(ids) + args.decode + 8), n_threads=args.threads,
                    n_threads_batch=args.threads, n_batch=512, verbose=False)
        best_p, best_d = float("inf"), float("inf")
        for _ in range(args.rounds):
            llm.reset()
            t0 = time.perf_counter()
            llm.eval(ids)
            t1 = time.perf_counter()
            n = 0
            for _t in llm.generate(ids, top_k=1, temp=0.0, reset=False):
                n += 1
                if n == args.decode:
                    break
            t2 = time.perf_counter()
            best_p, best_d = min(best_p, t1 - t0), min(best_d, t2 - t1)
        cpp = {"prefill": len(ids) / best_p, "decode": args.decode / best_d}
    except ImportError:
        pass

    load = os.getloadavg()[0]
    print(f"## LLaMA decoder: {name}, {args.threads} threads, prompt {len(ids)} tokens, decode {args.decode} tokens, "
          f"best of {args.rounds}, load average {load:.1f}")
    print(f"ours: prefill {ours['prefill_tokens_per_second']:.1f} tok/s, decode {ours['decode_tokens_per_second']:.1f} tok/s "
          f"(load {ours['load_seconds'] * 1000:.0f} ms)")
    print(f"PyTorch {torch.__version__} transformers fp32 (dequantized GGUF): prefill {peer['prefill']:.1f} tok/s, decode {peer['decode']:.1f} tok/s")
    print(f"  ratio ours/PyTorch: prefill x{ours['prefill_tokens_per_second'] / peer['prefill']:.2f}, "
          f"decode x{ours['decode_tokens_per_second'] / peer['decode']:.2f}")
    if cpp:
        print(f"llama.cpp (llama-cpp-python): prefill {cpp['prefill']:.1f} tok/s, decode {cpp['decode']:.1f} tok/s; "
              f"ratio ours/llama.cpp: prefill x{ours['prefill_tokens_per_second'] / cpp['prefill']:.2f}, "
              f"decode x{ours['decode_tokens_per_second'] / cpp['decode']:.2f}")
    else:
        print("llama.cpp: llama-cpp-python not installed, skipped")
    print(f"decode reads {ours['weight_bytes_per_token'] / 1e6:.1f} MB of weights per token; measured read bandwidth "
          f"{ours['bandwidth_gb_per_second']:.1f} GB/s ({ours['bandwidth_threads']} threads) → limit "
          f"{ours['bandwidth_limit_tokens_per_second']:.0f} tok/s; ours reaches {100 * ours['bandwidth_fraction']:.0f}% of it")
    m = ours["memory_7b"]
    print(f"7B (LLaMA-2-7B config, {m['parameters'] / 1e9:.2f} B parameters): bf16 weights {m['bf16_gib']:.2f} GiB, "
          f"Q4_0 weights {m['q4_0_gib']:.2f} GiB; KV cache (fp32) at {m['context']} tokens {m['kv_cache_gib']:.2f} GiB → "
          f"resident ≈ {m['bf16_resident_gib']:.2f} GiB (bf16) / {m['q4_resident_gib']:.2f} GiB (Q4) of a 24 GiB machine")
    ids_file.unlink()


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
