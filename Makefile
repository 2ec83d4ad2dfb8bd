# voxomics: the commands of the README.  SPDX-License-Identifier: GPL-3.0-or-later
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_SECONDS ?= 30
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
export OMP_WAIT_POLICY ?= passive
export VOXOMICS_DATA ?= $(abspath ../shared)

.PHONY: all setup setup-test build test test-asan fuzz mpi demo bench docs install python clean

all: build

setup:
	@bash scripts/setup.sh

# the test tier: headless Chromium and Selenium for the report's browser test (cli_report_browser)
setup-test:
	@bash scripts/setup.sh test

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: setup $(BUILD)/build.ninja
	@ninja -C $(BUILD)

$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DVX_SANITIZE=ON

test: setup-test build $(ASAN_BUILD)/build.ninja
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)
	@ninja -C $(ASAN_BUILD)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j$(JOBS)

# Open MPI build: build/voxomics-mpi (cohorts sharded over ranks), its test under mpirun -np 2, and the doc
# examples again (their mpirun lines run only once voxomics-mpi exists)
mpi: setup $(BUILD)/build.ninja
	cmake -S . -B $(BUILD) -DVX_MPI=ON >/dev/null
	@ninja -C $(BUILD)
	cd $(BUILD) && ctest --output-on-failure -R "mpi_|cli_doc_examples"

# libFuzzer (clang, ASan+UBSan): every reader on a seed corpus of valid files, FUZZ_SECONDS per target
fuzz: setup
	@bash scripts/fuzz.sh $(FUZZ_SECONDS)

demo: build
	@bash scripts/demo.sh $(BUILD)

bench: build
	@$(BUILD)/bench/bench_families
	@$(BUILD)/bench/bench_ibsi_ct "$(VOXOMICS_DATA)" configs/ibsi1/C.yaml
	@$(BUILD)/bench/bench_cohort 50
	@$(BUILD)/bench/bench_filters "$(VOXOMICS_DATA)" .

docs: build
	@$(BUILD)/voxomics features --format markdown > docs/features.md
	@echo "docs/features.md written"
	@scripts/settings_doc.sh $(BUILD)/voxomics docs/config.md
	@echo "docs/config.md settings reference written"

# Install the shared and static library, the headers, voxomics.pc and the CLI under PREFIX (lib/, include/,
# bin/): make install PREFIX=$HOME/.local, then cc prog.c $(pkg-config --cflags --libs voxomics) with
# PKG_CONFIG_PATH=PREFIX/lib/pkgconfig
PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD) --prefix "$(abspath $(PREFIX))"

# The Python package (docs/python.md): build the library, then pip-install python/ for the current user, offline,
# against Debian's python3-cffi/numpy/pandas (PIP_FLAGS: --user by default; Debian's pip may also want
# --break-system-packages). Tests build it into build/python instead (tests/python/run.sh, CTest python_package).
PYTHON ?= /usr/bin/python3
PIP_FLAGS ?= --user --break-system-packages
python: build
	VOXOMICS_BUILD_DIR=$(abspath $(BUILD)) $(PYTHON) -m pip install --no-build-isolation --no-deps --no-index \
		$(PIP_FLAGS) ./python

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
