#!/usr/bin/env python3
"""SHA-256 reference digests from Python's hashlib (OpenSSL) for messages of random lengths.

Writes Tests/SerializationTests/Fixtures/sha256/hashlib.json: a list of {length, seed, sha256},
where the message is `length` bytes of the generator below (an LCG, so the Swift test rebuilds
it without storing the bytes): x = seed; per byte x = (x * 1103515245 + 12345) mod 2^32, byte =
x >> 24. Lengths cover every remainder mod 64 around the padding edge (0..130), random lengths
up to 70 kB and a few of several MB. Run: python3 tools/sha256_fixtures.py
"""
import hashlib
import json
import os
import random


def message(length, seed):
    out = bytearray(length)
    x = seed
    for i in range(length):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
        out[i] = x >> 24
    return bytes(out)


def main():
    rng = random.Random(20261130)
    lengths = list(range(0, 131)) + [rng.randrange(131, 70_000) for _ in range(40)] + [1 << 20, 3_000_017]
    cases = []
    for length in lengths:
        seed = rng.randrange(1 << 32)
        cases.append({"length": length, "seed": seed, "sha256": hashlib.sha256(message(length, seed)).hexdigest()})
    path = os.path.join(os.path.dirname(__file__), "..", "Tests", "SerializationTests", "Fixtures", "sha256", "hashlib.json")
    with open(path, "w") as f:
        json.dump(cases, f, indent=0)
        f.write("\n")
    print(f"{len(cases)} cases -> {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
