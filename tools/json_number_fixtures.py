#!/usr/bin/env python3
"""Reference values for the streaming JSON reader's number conversion (Sources/Serialization/JSON).

Writes Tests/SerializationTests/Fixtures/json/numbers.json: a list of [text, float64 bits as 16
hex digits, exact integer or null], where the float is Python's correctly rounded float(text)
and the integer is int(text) for integer texts that fit in a signed 64-bit integer. The texts
are the classic hard cases of decimal-to-binary conversion (halfway points, subnormals, the
largest double, 17+ significant digits) plus seeded random ones, all valid JSON number syntax.

Run: python3 tools/json_number_fixtures.py   (standard library only)
"""
import json, os, random, struct

HARD = [
    "0", "-0", "0.0", "-0.0", "1", "-1", "0.1", "0.2", "0.3", "0.30000000000000004", "1e23", "8.589973e9",
    "2.2250738585072011e-308", "2.2250738585072012e-308", "2.2250738585072014e-308", "4.9e-324", "5e-324",
    "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308", "1.7976931348623158e308",
    "1.7976931348623159e308", "1e308", "1e309", "-1e400", "1e-400", "9007199254740992", "9007199254740993",
    "9007199254740995", "18014398509481983", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
    "-9223372036854775809", "123456789012345678901234567890", "3.141592653589793238462643383279",
    "0.000000000000000000000000000001", "1E+2", "1e-2", "1E-0", "100e-2", "0.5e1", "7.0e-10", "178.5", "-12.25",
    "1.00000000000000011102230246251565404236316680908203125", "1.00000000000000011102230246251565404236316680908203124",
    "1.00000000000000011102230246251565404236316680908203126", "4503599627370496.5", "4503599627370497.5",
    "1e22", "1e-22", "123456789012345e22", "999999999999999e-22", "1234567890123456e-5",
]


def main():
    rng = random.Random(7)
    texts = list(HARD)
    for _ in range(300):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 22))).lstrip("0") or "0"
        text = ("-" if rng.random() < 0.3 else "") + digits
        if rng.random() < 0.6:
            text += "." + "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 12)))
        if rng.random() < 0.5:
            text += rng.choice("eE") + rng.choice(["", "+", "-"]) + str(rng.randint(0, 330))
        texts.append(text)
    rows = []
    for text in texts:
        bits = struct.unpack("<Q", struct.pack("<d", float(text)))[0]
        exact = None
        if all(c in "-0123456789" for c in text):
            value = int(text)
            if -(2 ** 63) <= value < 2 ** 63:
                exact = str(value)
        rows.append([text, f"{bits:016x}", exact])
    out = os.path.join(os.path.dirname(__file__), "..", "Tests", "SerializationTests", "Fixtures", "json", "numbers.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write("[\n" + ",\n".join(json.dumps(row) for row in rows) + "\n]\n")
    print(f"wrote {len(rows)} numbers to {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
