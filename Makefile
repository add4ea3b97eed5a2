# SPDX-License-Identifier: GPL-2.0-or-later
# Build the chardev fragment with its support layer, tests and benchmarks.

# Goals that must work before (or without) configure.
NOCONFIG_GOALS := clean distclean help fuzz

ifneq ($(wildcard config-host.mak),)
include config-host.mak
else ifneq ($(filter-out $(NOCONFIG_GOALS),$(or $(MAKECMDGOALS),all)),)
$(error config-host.mak not found: run ./configure first)
endif

# Unconfigured clean/distclean: the Makefile sits in the source tree.
SRC_PATH ?= $(patsubst %/,%,$(dir $(abspath $(firstword $(MAKEFILE_LIST)))))

MAKEFLAGS += --no-builtin-rules
.SUFFIXES:
.DELETE_ON_ERROR:

# Sources live in SRC_PATH; objects and programs in the build dir.  Only
# source types are searched so stale in-tree objects are never picked up.
vpath %.c $(SRC_PATH)
vpath %.h $(SRC_PATH)

# Warnings of the standalone build; -Werror stays on for every build.
WARN_CFLAGS := -std=gnu99 -Wall -Werror -Wundef -Wwrite-strings \
    -Wmissing-prototypes -Wstrict-prototypes -Wredundant-decls \
    -Wold-style-definition -Wtype-limits -Wformat-security -Winit-self \
    -Wignored-qualifiers -Wempty-body -Wnested-externs -Wendif-labels \
    -fno-strict-aliasing
SUPPORT_CFLAGS := -I$(SRC_PATH)/tests/support -I$(SRC_PATH)/tests/support/hw \
    $(GLIB_CFLAGS) $(PIXMAN_CFLAGS) $(SPICE_CFLAGS)
QEMU_CFLAGS := $(WARN_CFLAGS) -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
    -MMD -MP -I. -I$(SRC_PATH) $(SUPPORT_CFLAGS)
ALL_LIBS = $(GLIB_LIBS) $(PIXMAN_LIBS) $(SPICE_LIBS) $(LIBS)

# Paths relative to SRC_PATH of every source matching the glob $(1).
src-glob = $(patsubst $(SRC_PATH)/%,%,$(wildcard $(SRC_PATH)/$(1)))

# Fragment: linked as objects into every program.
FRAG_SRCS := qemu-char.c $(call src-glob,hw/*.c)
ifeq ($(CONFIG_SPICE),y)
FRAG_SRCS += $(call src-glob,ui/*.c)
endif
FRAG_OBJS := $(FRAG_SRCS:.c=.o)

SUPPORT_OBJS := $(patsubst %.c,%.o,$(call src-glob,tests/support/*.c))
SUPPORT_LIB := $(if $(SUPPORT_OBJS),tests/support/libsupport.a)

# Helpers shared by tests: every tests/*.c that is not a program.
TESTUTIL_SRCS := $(filter-out tests/test-%.c tests/demo-%.c, \
    $(call src-glob,tests/*.c))
TESTUTIL_OBJS := $(TESTUTIL_SRCS:.c=.o)
TESTUTIL_LIB := $(if $(TESTUTIL_OBJS),tests/libtestutil.a)

ALL_TEST_SRCS := $(call src-glob,tests/test-*.c)
TEST_SRCS := $(ALL_TEST_SRCS)
ifneq ($(CONFIG_SPICE),y)
TEST_SRCS := $(filter-out tests/test-spice%,$(TEST_SRCS))
endif
TESTS := $(TEST_SRCS:.c=)

BENCH_SRCS := $(call src-glob,tests/bench/bench-*.c)
BENCHES := $(BENCH_SRCS:.c=)

DEMO_SRCS := $(call src-glob,tests/demo-*.c)
DEMOS := $(DEMO_SRCS:.c=)
DEMO_SCRIPTS := $(call src-glob,tests/demo-*.sh)

# Fuzz targets: built here as corpus replays that make check runs once;
# "make fuzz" builds them with libFuzzer in build-fuzz/ and runs them.
FUZZ_SRCS := $(call src-glob,tests/fuzz/fuzz-*.c)
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz-%.c,%,$(FUZZ_SRCS))
FUZZ_REPLAYS := $(FUZZ_NAMES:%=tests/fuzz/fuzz-%)
FUZZ_LIBFUZZER := $(FUZZ_NAMES:%=tests/fuzz/libfuzzer-%)

PROGS := $(TESTS) $(BENCHES) $(DEMOS) $(FUZZ_REPLAYS)
ALL_OBJS := $(FRAG_OBJS) $(SUPPORT_OBJS) $(TESTUTIL_OBJS) $(PROGS:=.o) \
    $(FUZZ_NAMES:%=tests/fuzz/replay-%.o)

# "make V=1" shows full command lines.
quiet-command = $(if $(V),$1,@printf '  %-5s %s\n' $2 $3 && $1)

# spice-client-glib is only for the tests/test-spice* programs.
spice-client-cflags = $(if $(filter tests/test-spice%,$@), \
    $(SPICE_CLIENT_CFLAGS))
spice-client-libs = $(if $(filter tests/test-spice%,$@), \
    $(SPICE_CLIENT_LIBS))

TAP_SUMMARY := $(SHELL) $(SRC_PATH)/tests/tap-summary
# tests/test-patches compiles the fragment as it stands after each patch
# with the flags of the fragment's objects; the directory it writes that
# fragment to goes first, in place of -I$(SRC_PATH).  Before the patch
# that replaces a QEMU header, tests/support/replaced stands in for it.
# The build dir comes last, for trace.h and config-host.h only.
STEP_CFLAGS := $(WARN_CFLAGS) -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
    -I$(SRC_PATH)/tests/support/replaced $(SUPPORT_CFLAGS) -I$(CURDIR) \
    $(CFLAGS)
TEST_ENV := G_TEST_SRCDIR=$(SRC_PATH)/tests G_TEST_BUILDDIR=$(CURDIR)/tests \
    PATCH_STEP_CC='$(CC)' PATCH_STEP_CFLAGS='$(STEP_CFLAGS)' \
    PATCH_STEP_SPICE='$(CONFIG_SPICE)'
VALGRIND := valgrind -q --error-exitcode=1 --leak-check=full \
    --errors-for-leak-kinds=definite

.PHONY: all check check-all check-sanitize check-valgrind check-tools \
    check-guest bench bench-table demo fuzz fuzz-run series clean distclean help

all: $(PROGS)

%.o: %.c config-host.mak
	@mkdir -p $(@D)
	$(call quiet-command,$(CC) $(QEMU_CFLAGS) $(CFLAGS) \
	    $(spice-client-cflags) -c -o $@ $<,CC,$@)

tests/support/libsupport.a: $(SUPPORT_OBJS)
	$(call quiet-command,rm -f $@ && $(AR) rcs $@ $^,AR,$@)

tests/libtestutil.a: $(TESTUTIL_OBJS)
	$(call quiet-command,rm -f $@ && $(AR) rcs $@ $^,AR,$@)

$(filter-out $(FUZZ_REPLAYS),$(PROGS)): %: %.o $(FRAG_OBJS) \
    $(TESTUTIL_LIB) $(SUPPORT_LIB)
	$(call quiet-command,$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ \
	    $(spice-client-libs) $(ALL_LIBS),LINK,$@)

# fuzz targets and benches drive the guest-side test library in tests/
tests/fuzz/fuzz-%.o tests/bench/bench-%.o: QEMU_CFLAGS += -I$(SRC_PATH)/tests

tests/fuzz/replay-%.o: tests/fuzz/replay-main.c config-host.mak
	@mkdir -p $(@D)
	$(call quiet-command,$(CC) $(QEMU_CFLAGS) $(CFLAGS) \
	    -DFUZZ_TARGET='"$*"' -c -o $@ $<,CC,$@)

$(FUZZ_REPLAYS): tests/fuzz/fuzz-%: tests/fuzz/fuzz-%.o \
    tests/fuzz/replay-%.o $(FRAG_OBJS) $(TESTUTIL_LIB) $(SUPPORT_LIB)
	$(call quiet-command,$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ \
	    $(ALL_LIBS),LINK,$@)

$(FUZZ_LIBFUZZER): tests/fuzz/libfuzzer-%: tests/fuzz/fuzz-%.o \
    $(FRAG_OBJS) $(TESTUTIL_LIB) $(SUPPORT_LIB)
	$(call quiet-command,$(CC) $(CFLAGS) $(LDFLAGS) -fsanitize=fuzzer \
	    -o $@ $^ $(ALL_LIBS),LINK,$@)

-include $(wildcard $(ALL_OBJS:.o=.d))

# trace.h: the trace points of trace-events with a stderr backend (QEMU
# generates its own trace.h from the same lines).  It lives in the build
# dir, found first through -I.; every object waits for it, the .d files
# then name the objects that include it.  Named by its absolute path so
# that vpath never settles for an in-tree copy: the per-patch compile of
# tests/test-patches looks for it in the build dir only.
TRACE_EVENTS := $(SRC_PATH)/trace-events
TRACE_GEN := $(SRC_PATH)/tests/support/gen-trace
TRACE_H := $(CURDIR)/trace.h
$(TRACE_H): $(TRACE_EVENTS) $(TRACE_GEN)
	$(call quiet-command,$(SHELL) $(TRACE_GEN) $(TRACE_EVENTS) > $@.tmp \
	    && mv $@.tmp $@,GEN,trace.h)
$(ALL_OBJS): | $(TRACE_H)

# The spice client of the guest tests (tests/guest/run-guest-tests finds
# it in the build dir).  It is a plain spice-client-glib program: neither
# the fragment nor the support layer go into it.
ifeq ($(CONFIG_SPICE_CLIENT),y)
GUEST_SPICE_PROBE := tests/guest/spice-agent-probe
endif
all check-guest: $(GUEST_SPICE_PROBE)

tests/guest/spice-agent-probe: tests/guest/spice-agent-probe.c \
    config-host.mak
	@mkdir -p $(@D)
	$(call quiet-command,$(CC) $(WARN_CFLAGS) -D_GNU_SOURCE $(CFLAGS) \
	    $(SPICE_CLIENT_CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(SPICE_CLIENT_LIBS),LINK,$@)

# Say so when spice tests exist but were not built.
SPICE_OFF_TESTS := $(filter-out $(TESTS),$(ALL_TEST_SRCS:.c=))
spice-off-note = $(if $(SPICE_OFF_TESTS),@echo "# spice disabled;" \
    "not built: $(SPICE_OFF_TESTS)")

# Windows hosts (tests/win32/): the fragment cross-compiled to objects
# (fails when the cross compiler is missing), and a named-pipe test and a
# winsock test run under wine (skipped, saying so, without wine).
WIN32_CC ?= x86_64-w64-mingw32-gcc
WIN32_TESTS := $(SRC_PATH)/tests/win32/cross-compile \
    $(SRC_PATH)/tests/win32/wine-pipe $(SRC_PATH)/tests/win32/wine-socket
WIN32_ENV := SRC_PATH=$(SRC_PATH) WIN32_CC="$(WIN32_CC)" \
    WARN_CFLAGS="$(WARN_CFLAGS)" GLIB_CFLAGS="$(GLIB_CFLAGS)"

check: all
	$(spice-off-note)
	@$(TEST_ENV) $(WIN32_ENV) $(TAP_SUMMARY) $(TESTS) $(FUZZ_REPLAYS) \
	    $(WIN32_TESTS)

# Run check in a sanitizer build kept next to this one; in a build that
# already has sanitizers, just run the tests with the sanitizer options.
SAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ifeq ($(CONFIG_SANITIZERS),y)
check-sanitize: all
	$(spice-off-note)
	@$(SAN_ENV) $(TEST_ENV) $(TAP_SUMMARY) $(TESTS) $(FUZZ_REPLAYS)
else
check-sanitize:
	@mkdir -p build-sanitize
	@echo "check-sanitize: configuring build-sanitize/"
	@cd build-sanitize && $(SRC_PATH)/configure $(CONFIGURE_ARGS) \
	    --enable-sanitizers
	+@cd build-sanitize && $(SAN_ENV) $(MAKE) --no-print-directory check
endif

check-valgrind: all
ifeq ($(CONFIG_SANITIZERS),y)
	@echo "check-valgrind: valgrind cannot run sanitizer builds;" \
	    "use a build configured without --enable-sanitizers" >&2; exit 1
endif
	$(spice-off-note)
	@G_SLICE=always-malloc G_DEBUG=gc-friendly $(TEST_ENV) \
	    $(TAP_SUMMARY) --wrapper='$(VALGRIND)' $(TESTS) $(FUZZ_REPLAYS)

# The documented commands no suite runs (demo, short bench, short fuzz,
# series refusals), one TAP result each.
check-tools: all
	@MAKE="$(MAKE)" SRC_PATH=$(SRC_PATH) $(SHELL) $(SRC_PATH)/tests/check-tools

# Everything CI runs, with one total at the end.
check-all: all
	@MAKE="$(MAKE)" $(SHELL) $(SRC_PATH)/tests/check-all

GUEST_RUNNER := $(SRC_PATH)/tests/guest/run-guest-tests
# The reference implementation is Debian's QEMU (qemu-system-x86).
QEMU ?= /usr/bin/qemu-system-x86_64
check-guest:
	@if [ ! -f "$(GUEST_RUNNER)" ]; then \
	    echo "check-guest: $(GUEST_RUNNER) does not exist" >&2; \
	    exit 1; \
	fi; \
	if [ ! -x "$(GUEST_RUNNER)" ]; then \
	    echo "check-guest: $(GUEST_RUNNER) is not executable" >&2; \
	    exit 1; \
	fi; \
	SRC_PATH=$(SRC_PATH) BUILD_DIR=$(CURDIR) \
	    "$(GUEST_RUNNER)" --qemu "$(QEMU)"

# Every benchmark's figures go to bench-results.txt too; the last line
# totals the goals of all of them ("make bench-table" turns the file into
# README's table).
BENCH_TABLE := $(SHELL) $(SRC_PATH)/tests/bench/bench-table
bench: all
	@rm -f bench-results.txt; \
	for b in $(BENCHES); do \
	    echo "# $$b"; \
	    { ./$$b; echo $$? > bench-results.rc; } | tee -a bench-results.txt; \
	    [ "$$(cat bench-results.rc)" = 0 ] || exit 1; \
	done; \
	rm -f bench-results.rc; \
	echo "# all benchmarks:"; \
	$(BENCH_TABLE) --summary bench-results.txt

bench-table:
	@if [ ! -f bench-results.txt ]; then \
	    echo "bench-table: run make bench first" >&2; exit 1; \
	fi; \
	$(BENCH_TABLE) bench-results.txt

demo: all
	@if [ -z "$(DEMOS)$(DEMO_SCRIPTS)" ]; then \
	    echo "demo: no demo programs (tests/demo-*.c, tests/demo-*.sh)" >&2; \
	    exit 1; \
	fi; \
	for d in $(DEMOS); do \
	    echo "# $$d"; ./$$d || exit 1; \
	done; \
	for d in $(DEMO_SCRIPTS); do \
	    echo "# $$d"; \
	    SRC_PATH=$(SRC_PATH) BUILD_DIR=$(CURDIR) \
	        $(SHELL) $(SRC_PATH)/$$d || exit 1; \
	done

# "make fuzz [FUZZ_TIME=seconds] [FUZZ_RUNS=n] [FUZZ_TARGETS=name...]":
# libFuzzer with ASan+UBSan (clang), each target for FUZZ_TIME seconds or
# FUZZ_RUNS executions, whichever comes first, starting from the committed
# corpus; new inputs go to build-fuzz/corpus/<name>, not the tree.
FUZZ_TIME ?= 60
FUZZ_RUNS ?= -1
FUZZ_TARGETS ?= $(FUZZ_NAMES)
fuzz:
	@mkdir -p build-fuzz
	@cd build-fuzz && $(SRC_PATH)/configure --cc=clang --enable-sanitizers \
	    --extra-cflags="-fsanitize=fuzzer-no-link \
	    -fsanitize-coverage-ignorelist=$(SRC_PATH)/tests/fuzz/coverage-ignore.txt" \
	    >/dev/null
	+@cd build-fuzz && $(MAKE) --no-print-directory fuzz-run \
	    FUZZ_TIME=$(FUZZ_TIME) FUZZ_RUNS=$(FUZZ_RUNS) \
	    FUZZ_TARGETS="$(FUZZ_TARGETS)"

fuzz-run: $(FUZZ_TARGETS:%=tests/fuzz/libfuzzer-%)
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p corpus/$$t; \
	    echo "# fuzz $$t for $(FUZZ_TIME)s or $(FUZZ_RUNS) runs"; \
	    $(SAN_ENV) ./tests/fuzz/libfuzzer-$$t -max_total_time=$(FUZZ_TIME) \
	        -runs=$(FUZZ_RUNS) -timeout=10 \
	        -print_final_stats=1 -max_len=4096 corpus/$$t \
	        $(SRC_PATH)/tests/fuzz/corpus/$$t > fuzz-$$t.log 2>&1; \
	    rc=$$?; \
	    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY)|^==[0-9]+==|Test unit written' fuzz-$$t.log; \
	    [ $$rc -eq 0 ] || { echo "fuzz $$t failed; see build-fuzz/fuzz-$$t.log"; exit 1; }; \
	done

# "make series QEMU_SRC=/path/to/qemu [SIGNOFF=1]": regenerate patches/
# from the fragment and patches/series.plan (see patches/README).  The
# QEMU checkout must be at the base named in the plan; it is only read.
series:
	@if [ -z "$(QEMU_SRC)" ]; then \
	    echo "series: give QEMU_SRC=<QEMU checkout at the base named" \
	        "in patches/series.plan>" >&2; \
	    exit 1; \
	fi
	$(SRC_PATH)/patches/mkseries $(if $(SIGNOFF),--signoff) "$(QEMU_SRC)"

# Only names derived from sources are removed: in-tree, tests/ also holds
# the sources themselves.
CLEAN_DIRS := . hw ui tests tests/support tests/bench tests/fuzz
clean:
	rm -f $(foreach d,$(CLEAN_DIRS),$(d)/*.o $(d)/*.d $(d)/*.a)
	rm -f $(patsubst %.c,%,$(ALL_TEST_SRCS) $(BENCH_SRCS) $(DEMO_SRCS))
	rm -f $(FUZZ_REPLAYS) $(FUZZ_LIBFUZZER)
	rm -f tests/guest/spice-agent-probe
	rm -f trace.h trace.h.tmp
	rm -rf build-sanitize build-fuzz
	rm -f bench-results.txt bench-results.rc
	rm -rf tests/win32/wineprefix

distclean: clean
	rm -f config-host.mak config-host.h config.log

help:
	@echo "Targets:"
	@echo "  all (default)   build fragment, support layer, tests, benches"
	@echo "  check           build, run tests/test-* and tests/win32/ (the"
	@echo "                  mingw-w64 cross-compile, two wine tests) and print"
	@echo "                  a summary"
	@echo "  check-sanitize  run check in build-sanitize/ (ASan+UBSan)"
	@echo "  check-all       check, check-sanitize, check-valgrind, check-tools"
	@echo "                  and check-guest, one total"
	@echo "  check-valgrind  run the tests under valgrind"
	@echo "  check-tools     run demo, a short bench and fuzz, series refusals"
	@echo "  check-guest QEMU=path  run tests/guest/run-guest-tests"
	@echo "  series QEMU_SRC=path [SIGNOFF=1]  regenerate patches/"
	@echo "  bench           run tests/bench/bench-* (flood: BENCH_FLOOD_SECONDS=180)"
	@echo "  bench-table     README's benchmark table from the last make bench"
	@echo "  demo            run tests/demo-*"
	@echo "  fuzz [FUZZ_TIME=s] [FUZZ_RUNS=n] [FUZZ_TARGETS=...]"
	@echo "                  libFuzzer runs in build-fuzz/ (clang)"
	@echo "  clean, distclean"
	@echo "Set V=1 to show full command lines."
