# Ordo — thin wrapper around CMake. `make run` and `make test` work as root on a fresh
# Debian 12 machine: both install what is missing first (scripts/setup.sh).
SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD ?= build
ASAN_BUILD ?= build-asan
DATA_DIR ?= ordo-data
export ORDO_ADMIN_PASSWORD ?= admin123

.PHONY: setup build web run test test-asan test-web format format-check bench clean

setup:
	@bash scripts/setup.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: setup $(BUILD)/CMakeCache.txt web
	cmake --build $(BUILD) -j $(JOBS)

# The console (web/) is built when it exists.
web:
	@if [ -f web/package.json ]; then cd web && npm run build --silent; fi

# Builds only what it serves, the server and the console; `make build` builds everything.
run: setup $(BUILD)/CMakeCache.txt web
	cmake --build $(BUILD) -j $(JOBS) --target ordo
	@if [ ! -f $(DATA_DIR)/ordo.db ]; then \
	  echo "ordo: first run: loading demo data into $(DATA_DIR)/ordo.db"; \
	  ./$(BUILD)/ordo demo --db sqlite:$(DATA_DIR)/ordo.db; fi
	./$(BUILD)/ordo serve --db sqlite:$(DATA_DIR)/ordo.db

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'test/*.cc' 'test/*.h' 'bench/*.cc' 'bench/*.h')

format-check:
	@clang-format --dry-run --Werror $$(git ls-files 'src/*.cc' 'src/*.h' 'test/*.cc' 'test/*.h' 'bench/*.cc' 'bench/*.h') \
	  && echo "format: ok"

test-asan: setup
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DORDO_SANITIZE=ON -DORDO_UNIT_ONLY=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

# The console: type check and money unit tests, then the end-to-end run in headless
# Chromium against a real `ordo serve` (screens saved under test/e2e/screens/).
test-web: build
	cd web && npm run --silent check
	ORDO_BIN=$(CURDIR)/$(BUILD)/ordo node test/e2e/run.mjs

test: build format-check
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600
	$(MAKE) --no-print-directory test-web
	$(MAKE) --no-print-directory test-asan
	@echo "make test: all passed"

# The benchmarks of issue 3 on a Release build; writes bench/RESULTS.md (about 10 minutes;
# QUICK=1 for a short run that only checks the harness).
bench: setup $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)
	bash bench/run.sh --build $(BUILD) $(if $(QUICK),--quick)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
