#!/usr/bin/env python3
"""Randomized parity check of LisaKit's tokenizer against Hugging Face `tokenizers`.

Encodes thousands of seeded random lines (the corpus pool plus combining marks, compatibility
characters, Latin-1 oddities, added-token look-alikes) with every committed fixture tokenizer,
the real MiniLM/SmolLM2 files when installed, and GPT-2-vocabulary tokenizers whose
pre-tokenizer is a `Split` regex (GPT-2, LLaMA-3, GPT-4o, CLIP and synthetic patterns, four
split behaviors). Compares ids line by line; prints match counts and the first mismatches.
Our side runs `lisakit-bench tokenizer --dump` ($LISAKIT_BENCH or .build/release/lisakit-bench).

Usage: /tmp/refenv-tok/bin/python tools/tokenizer_fuzz.py [SEED] [LINES]
"""
import json
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import tokenizer_fixtures as tf  # noqa: E402
from tokenizer_corpus import POOL  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

EXTRA = [chr(c) for c in [0xB2, 0xB3, 0xB9, 0xBC, 0xBD, 0xBE, 0xAA, 0xB5, 0xBA, 0x2070, 0x24B6, 0x216B, 0x200D,
                          0x200C, 0xB4, 0x345, 0x203F, 0x661, 0xA0, 0x2028, 0x85, 0x130, 0x131, 0x17F, 0x212A,
                          0x1E9E, 0x3A3, 0x3C2, 0xFF9E, 0x3099, 0x0F73, 0x1D400, 0xE0067, 0x10FFFF]]
EXTRA += ["'S", "'T", "'RE", "'Ll", "\r\n", "\n\n", "  \n", "123456", "<|im_start|>", "<s>", "\u2581", "\u0120",
          "##", "<0x41>", "[CLS]", "<|endoftext|>"]


def bench_binary():
    return os.environ.get("LISAKIT_BENCH") or os.path.join(ROOT, ".build", "release", "lisakit-bench")


def ours(binary, path, inp):
    out = subprocess.run([binary, "tokenizer", "--tokenizer", path, "--input", inp, "--dump"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def compare(name, path, lines, inp, binary):
    tok = Tokenizer.from_file(path)
    tok.no_truncation()
    tok.no_padding()
    got = ours(binary, path, inp)
    bad = [(line, g) for line, g in zip(lines, got) if tok.encode(line).ids != g]
    print(f"{name:40} {len(lines) - len(bad)}/{len(lines)}")
    for line, g in bad[:2]:
        print(f"    {line!r}\n    hf   {tok.encode(line).ids}\n    ours {g}")
    return len(bad)


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    rng = random.Random(seed)
    pool = POOL + EXTRA
    lines = ["".join(rng.choice(pool) for _ in range(rng.randint(1, 50))) for _ in range(n)]
    binary = bench_binary()
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        inp = os.path.join(tmp, "lines.json")
        with open(inp, "w", encoding="utf-8") as f:
            json.dump(lines, f, ensure_ascii=False)
        fx = os.path.join(ROOT, "Tests", "ModelTests", "Fixtures", "tokenizers")
        models = os.environ.get("LISAKIT_MODELS", os.path.join(ROOT, "models"))
        paths = [(d, os.path.join(fx, d, "tokenizer.json")) for d in sorted(os.listdir(fx))]
        paths += [("MiniLM (real)", os.path.join(models, "all-MiniLM-L6-v2", "tokenizer.json")),
                  ("SmolLM2 (real)", os.path.join(models, "SmolLM2-135M-Instruct", "tokenizer.json"))]
        for name, path in paths:
            if os.path.exists(path):
                failures += compare(name, path, lines, inp, binary)
        base = json.load(open(os.path.join(fx, "gpt2-bpe", "tokenizer.json"), encoding="utf-8"))
        patterns = {"gpt2": tf.GPT2_RE, "llama3": tf.LLAMA3_RE, "o200k": tf.O200K_RE, "clip": tf.CLIP_RE,
                    "lazy": r"\w+?(?=\s|$)|\d{2}|[^\w\s]{1,2}?",
                    "classes": r"[\w\d]+|[^\W_]{2}|\W|(?i:[a-f]{2,3})|\S\s*$|^\s+"}
        for pname, pattern in patterns.items():
            for behavior, invert in [("Isolated", False), ("Removed", True), ("MergedWithNext", False),
                                     ("Contiguous", False)]:
                d = json.loads(json.dumps(base))
                d["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
                    {"type": "Split", "pattern": {"Regex": pattern}, "behavior": behavior, "invert": invert},
                    {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]}
                path = os.path.join(tmp, f"split-{pname}-{behavior}.json")
                with open(path, "w", encoding="utf-8") as f:
                    json.dump(d, f)
                failures += compare(f"Split {pname} {behavior}", path, lines, inp, binary)
    print("all equal" if failures == 0 else f"{failures} mismatching lines")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
