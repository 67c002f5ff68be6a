#!/usr/bin/env python3
"""Writes the GGUF test fixtures (Tests/ModelTests/Fixtures/gguf/) with the `gguf` package.

- tensors-v3.gguf: GGUF v3 with `general.alignment` 64, one tensor of every type LisaKit reads
  (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q4_K, Q6_K; random valid blocks: random bytes with finite
  f16 scales), a 1-D and a 3-D tensor, and metadata of every value type (incl. nested arrays).
- tensors-v2.gguf: the same tensors with the default alignment, its version field set to 2
  (v2 and v3 share the little-endian layout).
- dequantized.bin + manifest.json: every tensor dequantized to float32 by
  `gguf.quants.dequantize` (little-endian, concatenated in manifest order).
- tokenizer-llama.gguf + llama-expected.json: a small SentencePiece-style (`tokenizer.ggml.model`
  = llama) vocabulary with scores, byte tokens, control and user-defined tokens, and the ids
  transformers' GGUF tokenizer conversion gives on the hard corpus (tools/tokenizer_corpus.py).
- smollm2-expected.json: when the real SmolLM2-135M-Instruct.Q4_1.gguf is installed
  ($LISAKIT_MODELS or ./models), the ids transformers builds from it on the same corpus.

Usage: /tmp/refenv-model/bin/python tools/gguf_fixtures.py
"""
import json
import os
import shutil
import struct
import sys
import tempfile

import numpy as np
import gguf
from gguf import GGMLQuantizationType as Q, GGUFValueType as V

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tokenizer_corpus import corpus, training_lines  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "ModelTests", "Fixtures", "gguf")
MODELS = os.environ.get("LISAKIT_MODELS", os.path.join(ROOT, "models"))

# (name, type, rows, cols): cols is the contiguous ggml dimension.
MATRICES = [
    ("w.f32", Q.F32, 3, 37),
    ("w.f16", Q.F16, 3, 37),
    ("w.bf16", Q.BF16, 2, 40),
    ("w.q8_0", Q.Q8_0, 5, 64),
    ("w.q4_0", Q.Q4_0, 5, 96),
    ("w.q4_1", Q.Q4_1, 4, 64),
    ("w.q4_k", Q.Q4_K, 3, 512),
    ("w.q6_k", Q.Q6_K, 3, 512),
]
# Byte offsets of the f16 scale fields inside one block, per quantized type.
SCALE_FIELDS = {Q.Q8_0: [0], Q.Q4_0: [0], Q.Q4_1: [0, 2], Q.Q4_K: [0, 2], Q.Q6_K: [208]}


def random_blocks(rng, qtype, rows, cols):
    block, size = gguf.GGML_QUANT_SIZES[qtype]
    n_blocks = rows * cols // block
    raw = rng.integers(0, 256, size=(n_blocks, size), dtype=np.uint8)
    for off in SCALE_FIELDS[qtype]:
        scale = rng.uniform(-0.2, 0.2, size=n_blocks).astype(np.float16)
        raw[:, off:off + 2] = scale.view(np.uint8).reshape(n_blocks, 2)
    return raw.reshape(rows, cols // block * size)


def tensors(rng):
    out = []
    for name, qtype, rows, cols in MATRICES:
        values = rng.standard_normal((rows, cols)).astype(np.float32)
        if qtype == Q.F32:
            out.append((name, values, None, values))
        elif qtype == Q.F16:
            half = values.astype(np.float16)
            out.append((name, half, None, half.astype(np.float32)))
        else:
            raw = gguf.quants.quantize(values, qtype) if qtype == Q.BF16 else random_blocks(rng, qtype, rows, cols)
            out.append((name, raw, qtype, gguf.quants.dequantize(raw, qtype).reshape(rows, cols)))
    norm = rng.standard_normal(37).astype(np.float32)
    cube = rng.standard_normal((2, 3, 4)).astype(np.float32)
    out.append(("norm.weight", norm, None, norm))
    out.append(("cube", cube, None, cube))
    return out


def add_metadata(w):
    w.add_uint8("test.u8", 200)
    w.add_int8("test.i8", -100)
    w.add_uint16("test.u16", 60000)
    w.add_int16("test.i16", -30000)
    w.add_uint32("test.u32", 4000000000)
    w.add_int32("test.i32", -2000000000)
    w.add_float32("test.f32", 0.125)
    w.add_bool("test.bool", True)
    w.add_string("test.string", "héllo, GGUF ✓")
    w.add_uint64("test.u64", 18000000000000000000)
    w.add_int64("test.i64", -9000000000000000000)
    w.add_float64("test.f64", -2.5e-300)
    w.add_array("test.arr_i32", [1, -2, 3])
    w.add_key_value("test.arr_u8", [0, 7, 255], V.ARRAY, sub_type=V.UINT8)
    w.add_key_value("test.arr_i16", [-1, 2], V.ARRAY, sub_type=V.INT16)
    w.add_array("test.arr_f32", [0.5, -1.5])
    w.add_array("test.arr_str", ["a", "βγ", ""])
    w.add_array("test.arr_bool", [True, False])
    w.add_array("test.nested", [[1, 2], [3]])
    w.add_array("test.nested_str", [["x"], ["y", "z"]])


def write_tensor_file(path, items, alignment=None, version=3):
    w = gguf.GGUFWriter(path, "test")
    if alignment:
        w.add_custom_alignment(alignment)
    add_metadata(w)
    for name, data, raw_dtype, _ in items:
        w.add_tensor(name, data, raw_dtype=raw_dtype)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    if version != 3:
        with open(path, "r+b") as f:
            f.seek(4)
            f.write(struct.pack("<I", version))


def tensor_fixtures():
    rng = np.random.default_rng(8)
    items = tensors(rng)
    write_tensor_file(os.path.join(OUT, "tensors-v3.gguf"), items, alignment=64)
    write_tensor_file(os.path.join(OUT, "tensors-v2.gguf"), items, version=2)
    manifest, offset = [], 0
    with open(os.path.join(OUT, "dequantized.bin"), "wb") as f:
        for name, _, _, values in items:
            flat = np.ascontiguousarray(values, dtype="<f4").reshape(-1)
            f.write(flat.tobytes())
            manifest.append({"name": name, "shape": list(values.shape), "offset": offset, "count": int(flat.size)})
            offset += flat.size
    # Cross-check with gguf's own reader: the types and shapes it sees.
    reader = gguf.GGUFReader(os.path.join(OUT, "tensors-v3.gguf"))
    types = {t.name: t.tensor_type.name for t in reader.tensors}
    for m in manifest:
        m["type"] = types[m["name"]]
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"tensors": manifest}, f, indent=1)


# MARK: SentencePiece-style (llama) tokenizer


def llama_vocab():
    """Pieces of a BPE trained with Metaspace on the training text, ranked as SentencePiece does."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    trainer = trainers.BpeTrainer(vocab_size=700, special_tokens=["<unk>", "<s>", "</s>"], show_progress=False,
                                  limit_alphabet=120)
    tok.train_from_iterator(training_lines(), trainer)
    vocab = tok.get_vocab()
    return [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1]) if t not in ("<unk>", "<s>", "</s>")]


def llama_tokenizer_fixture():
    pieces = llama_vocab()
    added = ["<|im_start|>", "<|im_end|>", "[SEG]"]
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    types = [2, 3, 3] + [6] * 256
    scores = [0.0, 0.0, 0.0] + [0.0] * 256
    for i, p in enumerate(pieces):
        if p in tokens or p in added:
            continue
        tokens.append(p)
        types.append(1)
        scores.append(-float(i))
    tokens += added
    types += [3, 3, 4]
    scores += [0.0, 0.0, 0.0]
    path = os.path.join(OUT, "tokenizer-llama.gguf")
    w = gguf.GGUFWriter(path, "llama")
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    w.add_chat_template("{% for m in messages %}{{ m['content'] }}{% endfor %}")
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    record(path, os.path.join(OUT, "llama-expected.json"))


def record(gguf_path, out_path):
    from transformers import AutoTokenizer
    folder, name = os.path.split(gguf_path)
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    lines = corpus()
    cases = []
    for text in lines:
        ids = tok(text)["input_ids"]
        cases.append({"text": text, "ids": ids, "decoded": tok.decode(ids, skip_special_tokens=True)})
    special = {k: getattr(tok, k) for k in ("bos_token", "eos_token", "unk_token", "pad_token")}
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"special": special, "vocab_size": len(tok), "cases": cases}, f, ensure_ascii=False, indent=0)


def smollm2_fixture():
    path = os.path.join(MODELS, "SmolLM2-135M-Instruct", "SmolLM2-135M-Instruct.Q4_1.gguf")
    if not os.path.exists(path):
        print(f"skipping SmolLM2: {path} not installed (tools/install-models.sh)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        link = os.path.join(tmp, os.path.basename(path))
        os.symlink(os.path.abspath(path), link)
        record(link, os.path.join(OUT, "smollm2-expected.json"))


def main():
    os.makedirs(OUT, exist_ok=True)
    tensor_fixtures()
    llama_tokenizer_fixture()
    smollm2_fixture()
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {OUT}: {total} bytes")


if __name__ == "__main__":
    main()
