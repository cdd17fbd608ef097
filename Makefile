# bgtrain - the learning side of a StarCraft II bot, as small Unix tools.
#
#   make            build every program into bin/
#   make check      all tests, then again built with ASan+UBSan; the fuzzers'
#                   short runs (tests/t_fuzz.sh, with clang)
#   make fuzz       SECONDS=N: each libFuzzer harness of tests/fuzz for N seconds
#   make bench      the benchmarks, with ratios against baselines
#   make soak       the driver for SOAK_SECONDS (300) of kills, full disks and
#                   renames (tests/soak.py; 60 s of it run in make check)
#   make demo       the main job on a generated default corpus
#   make deps       install the Debian packages the build needs (as root)
#   make install    PREFIX=/usr/local DESTDIR= : programs, man pages, completions
#   make windows    bin/res-gate.exe, with mingw-w64 (the host probe for WSL)
#   make install-windows WINDIR=/mnt/c/Users/NAME/AppData/Local : the .exe
#                   and bgtrain.bat into WINDIR/bgtrain, from WSL

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
CFLAGS ?= -O3 -g
WARN = -std=gnu11 -Wall -Wextra -Werror
CPPFLAGS += -D_GNU_SOURCE
TEST_LDLIBS = -L/usr/lib -lstorm

# Every src/NAME.c is a program.
PROGRAMS = $(sort $(basename $(notdir $(wildcard src/*.c))))
TEST_SRC = $(wildcard tests/test_*.c)
TEST_HELPERS = tests/replay_writer.c tests/testutil.c

# The library, in layers (README: "The house by layer"). A layer sees its own
# headers and those of the layers it stands on, nothing else: an upward
# #include does not compile. Each layer is one static archive, and each
# program links only the layers it uses.
LAYERS = base replay learn resource history driver
SEES_base = base
SEES_replay = base replay
SEES_learn = base learn
SEES_resource = base resource
SEES_history = base history
SEES_driver = base resource history driver
USES_replay-analyze = replay base
USES_policy-train = learn base
USES_merge-results = replay learn base
USES_res-gate = resource base
USES_bgtrain = driver history resource base
# The outside libraries each layer calls.
LIBS_base = -lmd -lm
LIBS_replay = -lzip -lcjson -lbz2 -lz
LIBS_learn = -lzip -lopenblas
LIBS_resource = -lproc2 -ldl
LIBS_history = -lcjson
LIBS_driver = -lcjson

# BUILD=asan puts an instrumented copy of everything under build/asan.
BUILD ?= release
ifeq ($(BUILD),asan)
SANITIZE = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
OUT = build/asan
BINDIR = build/asan/bin
else ifeq ($(BUILD),fuzz)
# BUILD=fuzz: the library for the libFuzzer harnesses (make fuzz), with clang.
CC = clang
SANITIZE = -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
OUT = build/fuzz
BINDIR = build/fuzz/bin
else
SANITIZE =
OUT = build/release
BINDIR = bin
endif

layer_objs = $(patsubst lib/%.c,$(OUT)/lib/%.o,$(wildcard lib/$(1)/*.c))
layer_incs = $(foreach l,$(SEES_$(1)),-Ilib/$(l))
prog_archives = $(foreach l,$(USES_$(1)),$(OUT)/lib$(l).a)
prog_libs = $(sort $(foreach l,$(USES_$(1)),$(LIBS_$(l))))
ALL_ARCHIVES = $(foreach l,$(LAYERS),$(OUT)/lib$(l).a)
BINS = $(PROGRAMS:%=$(BINDIR)/%)
TESTS = $(TEST_SRC:tests/%.c=$(OUT)/tests/%)
TOOLS = $(OUT)/tests/mkreplay $(OUT)/tests/merge_summaries $(OUT)/tests/floor_stormlib \
	$(OUT)/tests/policy_probs $(OUT)/tests/sgemm_peak $(OUT)/tests/mkexperience \
	$(OUT)/tests/host_sample \
	$(OUT)/tests/mktfevents \
	$(if $(wildcard tests/fake_nvml.c),$(OUT)/tests/libnvidia-ml.so.1)
# Tests reach every layer, top first so that the archives link in order.
TEST_INCS = -Itests $(foreach l,$(LAYERS),-Ilib/$(l))
TEST_ARCHIVES = $(foreach l,driver history resource learn replay base,$(OUT)/lib$(l).a)
TEST_LIBS = $(sort $(foreach l,$(LAYERS),$(LIBS_$(l))))

ALL_CFLAGS = $(WARN) $(CFLAGS) $(SANITIZE)

all: $(BINS)

define layer_rules
$(OUT)/lib/$(1)/%.o: lib/$(1)/%.c $(foreach l,$(SEES_$(1)),$$(wildcard lib/$(l)/*.h))
	@mkdir -p $$(@D)
	$$(CC) $$(CPPFLAGS) $(call layer_incs,$(1)) $$(ALL_CFLAGS) -c $$< -o $$@

$(OUT)/lib$(1).a: $(call layer_objs,$(1))
	rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_rules,$(l))))

define program_rule
$(BINDIR)/$(1): src/$(1).c $(call prog_archives,$(1)) $(foreach l,$(USES_$(1)),$$(wildcard lib/$(l)/*.h))
	@mkdir -p $$(@D)
	$$(CC) $$(CPPFLAGS) $(foreach l,$(USES_$(1)),-Ilib/$(l)) $$(ALL_CFLAGS) $$< \
		$(call prog_archives,$(1)) $(call prog_libs,$(1)) $$(LDLIBS) -o $$@
endef
$(foreach p,$(PROGRAMS),$(eval $(call program_rule,$(p))))

$(OUT)/tests/%: tests/%.c $(TEST_HELPERS) tests/*.h $(ALL_ARCHIVES)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(TEST_INCS) $(ALL_CFLAGS) $< $(TEST_HELPERS) $(TEST_ARCHIVES) \
		$(TEST_LIBS) $(LDLIBS) $(TEST_LDLIBS) -o $@

# A stand-in for NVIDIA's library, so the GPU code is tested without a GPU.
$(OUT)/tests/libnvidia-ml.so.1: tests/fake_nvml.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -shared -fPIC $< -o $@

tests-built: $(BINS) $(TESTS) $(TOOLS)

# One pass of the suite over this build's programs.
test: tests-built
	BGTRAIN_BIN=$(CURDIR)/$(BINDIR) BGTRAIN_TESTS=$(CURDIR)/$(OUT)/tests \
	BGTRAIN_BUILD=$(BUILD) sh tests/run.sh

check: all
	$(MAKE) test BUILD=release
	$(MAKE) test BUILD=asan

# libFuzzer harnesses, one per parser of outside data (tests/fuzz/): built
# with BUILD=fuzz; mkseeds, which makes seeds, with the release library.
FUZZERS = $(filter-out fuzz_util,$(basename $(notdir $(wildcard tests/fuzz/fuzz_*.c))))
SECONDS ?= 60

build/fuzz/bin/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.c tests/fuzz/fuzz.h $(ALL_ARCHIVES)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/fuzz $(TEST_INCS) $(WARN) $(CFLAGS) \
		-fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
		$< tests/fuzz/fuzz_util.c $(TEST_ARCHIVES) $(TEST_LIBS) $(LDLIBS) -o $@

build/fuzz/release/mkseeds: tests/fuzz/mkseeds.c $(ALL_ARCHIVES)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(TEST_INCS) $(ALL_CFLAGS) $< $(TEST_ARCHIVES) $(TEST_LIBS) $(LDLIBS) -o $@

fuzz-harnesses: $(FUZZERS:%=build/fuzz/bin/%)

fuzz-build:
	$(MAKE) BUILD=release all build/fuzz/release/mkseeds
	$(MAKE) BUILD=fuzz fuzz-harnesses

# Each harness for SECONDS, keeping what it finds (build/fuzz/crashes/).
fuzz: fuzz-build
	sh tests/fuzz/run.sh fuzz $(SECONDS)

bench: all $(TOOLS)
	BGTRAIN_BIN=$(CURDIR)/bin BGTRAIN_TESTS=$(CURDIR)/$(OUT)/tests \
	sh tests/bench.sh

SOAK_SECONDS ?= 300
soak: all
	BGTRAIN_BIN=$(CURDIR)/bin BGTRAIN_TESTS=$(CURDIR)/$(OUT)/tests \
	SOAK_SECONDS=$(SOAK_SECONDS) sh tests/t_soak.sh

demo: all $(TOOLS)
	BGTRAIN_BIN=$(CURDIR)/bin BGTRAIN_TESTS=$(CURDIR)/$(OUT)/tests \
	sh tests/demo.sh

deps:
	sh bin/install-deps

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 755 $(BINS) bin/bgtrain-cron $(DESTDIR)$(PREFIX)/bin
	install -d $(DESTDIR)$(PREFIX)/share/bgtrain
	install -m 644 bin/bgtrain.bat $(DESTDIR)$(PREFIX)/share/bgtrain
	install -m 644 $(PROGRAMS:%=man/%.1) $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 completions/bgtrain-suite-common \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/bgtrain-suite-common
	for p in $(PROGRAMS); do \
		install -m 644 completions/$$p.bash \
			$(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$p; \
		install -m 644 completions/_$$p \
			$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_$$p; \
	done

# res-gate.exe: res-gate's checks over Windows' figures, for the Windows
# host of WSL (README: "Installing on Windows"). Only mingw-w64 compiles
# lib/windows and src/windows: base's and resource's plain C units (the
# judging, the options, the stream's format, NVML's calls) are compiled
# again for Windows, with lib/windows' measuring in place of probe.c.
# Static: it needs no DLL but Windows' own. The format attributes say
# printf, which mingw's gcc checks as Microsoft's printf; the Linux build
# checks every format, and __USE_MINGW_ANSI_STDIO gives C99's at run time.
MINGW ?= x86_64-w64-mingw32-gcc
WIN_OUT = build/windows
WIN_CFLAGS = -std=gnu11 -Wall -Wextra -Werror -Wno-format -O2 -g0 -D_GNU_SOURCE \
	-D__USE_MINGW_ANSI_STDIO=1 -D_POSIX_THREAD_SAFE_FUNCTIONS
WIN_INCS = -Ilib/windows -Ilib/base -Ilib/resource
WIN_UNITS = base/die base/progress base/strbuf base/jsonw base/options base/args base/clock \
	resource/gate resource/gate_options resource/gate_check resource/hostline \
	resource/nvml $(patsubst lib/%.c,%,$(wildcard lib/windows/*.c))
WIN_OBJS = $(WIN_UNITS:%=$(WIN_OUT)/%.o)

$(WIN_OUT)/%.o: lib/%.c $(wildcard lib/base/*.h lib/resource/*.h lib/windows/*.h)
	@mkdir -p $(@D)
	$(MINGW) $(WIN_CFLAGS) $(WIN_INCS) -c $< -o $@

bin/res-gate.exe: src/windows/res-gate.c $(WIN_OBJS)
	$(MINGW) $(WIN_CFLAGS) $(WIN_INCS) -static $< $(WIN_OBJS) -lpthread -o $@

windows: bin/res-gate.exe

# From WSL: WINDIR is the user's local application data folder as WSL
# sees it (cmd.exe /c echo %LOCALAPPDATA% | wslpath -u, or /mnt/c/Users/
# NAME/AppData/Local), where bgtrain looks for the probe.
install-windows: bin/res-gate.exe
	@test -n "$(WINDIR)" || { echo "make install-windows WINDIR=/mnt/c/Users/NAME/AppData/Local" >&2; exit 64; }
	install -d "$(WINDIR)/bgtrain"
	install -m 755 bin/res-gate.exe bin/bgtrain.bat "$(WINDIR)/bgtrain"

clean:
	rm -rf build $(PROGRAMS:%=bin/%) bin/res-gate.exe

.PHONY: all test check bench soak demo deps install clean tests-built fuzz fuzz-build \
	fuzz-harnesses windows install-windows
.SECONDARY:
