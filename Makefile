# The front door. `make run` and `make test` each install what is missing
# (Debian packages through apt-get), build, and do their job.
BUILD ?= build
ASAN  ?= build-asan
WERROR ?= false

.PHONY: all deps build run test test-asan fuzz fuzz-smoke bench format clean

all: build

deps:
	@sh scripts/setup.sh build

$(BUILD)/build.ninja:
	meson setup $(BUILD) -Dwerror=$(WERROR) >/dev/null

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	@sh scripts/run.sh $(BUILD)

test: build
	@sh scripts/setup.sh test
	python3 tests/run-suite.py $(BUILD)

$(ASAN)/build.ninja:
	meson setup $(ASAN) -Db_sanitize=address,undefined -Db_lundef=false \
		-Dwerror=$(WERROR) >/dev/null

test-asan: deps $(ASAN)/build.ninja
	ninja -C $(ASAN)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		python3 tests/run-suite.py $(ASAN)

fuzz:
	@sh scripts/setup.sh test
	sh tests/fuzz/run.sh $(or $(SECONDS),60)

fuzz-smoke:
	@sh scripts/setup.sh test
	sh tests/fuzz/run.sh 10

bench: build
	@sh scripts/setup.sh bench
	sh tests/bench/run.sh $(BUILD)

format:
	clang-format -i src/*/*.c src/*/*.h tests/*/*.c

clean:
	rm -rf $(BUILD) $(ASAN) build-fuzz
