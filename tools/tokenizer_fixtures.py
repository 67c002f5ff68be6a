#!/usr/bin/env python3
"""Generates the tokenizer fixtures under Tests/ModelTests/Fixtures/tokenizers/.

Trains small tokenizers with the Hugging Face `tokenizers` library, using the exact pipeline
configurations of GPT-2 (byte-level BPE), LLaMA (SentencePiece-style BPE with byte_fallback,
in both the legacy Prepend/Replace form and the newer Metaspace form) and BERT (WordPiece),
adds tokens with varied lstrip/rstrip/normalized/special/single_word flags, and records
the library's ids, tokens and decoded text over the hard corpus (tools/tokenizer_corpus.py).
If the real all-MiniLM-L6-v2 tokenizer.json (installed by tools/install-models.sh) or the real
SmolLM2 tokenizer.json (built by tools/smollm2_tokenizer.py) is found ($LISAKIT_MODELS or
./models), its expected outputs are recorded too (the tokenizer files are not committed).

The trainers are not bit-reproducible from run to run (ties between equally frequent pairs),
so a rerun may produce different small vocabularies; each fixture folder's tokenizer.json and
expected.json are always written together and stay consistent.

Usage: /tmp/refenv-tok/bin/python tools/tokenizer_fixtures.py
"""
import json
import os
import random
import sys

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
import tokenizers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tokenizer_corpus import HAND, corpus, training_lines  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Split patterns of published tokenizers (tokenizer.json `Regex` patterns).
GPT2_RE = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
LLAMA3_RE = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
             r"|\s*[\r\n]+|\s+(?!\S)|\s+")
O200K_RE = (r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
            r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
            r"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+")
CLIP_RE = r"'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"
OUT = os.path.join(ROOT, "Tests", "ModelTests", "Fixtures", "tokenizers")


def gpt2_style():
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=1500, special_tokens=["<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(training_lines(), trainer)
    tok.add_special_tokens([
        AddedToken("[SEG]", special=True, normalized=False),
        AddedToken("<im_start>", special=True, lstrip=True, normalized=False),
        AddedToken("<im_end>", special=True, rstrip=True, normalized=False),
    ])
    tok.add_tokens([
        AddedToken("<think>", special=False, normalized=True),
        AddedToken("dog", special=False, single_word=True, normalized=False),
    ])
    return tok


def train_sentencepiece_bpe():
    """SentencePiece-style BPE: '▁' for spaces, a byte-token block <0x00>…<0xFF> at ids 3…258."""
    byte_tokens = [f"<0x{b:02X}>" for b in range(256)]
    tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("\u2581"), normalizers.Replace(" ", "\u2581")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="never", split=True)
    trainer = trainers.BpeTrainer(vocab_size=1800, special_tokens=["<unk>", "<s>", "</s>"] + byte_tokens,
                                  limit_alphabet=120, show_progress=False)
    tok.train_from_iterator(training_lines(), trainer)
    data = json.loads(tok.to_str())
    # Byte tokens are plain vocabulary entries in LLaMA, not added tokens.
    data["added_tokens"] = [t for t in data["added_tokens"] if t["content"] in ("<unk>", "<s>", "</s>")]
    return data


def llama_legacy(base):
    data = json.loads(json.dumps(base))
    data["normalizer"] = {"type": "Sequence", "normalizers": [
        {"type": "Prepend", "prepend": "\u2581"},
        {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]}
    data["pre_tokenizer"] = None
    data["decoder"] = {"type": "Sequence", "decoders": [
        {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
        {"type": "ByteFallback"}, {"type": "Fuse"},
        {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
    tok = Tokenizer.from_str(json.dumps(data))
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A <s>:1 $B:1", special_tokens=[("<s>", 1)])
    tok.add_special_tokens([
        AddedToken("<im_start>", special=True, normalized=False),
        AddedToken("<im_end>", special=True, rstrip=True, lstrip=True, normalized=False),
    ])
    tok.add_tokens([
        AddedToken("[SEG]", special=False, normalized=True),
        AddedToken("<think>", special=False, normalized=False, single_word=True),
    ])
    return tok


def llama_metaspace(base):
    data = json.loads(json.dumps(base))
    data["normalizer"] = None
    data["pre_tokenizer"] = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "first", "split": False}
    data["decoder"] = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "first", "split": False}
    tok = Tokenizer.from_str(json.dumps(data))
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B:1 </s>:1", special_tokens=[("<s>", 1), ("</s>", 2)])
    tok.add_special_tokens([
        AddedToken("[SEG]", special=True, normalized=False, lstrip=True, rstrip=True),
        AddedToken("<im_start>", special=True, normalized=False),
        AddedToken("<im_end>", special=True, normalized=False),
    ])
    tok.add_tokens([AddedToken("<think>", special=False, normalized=True)])
    return tok


def wordpiece():
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=40))
    # Accents kept and case kept: canonically-equivalent spellings stay distinct vocabulary keys.
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                                strip_accents=False, lowercase=False)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece(prefix="##", cleanup=True)
    trainer = trainers.WordPieceTrainer(vocab_size=1200, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"],
                                        limit_alphabet=200, show_progress=False)
    tok.train_from_iterator(training_lines(), trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))])
    tok.add_special_tokens([AddedToken("[SEG]", special=True, normalized=False)])
    tok.add_tokens([
        AddedToken("<im_start>", special=False, normalized=True, single_word=True),
        AddedToken("<im_end>", special=False, normalized=True, rstrip=True),
    ])
    tok.enable_truncation(max_length=32, strategy="longest_first")
    tok.enable_padding(pad_id=tok.token_to_id("[PAD]"), pad_token="[PAD]", pad_to_multiple_of=8)
    return tok


def variants(base_llama):
    """Smaller tokenizers exercising the remaining component types and options."""
    out = {}
    # A: WordPiece with NFKD/StripAccents/Lowercase/Strip, Whitespace+Digits+Punctuation, BertProcessing,
    #    left truncation and left fixed padding.
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.Sequence([normalizers.NFKD(), normalizers.StripAccents(), normalizers.Lowercase(),
                                           normalizers.Strip(left=True, right=True)])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Whitespace(), pre_tokenizers.Digits(individual_digits=True),
                                                 pre_tokenizers.Punctuation(behavior="merged_with_previous")])
    tok.train_from_iterator(training_lines(), trainers.WordPieceTrainer(
        vocab_size=900, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]"], limit_alphabet=150, show_progress=False))
    tok.post_processor = processors.BertProcessing(("[SEP]", 3), ("[CLS]", 2))
    tok.decoder = decoders.WordPiece(prefix="##", cleanup=False)
    tok.add_special_tokens([AddedToken("[SEG]", special=True, normalized=True, single_word=True)])
    tok.enable_truncation(max_length=20, strategy="longest_first", direction="left")
    tok.enable_padding(direction="left", length=24, pad_id=0, pad_token="[PAD]", pad_type_id=0)
    out["variant-wordpiece"] = tok
    # B: byte-level BPE with NFKC, Split(" ", merged_with_next) + ByteLevel(add_prefix_space), RobertaProcessing.
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split(" ", behavior="merged_with_next"),
                                                 pre_tokenizers.ByteLevel(add_prefix_space=True)])
    tok.train_from_iterator(training_lines(), trainers.BpeTrainer(
        vocab_size=1000, special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    tok.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0))
    tok.decoder = decoders.ByteLevel()
    tok.add_tokens([AddedToken("<im_start>", normalized=True, lstrip=True, rstrip=True)])
    tok.enable_truncation(max_length=30)
    out["variant-roberta"] = tok
    # C: WordLevel, NFC + Replace + Lowercase, WhitespaceSplit + CharDelimiterSplit, no decoder, no post-processor.
    tok = Tokenizer(models.WordLevel(unk_token="<unk>"))
    tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Replace("``", '"'), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.CharDelimiterSplit("-")])
    tok.train_from_iterator(training_lines(), trainers.WordLevelTrainer(
        vocab_size=800, special_tokens=["<unk>"], show_progress=False))
    tok.add_tokens([AddedToken("[SEG]", normalized=False), AddedToken("dog", normalized=True, single_word=True)])
    out["variant-wordlevel"] = tok
    # D: BPE with continuing_subword_prefix / end_of_word_suffix, unk without fuse, BPEDecoder.
    tok = Tokenizer(models.BPE(unk_token="[UNK]", continuing_subword_prefix="##", end_of_word_suffix="</w>"))
    tok.normalizer = normalizers.Sequence([normalizers.NFD(), normalizers.StripAccents(), normalizers.Strip(left=False, right=True)])
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(training_lines(), trainers.BpeTrainer(
        vocab_size=900, special_tokens=["[UNK]"], limit_alphabet=60, continuing_subword_prefix="##",
        end_of_word_suffix="</w>", show_progress=False))
    tok.decoder = decoders.BPEDecoder(suffix="</w>")
    out["variant-bpe-suffix"] = tok
    # E: SentencePiece BPE with Metaspace (always, split), NFKC + Lowercase, ignore_merges, a multi-id
    #    special token in the template, Metaspace decoder.
    data = json.loads(json.dumps(base_llama))
    data["model"]["ignore_merges"] = True
    data["model"]["fuse_unk"] = False
    data["normalizer"] = {"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "Lowercase"}]}
    data["pre_tokenizer"] = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True}
    data["decoder"] = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True}
    tok = Tokenizer.from_str(json.dumps(data))
    tok.post_processor = processors.TemplateProcessing(
        single="[BOS] $A </s>", pair="[BOS] $A </s> $B:1 </s>:1",
        special_tokens=[{"id": "[BOS]", "ids": [1, 2], "tokens": ["<s>", "</s>"]}, ("</s>", 2)])
    tok.add_special_tokens([AddedToken("[SEG]", special=True, normalized=False, rstrip=True)])
    out["variant-metaspace"] = tok
    # F: ByteLevel normalizer, Split("Ġ") merged_with_next, byte-level BPE from the GPT-2-style
    #    fixture, Sequence post-processor (ByteLevel + Template), ByteLevel decoder.
    gpt = json.loads(gpt2_style().to_str())
    gpt["normalizer"] = {"type": "ByteLevel"}
    gpt["pre_tokenizer"] = {"type": "Split", "pattern": {"String": "\u0120"}, "behavior": "MergedWithNext", "invert": False}
    gpt["post_processor"] = {"type": "Sequence", "processors": [
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        {"type": "TemplateProcessing", "single": [{"Sequence": {"id": "A", "type_id": 0}},
                                                   {"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}}],
         "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}},
                  {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "<|endoftext|>", "type_id": 1}}],
         "special_tokens": {"<|endoftext|>": {"id": "<|endoftext|>", "ids": [0], "tokens": ["<|endoftext|>"]}}}]}
    gpt["padding"] = {"strategy": {"Fixed": 40}, "direction": "Right", "pad_to_multiple_of": None, "pad_id": 0,
                      "pad_type_id": 0, "pad_token": "<|endoftext|>"}
    out["variant-bytelevel-normalizer"] = Tokenizer.from_str(json.dumps(gpt))
    # G: CLIP's text pipeline: NFC + Replace(\s+ → " ") + Lowercase, Split(CLIP regex, removed, inverted) +
    #    ByteLevel without regex, BPE with end_of_word_suffix "</w>", RobertaProcessing, ByteLevel decoder.
    tok = Tokenizer(models.BPE(unk_token="<|endoftext|>", end_of_word_suffix="</w>", continuing_subword_prefix=""))
    tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " "), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(CLIP_RE), behavior="removed", invert=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.train_from_iterator(training_lines(), trainers.BpeTrainer(
        vocab_size=1200, special_tokens=["<|startoftext|>", "<|endoftext|>"], end_of_word_suffix="</w>",
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    tok.post_processor = processors.RobertaProcessing(("<|endoftext|>", tok.token_to_id("<|endoftext|>")),
                                                      ("<|startoftext|>", tok.token_to_id("<|startoftext|>")),
                                                      add_prefix_space=False, trim_offsets=False)
    tok.decoder = decoders.ByteLevel()
    tok.enable_truncation(max_length=77)
    tok.enable_padding(length=77, pad_id=tok.token_to_id("<|endoftext|>"), pad_token="<|endoftext|>")
    out["variant-clip"] = tok
    # H: LLaMA-3 style: Split(LLaMA-3 regex, isolated) + ByteLevel without regex, BPE with ignore_merges.
    tok = Tokenizer(models.BPE(ignore_merges=True))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_RE), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.train_from_iterator(training_lines(), trainers.BpeTrainer(
        vocab_size=1500, special_tokens=["<|begin_of_text|>", "<|end_of_text|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    tok.post_processor = processors.TemplateProcessing(
        single="<|begin_of_text|> $A", pair="<|begin_of_text|> $A <|begin_of_text|>:1 $B:1",
        special_tokens=[("<|begin_of_text|>", tok.token_to_id("<|begin_of_text|>"))])
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([AddedToken("<|start_header_id|>", special=True, normalized=False),
                            AddedToken("<|eot_id|>", special=True, normalized=False)])
    out["variant-llama3"] = tok
    return out


def combining_heavy_lines(n, seed=3):
    """Random strings from ranges rich in combining marks and compatibility characters."""
    ranges = [(0x300, 0x36F), (0x41, 0x7A), (0xC0, 0x17F), (0x1E00, 0x1EFF), (0x3099, 0x309A), (0xFF61, 0xFF9F),
              (0x1100, 0x11FF), (0xAC00, 0xAC40), (0x2160, 0x2188), (0xFB00, 0xFB06), (0x0F71, 0x0F84),
              (0x591, 0x5C7), (0x64B, 0x65F), (0x1F00, 0x1FFF), (0x2100, 0x214F), (0x3300, 0x3357), (0xB4, 0xB4),
              (0x345, 0x345), (0x0E31, 0x0E4E), (0x900, 0x97F), (0x20D0, 0x20F0), (0x20, 0x20), (0x2000, 0x200D)]
    rng = random.Random(seed)
    return ["".join(chr(rng.randint(*rng.choice(ranges))) for _ in range(rng.randint(1, 12))) for _ in range(n)]


def components(lines):
    """Outputs of single normalizers and pre-tokenizers (`normalize_str`, `pre_tokenize_str`)."""
    norms = {
        "NFC": normalizers.NFC(), "NFD": normalizers.NFD(), "NFKC": normalizers.NFKC(), "NFKD": normalizers.NFKD(),
        "Lowercase": normalizers.Lowercase(), "StripAccents": normalizers.StripAccents(),
        "BertNormalizer": normalizers.BertNormalizer(),
        "Strip": normalizers.Strip(),
        "ReplaceRegex": normalizers.Replace(Regex(r"\s+"), " "),
        "ReplaceRegexClass": normalizers.Replace(Regex(r"[\p{P}\d]{2,}|(?i:th)e"), "<\u2581>"),
    }
    pres = {
        "ByteLevel": pre_tokenizers.ByteLevel(add_prefix_space=False),
        "Whitespace": pre_tokenizers.Whitespace(), "WhitespaceSplit": pre_tokenizers.WhitespaceSplit(),
        "BertPreTokenizer": pre_tokenizers.BertPreTokenizer(),
        "Metaspace": pre_tokenizers.Metaspace(prepend_scheme="always"),
        "Digits": pre_tokenizers.Digits(individual_digits=False),
        "Punctuation": pre_tokenizers.Punctuation(behavior="contiguous"),
        "SplitGPT2": pre_tokenizers.Split(Regex(GPT2_RE), behavior="isolated"),
        "SplitLLaMA3": pre_tokenizers.Split(Regex(LLAMA3_RE), behavior="isolated"),
        "SplitO200k": pre_tokenizers.Split(Regex(O200K_RE), behavior="isolated"),
        "SplitCLIP": pre_tokenizers.Split(Regex(CLIP_RE), behavior="removed", invert=True),
        "SplitLazy": pre_tokenizers.Split(Regex(r"\w+?(?=\s|$)|\d{2}|[^\w\s]{1,2}?"), behavior="merged_with_previous"),
    }
    out = []
    for text in lines:
        out.append({
            "text": text,
            "normalized": {k: n.normalize_str(text) for k, n in norms.items()},
            "pre_tokenized": {k: [piece for piece, _ in p.pre_tokenize_str(text)] for k, p in pres.items()},
        })
    return out


def record(tok, lines, pairs):
    """Expected outputs: per line with settings off, plus pairs and a batch with the file's settings."""
    configured = Tokenizer.from_str(tok.to_str())
    plain = Tokenizer.from_str(tok.to_str())
    plain.no_truncation()
    plain.no_padding()
    cases = []
    for text in lines:
        e = plain.encode(text)
        e0 = plain.encode(text, add_special_tokens=False)
        case = {
            "text": text,
            "ids": e.ids,
            "tokens": e.tokens,
            "ids_no_special": e0.ids,
            "decoded": plain.decode(e.ids, skip_special_tokens=True),
            "decoded_with_special": plain.decode(e.ids, skip_special_tokens=False),
        }
        if any(e.type_ids):  # omitted when all zero, to keep the fixtures small
            case["type_ids"] = e.type_ids
        cases.append(case)
    pair_cases = []
    for a, b in pairs:
        e = configured.encode(a, b)
        pair_cases.append({"text": a, "pair": b, "ids": e.ids, "tokens": e.tokens, "type_ids": e.type_ids,
                           "attention_mask": e.attention_mask})
    batch_texts = lines[4:12] + [lines[-1] * 3]
    batch = [{"ids": e.ids, "attention_mask": e.attention_mask, "type_ids": e.type_ids}
             for e in configured.encode_batch(batch_texts)]
    # Decoding arbitrary id sequences (broken byte sequences, special tokens in the middle).
    rng = random.Random(99)
    n = plain.get_vocab_size(with_added_tokens=True)
    decode_cases = []
    for _ in range(60):
        ids = [rng.randrange(n) for _ in range(rng.randint(1, 12))]
        decode_cases.append({"ids": ids, "skip": plain.decode(ids, skip_special_tokens=True),
                             "keep": plain.decode(ids, skip_special_tokens=False)})
    return {"tokenizers_version": tokenizers.__version__, "cases": cases, "pairs": pair_cases,
            "batch": {"texts": batch_texts, "encodings": batch}, "decode": decode_cases}


def write(name, tok, lines, pairs, commit_tokenizer=True):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    if commit_tokenizer:
        with open(os.path.join(d, "tokenizer.json"), "w") as f:
            f.write(tok.to_str(pretty=False))
    expected = record(tok, lines, pairs)
    with open(os.path.join(d, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, separators=(",", ":"))
    print(f"{name}: {len(expected['cases'])} cases, vocab {tok.get_vocab_size()}")


def main():
    lines = corpus()
    pairs = [
        ("Where is the cat?", "On the mat [SEG]."),
        ("A very long first sentence " * 8, "short"),
        ("short", "A very long second sentence " * 8),
        ("<im_start>user", "<im_end>"),
        ("我爱北京天安门", "café cafe\u0301"),
    ]
    comp_lines = lines[:len(HAND) + 100] + combining_heavy_lines(150)
    with open(os.path.join(OUT, "components.json"), "w", encoding="utf-8") as f:
        json.dump({"tokenizers_version": tokenizers.__version__, "cases": components(comp_lines)}, f,
                  ensure_ascii=False, separators=(",", ":"))
    print(f"components: {len(comp_lines)} lines")
    write("gpt2-bpe", gpt2_style(), lines, pairs)
    base = train_sentencepiece_bpe()
    write("llama-bpe", llama_legacy(base), lines, pairs)
    write("llama-metaspace", llama_metaspace(base), lines, pairs)
    write("wordpiece", wordpiece(), lines, pairs)
    short = lines[:len(HAND) + 40]
    for name, tok in variants(base).items():
        write(name, tok, short, pairs)
    models_dir = os.environ.get("LISAKIT_MODELS", os.path.join(ROOT, "models"))
    minilm = os.path.join(models_dir, "all-MiniLM-L6-v2", "tokenizer.json")
    if os.path.exists(minilm):
        write("minilm", Tokenizer.from_file(minilm), lines, pairs, commit_tokenizer=False)
    else:
        print(f"skipping MiniLM: {minilm} not found (run tools/install-models.sh)")
    smollm2 = os.path.join(models_dir, "SmolLM2-135M-Instruct", "tokenizer.json")
    if os.path.exists(smollm2):
        write("smollm2", Tokenizer.from_file(smollm2), lines, pairs, commit_tokenizer=False)
    else:
        print(f"skipping SmolLM2: {smollm2} not found (run tools/smollm2_tokenizer.py)")


if __name__ == "__main__":
    main()
