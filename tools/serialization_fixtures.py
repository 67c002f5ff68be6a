#!/usr/bin/env python3
"""Generates the zip and pickle fixtures of Tests/SerializationTests/Fixtures.

Independent references: Python's own `zipfile` and `pickle` write (and re-read) every fixture;
`expected.json` records what they read, in a typed JSON form the Swift tests compare exactly.
Run: python3 tools/serialization_fixtures.py   (stdlib only)
"""
import collections, gzip, hashlib, io, json, os, pickle, struct, sys, zipfile, zlib

ROOT = os.path.join(os.path.dirname(__file__), "..", "Tests", "SerializationTests", "Fixtures")
ZIPS = os.path.join(ROOT, "zip")
PICKLES = os.path.join(ROOT, "pickle")
COMPRESS = os.path.join(ROOT, "compress")


def typed(v):
    """Python value -> typed JSON (the same encoding the Swift test builds from PickleValue)."""
    if v is None:
        return {"none": None}
    if isinstance(v, bool):
        return {"bool": v}
    if isinstance(v, int):
        if -(2**63) <= v < 2**63:
            return {"int": v}
        n = 1
        while True:
            try:
                return {"bigint": v.to_bytes(n, "little", signed=True).hex()}
            except OverflowError:
                n += 1
    if isinstance(v, float):
        return {"float": "%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]}
    if isinstance(v, str):
        return {"str": v}
    if isinstance(v, (bytes, bytearray)):
        return {"bytes": bytes(v).hex()}
    if isinstance(v, list):
        return {"list": [typed(x) for x in v]}
    if isinstance(v, tuple):
        return {"tuple": [typed(x) for x in v]}
    if isinstance(v, dict):
        return {"dict": [[typed(k), typed(x)] for k, x in v.items()]}
    if isinstance(v, frozenset):
        return {"frozenset": sorted((typed(x) for x in v), key=lambda t: json.dumps(t, sort_keys=True))}
    if isinstance(v, set):
        return {"set": sorted((typed(x) for x in v), key=lambda t: json.dumps(t, sort_keys=True))}
    raise TypeError(type(v))


def sample_data():
    shared = [1, 2, 3]
    return {
        "none": None, "true": True, "false": False,
        "ints": [0, 1, -1, 255, 256, 65535, 65536, -129, 2**31 - 1, -(2**31), 2**31, 2**62, 2**63 - 1,
                 -(2**63), 2**63, 2**64, -(2**100) + 7, 10**40],
        "floats": [0.0, -0.0, 1.5, -2.25, 1e300, 5e-324, float("inf"), float("-inf"), 0.1],
        "strings": ["", "plain", "quote ' and \" both", "back\\slash", "new\nline\ttab",
                    "caf\u00e9 \u4e2d\u6587 \U0001F600 e\u0301", "x" * 300],
        "bytes": [b"", b"\x00\x01\xff", bytes(range(256)), bytearray(b"mutable")],
        "tuples": [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)],
        "set": {1, 2, 3}, "frozenset": frozenset({"a", "b"}),
        "ordered": collections.OrderedDict([("z", 1), ("a", 2)]),
        "nested": {"a": [{"b": (1, [2, {"c": None}])}], 7: "int key", (1, 2): "tuple key"},
        "shared": [shared, shared],
        "big_list": list(range(1200)),
    }


class Py2Pickler(pickle._Pickler):
    """Writes `str` the way Python 2 wrote its byte strings (STRING / SHORT_BINSTRING /
    BINSTRING), as in the refer API's `refs(unc).p`."""
    dispatch = pickle._Pickler.dispatch.copy()

    def save_py2_str(self, obj):
        raw = obj.encode("utf-8")
        if self.bin:
            if len(raw) < 256:
                self.write(pickle.SHORT_BINSTRING + bytes([len(raw)]) + raw)
            else:
                self.write(pickle.BINSTRING + struct.pack("<i", len(raw)) + raw)
        else:
            self.write(pickle.STRING + repr(raw)[1:].encode("ascii") + b"\n")
        self.memoize(obj)

    dispatch[str] = save_py2_str


def refcoco_refs():
    """Three refs shaped like refer's refs(unc).p (fields from formats.md)."""
    def sent(i, raw):
        toks = raw.lower().replace(",", "").split()
        return {"tokens": toks, "raw": raw, "sent_id": i, "sent": " ".join(toks)}
    return [
        {"image_id": 581857, "split": "train", "sentences": [sent(0, "The lady with the blue shirt"), sent(1, "lady w back to us")],
         "file_name": "COCO_train2014_000000581857_16.jpg", "category_id": 1, "ann_id": 1719310, "sent_ids": [0, 1], "ref_id": 0},
        {"image_id": 581857, "split": "train", "sentences": [sent(2, "woman in white, left")],
         "file_name": "COCO_train2014_000000581857_17.jpg", "category_id": 1, "ann_id": 1719311, "sent_ids": [2], "ref_id": 1},
        {"image_id": 9, "split": "testA", "sentences": [sent(3, "caf\u00e9 table 'right' \"side\"")],
         "file_name": "COCO_train2014_000000000009_3.jpg", "category_id": 67, "ann_id": 99, "sent_ids": [3], "ref_id": 2},
    ]


class EvilSystem:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


class EvilEval:
    def __reduce__(self):
        return (eval, ("__import__('os').system('echo pwned')",))


def write_zip64(path, files):
    """A minimal ZIP64 archive written by hand: every size/offset in the 0xFFFFFFFF form with a
    ZIP64 extra field, plus the ZIP64 end-of-central-directory record and locator."""
    out = io.BytesIO()
    central = []
    for name, data, deflate in files:
        nb = name.encode()
        payload = zlib.compressobj(9, zlib.DEFLATED, -15).compress(data) if deflate else data
        if deflate:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            payload = c.compress(data) + c.flush()
        crc = zlib.crc32(data)
        offset = out.tell()
        extra = struct.pack("<HHQQ", 1, 16, len(data), len(payload))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034b50, 45, 0, 8 if deflate else 0, 0, 0x21, crc,
                              0xFFFFFFFF, 0xFFFFFFFF, len(nb), len(extra)) + nb + extra + payload)
        central.append((nb, crc, len(data), len(payload), offset, deflate))
    cd_start = out.tell()
    for nb, crc, size, csize, offset, deflate in central:
        extra = struct.pack("<HHQQQ", 1, 24, size, csize, offset)
        out.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 45, 45, 0, 8 if deflate else 0, 0, 0x21, crc,
                              0xFFFFFFFF, 0xFFFFFFFF, len(nb), len(extra), 0, 0, 0, 0, 0xFFFFFFFF) + nb + extra)
    cd_size = out.tell() - cd_start
    z64 = out.tell()
    out.write(struct.pack("<IQHHIIQQQQ", 0x06064b50, 44, 45, 45, 0, 0, len(files), len(files), cd_size, cd_start))
    out.write(struct.pack("<IIQI", 0x07064b50, 0, z64, 1))
    out.write(struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))
    with open(path, "wb") as f:
        f.write(out.getvalue())


def main():
    os.makedirs(ZIPS, exist_ok=True)
    os.makedirs(PICKLES, exist_ok=True)
    expected = {"zips": {}, "pickles": {}}

    # --- zips ---
    text = ("The quick brown fox jumps over the lazy dog. " * 40).encode()
    blob = bytes((i * 7919) % 251 for i in range(5000))
    p = os.path.join(ZIPS, "mixed.zip")
    with zipfile.ZipFile(p, "w") as z:
        z.writestr(zipfile.ZipInfo("folder/"), b"")
        z.writestr("folder/stored.bin", blob, compress_type=zipfile.ZIP_STORED)
        z.writestr("folder/deflated.txt", text, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("empty.txt", b"", compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("caf\u00e9/\u4e2d\u6587.txt", "unicode name".encode(), compress_type=zipfile.ZIP_DEFLATED)
        z.comment = b"an archive comment"
    write_zip64(os.path.join(ZIPS, "zip64.zip"), [("a/stored.bin", blob, False), ("a/deflated.txt", text, True)])
    for name in ["mixed.zip", "zip64.zip"]:
        with zipfile.ZipFile(os.path.join(ZIPS, name)) as z:  # independent reader
            expected["zips"][name] = [
                {"name": i.filename, "size": i.file_size, "stored": i.compress_type == zipfile.ZIP_STORED,
                 "sha256": hashlib.sha256(z.read(i)).hexdigest()} for i in z.infolist()]
    # Hostile and broken archives.
    for name, entry in [("slip.zip", "../outside.txt"), ("absolute.zip", "/etc/evil"), ("backslash.zip", "ok/..\\..\\evil")]:
        with zipfile.ZipFile(os.path.join(ZIPS, name), "w") as z:
            z.writestr("fine.txt", b"fine")
            z.writestr(zipfile.ZipInfo(entry), b"evil")
    raw = open(os.path.join(ZIPS, "mixed.zip"), "rb").read()
    with zipfile.ZipFile(os.path.join(ZIPS, "mixed.zip")) as z:
        info = z.getinfo("folder/stored.bin")
    data_at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    bad = bytearray(raw)
    bad[data_at + 10] ^= 0xFF
    open(os.path.join(ZIPS, "badcrc.zip"), "wb").write(bytes(bad))
    open(os.path.join(ZIPS, "truncated.zip"), "wb").write(raw[: len(raw) // 2])
    open(os.path.join(ZIPS, "notzip.zip"), "wb").write(b"this is not a zip archive at all, just text" * 3)

    # --- zlib / gzip streams (Python's zlib and gzip modules write them) ---
    os.makedirs(COMPRESS, exist_ok=True)
    depth = struct.pack("<4800H", *((i * 37) % 4000 for i in range(4800)))  # like a .sens depth frame
    streams = {
        "depth.zlib": zlib.compress(depth, 6),
        "text.gz": gzip.compress(text, mtime=0),
        "zeros.zlib": zlib.compress(bytes(3_000_000), 9),
    }
    originals = {"depth.zlib": depth, "text.gz": text, "zeros.zlib": bytes(3_000_000)}
    expected["compress"] = {}
    for name, data in streams.items():
        open(os.path.join(COMPRESS, name), "wb").write(data)
        expected["compress"][name] = {"size": len(originals[name]), "sha256": hashlib.sha256(originals[name]).hexdigest()}

    # --- pickles ---
    data = sample_data()
    for proto in range(0, 6):
        blob = pickle.dumps(data, protocol=proto)
        name = f"data_p{proto}.pkl"
        open(os.path.join(PICKLES, name), "wb").write(blob)
        assert typed(pickle.loads(blob)) == typed(data)
    expected["pickles"]["data"] = typed(data)

    refs = refcoco_refs()
    for proto, name in [(2, "refs_py2_p2.p"), (0, "refs_py2_p0.p")]:
        buf = io.BytesIO()
        Py2Pickler(buf, protocol=proto).dump(refs)
        blob = buf.getvalue()
        open(os.path.join(PICKLES, name), "wb").write(blob)
        assert typed(pickle.loads(blob, encoding="utf-8")) == typed(refs)
    expected["pickles"]["refs"] = typed(refs)

    for proto in [0, 2, 4]:
        open(os.path.join(PICKLES, f"evil_system_p{proto}.pkl"), "wb").write(pickle.dumps(EvilSystem(), protocol=proto))
        open(os.path.join(PICKLES, f"evil_eval_p{proto}.pkl"), "wb").write(pickle.dumps([1, {"x": EvilEval()}], protocol=proto))
    full = pickle.dumps(data, protocol=4)
    open(os.path.join(PICKLES, "truncated.pkl"), "wb").write(full[: len(full) // 3])

    with open(os.path.join(ROOT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
    print("wrote fixtures under", os.path.normpath(ROOT))


if __name__ == "__main__":
    sys.exit(main())
