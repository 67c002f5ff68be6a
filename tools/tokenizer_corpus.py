"""The hard corpus for tokenizer fixtures (imported by tokenizer_fixtures.py).

Hand-written lines cover CJK, emoji (ZWJ sequences, flags, skin tones), combining marks and
canonically-equivalent spellings, runs of unusual whitespace, control characters, very long
words and added tokens glued to words; seeded random lines mix all of these.
"""
import random

ADDED_GLUE = ["[SEG]", "<im_start>", "<im_end>", "<think>", "dog"]

HAND = [
    "",
    " ",
    "   ",
    "\t\n",
    "Hello world!",
    "Hello, world! How are you doing today?",
    "The quick brown fox jumps over the lazy dog.",
    "I'm sure you'll see it's what we'd've done; they're here, aren't they? 'S 'T 'RE",
    "don't do not DON'T ''s '''t",
    "Please segment the cat on the left. [SEG]",
    "What is in the image? Answer:[SEG]and more",
    "hello[SEG]world",
    "[SEG][SEG] [SEG]  [SEG]",
    "<im_start>user\nWhere is the red car?<im_end>\n<im_start>assistant\nIt is [SEG].<im_end>",
    "   <im_start>   spaced   <im_end>   ",
    "x<im_start>y<im_end>z",
    "<im_start><im_end><im_start>",
    "<think>reasoning</think> done",
    "a dog, hotdog, dog-house, dogs, _dog_, dog",
    "<im_sta",
    "[SEG",
    "我爱北京天安门。",
    "日本語のテキストとカタカナ、ひらがな。",
    "한국어 문장입니다. 한글 자모: 한",
    "中文English混合text123数字",
    "Emoji: 😀 😃 👍🏽 👨‍👩‍👧‍👦 🇫🇷 🏳️‍🌈 ❤️ 🤖",
    "🙂🙂🙂🙂🙂🙂",
    "café café cafe\u0301 CAFÉ naïve résumé",
    "\u00c5ngstr\u00f6m \u212bngstr\u00f6m A\u030angstro\u0308m",
    "e\u0301 \u00e9 e\u0301\u0301 \u0301leading mark",
    "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349\u035a\u032f\u031e\u0320\u034dA\u036b\u0357\u0334\u0362\u0335\u031c\u0330\u0354L\u0368\u0367\u0369\u0358\u0320G\u0311\u0357\u030e\u0305\u035b\u0341\u0334\u033b\u0348\u034d\u0354\u0339O\u0342\u030c\u030c\u0358\u0328\u0335\u0339\u033b\u031d\u0333",
    "Vi\u1ec7t Nam ti\u1ebfng Vi\u00ea\u0323t",
    "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e",
    "\u0645\u064e\u0631\u0652\u062d\u064e\u0628\u064b\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645",
    "\u05e9\u05b8\u05c1\u05dc\u05d5\u05b9\u05dd",
    "a  b   c    d\t\te\n\nf\r\ng",
    "  leading and trailing  ",
    "tab\there\u00a0nbsp\u3000ideographic\u2003em\u2028line\u2029para",
    "\u000bvertical\u000cformfeed\u0085nel",
    "zero\u200bwidth\u200cnon\u200djoiner\ufeffbom\u00adsoft",
    "ctrl\u0000nul\u0001soh\u001fus\u007fdel",
    "\ufffdreplacement\ufffd",
    "a" * 150,
    "supercalifragilisticexpialidocious " * 3,
    "Donaudampfschifffahrtsgesellschaftskapit\u00e4nsm\u00fctzenabzeichenherstellungsfirma",
    "https://example.com/a/very/long/path/with-many-segments/and_underscores/index.html?query=value&other=123#fragment",
    "pneumonoultramicroscopicsilicovolcanoconiosis" * 3,
    "\u6f22" * 120,
    "3.14159 1,000,000 42nd 2024-11-30 0x1F 1e-9",
    "\u0661\u0662\u0663 \u0967\u0968\u0969 \u2160\u2161\u2162 \u00bd \u00b2",
    "\uff21\uff22\uff23 \uff11\uff12\uff13 \ufb01ne \u2126 \u212a",
    "\U0001d518\U0001d52b\U0001d526\U0001d520\U0001d52c\U0001d521\U0001d522",
    "\u0130stanbul \u0131\u015f\u0131k STRASSE stra\u00dfe \u1e9e",
    "\u03a3\u0391\u03a3 \u03c3\u03b1\u03c2 \u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3",
    "\u01c5 \u01c6 \u01c4 \u1f88",
    "Mixed: The <im_start>cat</im_start> sat [SEG]on the mat\u3002\u732b\U0001f431",
    "What's the object? It's [SEG] or maybe[SEG]?",
    "!!! ??? ... --- ___ *** ((( ))) \"quoted\" 'single' `tick`",
    "\u00bfQu\u00e9? \u00a1S\u00ed! \u00ab\u00bb \u201cquotes\u201d \u2018single\u2019 \u2014dash\u2013",
    "email@example.com #hashtag @mention $100 50% a+b=c",
    "line1\nline2\n\nline4\n",
    "\n\n\n",
    " \n ",
    "end with spaces   ",
    "   start with spaces",
    "\u2581already\u2581has\u2581metaspace \u2581",
    "\u0120G\u0120with \u010a byte chars",
    "<0x41> <0xFF> <unk> <s> </s> [UNK] [CLS] [PAD] <|endoftext|>",
    "##suffix ##",
    "\U0001f600" * 40,
    "\U0001F9D1\U0001F3FF\u200D\U0001F9B0 \U0001F469\u200D\u2764\uFE0F\u200D\U0001F48B\u200D\U0001F468 \U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F",
    "\U00020000\U0002A6D6 \U0002B740 \uF900 \u2F800",
    "\u1100\u1161\u11a8 \uac01",
]

POOL = (
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    + list(" " * 12) + ["  ", "\t", "\n", "\u00a0", "\u3000", "\r\n"]
    + list(".,;:!?'\"-_()[]{}<>/\\@#$%^&*+=~`|")
    + ["'s", "'t", "'ll", "'re"]
    + list("\u00e9\u00e8\u00e0\u00fc\u00f6\u00e4\u00df\u00e7\u00f1\u00c5\u212b")
    + ["e\u0301", "a\u0308", "n\u0303", "\u0301", "\u0323\u0302"]
    + list("\u4f60\u597d\u4e16\u754c\u732b\u72d7\u3042\u30a2\ud55c\uae00")
    + ["\U0001f600", "\U0001f44d\U0001f3fd", "\U0001f1ef\U0001f1f5", "\u2764\ufe0f", "\U0001f468\u200d\U0001f4bb"]
    + ["\u200b", "\u00ad", "\ufeff", "\u0000", "\u001b"]
    + ["\u0661", "\u00bd", "\u2160", "\uff21", "\ufb01", "\u0130", "\u03a3"]
    + ADDED_GLUE
    + ["hello", "world", "segment", "the", "cat", "dog", "image", "tokenizer", "unbelievable", "\u0142\u00f3d\u017a"]
)


def random_lines(n, seed=1234):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        k = rng.randint(1, 30)
        out.append("".join(rng.choice(POOL) for _ in range(k)))
    return out


def corpus(n_random=180):
    return HAND + random_lines(n_random)


TRAIN_TEXT = """
Reasoning segmentation asks a model to produce a mask for the object described by an implicit
instruction. The dataset pairs every image with questions, answers and the [SEG] placeholder that
marks where the mask embedding is read. Tokenizers split text into pieces; byte-level BPE never
needs an unknown token, SentencePiece-style BPE falls back to bytes, and WordPiece marks word
continuations with a prefix. The quick brown fox jumps over the lazy dog. I'm sure it's fine,
we'll see what they've done and what you'd say. Where is the red car? It is on the left side of
the street, next to the tree. Please segment the person holding an umbrella. Which object would
you use to cut paper? The scissors on the desk. Numbers like 3.14, 2024 and 1,000,000 appear too.
café café naïve résumé Ångström Ångström über straße Köln Zürich garçon señor
我爱北京天安门。日本語のテキスト。한국어 문장입니다. 😀 👍 ❤️ 🇫🇷
Hello world! hello world, HELLO WORLD. segmentation segment segments segmented segmenting
"""


def training_lines():
    base = [l for l in TRAIN_TEXT.strip().split("\n")]
    # Repeat with variations so merges form; include canonically-equivalent spellings often.
    lines = []
    for i in range(60):
        for l in base:
            lines.append(l if i % 3 else l.lower())
        lines.append("caf\u00e9 cafe\u0301 \u00e9t\u00e9 e\u0301te\u0301 \u00c5 \u212b A\u030a")
        lines.append("\ud55c\uad6d \u1112\u1161\u11ab\u1100\u116e\u11a8")
    # Random text (a different seed from the test lines) so the vocabularies reach 1-3k entries.
    lines += random_lines(3000, seed=777)
    return lines
