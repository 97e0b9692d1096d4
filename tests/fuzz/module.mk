# tests/fuzz: libFuzzer harnesses, one per parser (tests/fuzz/fuzz_*.c).
#
#   make fuzz                       build, then fuzz every harness FUZZ_SECONDS
#   make fuzz FUZZ_SECONDS=600 FUZZ_TARGETS="pkt sync"
#   make fuzz-build                 only build build-fuzz/fuzz/fuzz_*
#   tests/run.sh fuzz               the short smoke that `make test` runs
#
# The fuzz build is a second instance of this Makefile with its own output
# directory (build-fuzz/), compiler (clang: libFuzzer is clang's) and
# flags: every object is compiled with -fsanitize=fuzzer-no-link plus
# ASan/UBSan, so the library code gets coverage feedback; only the harness
# link adds libFuzzer's main (-fsanitize=fuzzer).  Re-entering the Makefile
# reuses the library rules, per-directory flags and module.mk additions of
# the main build instead of a copy of them.
FUZZ_BUILD ?= build-fuzz
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
comma := ,
FUZZ_SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined -Wno-unknown-warning-option
# the BPF programs include <asm/types.h>, found under the multiarch
# directory; `clang -dumpmachine` does not name that directory, so it is
# given here for the BPF compiles of the fuzz instance
FUZZ_BPF_CLANG := $(FUZZ_CC) -I/usr/include/$(shell $(FUZZ_CC) -print-multiarch 2>/dev/null)

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/fuzz/%,$(FUZZ_SRCS))

.PHONY: fuzz fuzz-build fuzz-bins fuzz-clean
fuzz-build:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) OPT=-O1 \
		SANFLAGS="$(FUZZ_SANFLAGS)" BPF_CLANG="$(FUZZ_BPF_CLANG)" fuzz-bins

fuzz: fuzz-build
	FUZZ_BUILD=$(FUZZ_BUILD) tests/fuzz/run.sh --seconds $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-clean:
	rm -rf $(FUZZ_BUILD)
clean: fuzz-clean

ifeq ($(BUILD),$(FUZZ_BUILD))
fuzz-bins: $(FUZZ_BINS)

# no harness may reach a resolver: hermetic.c wraps the name lookups
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined \
	-Wl,--wrap=getaddrinfo -Wl,--wrap=gethostbyname
FUZZ_COMMON_OBJS := $(call objs,tests/fuzz/hermetic.c)

# the virtual-server table of the packet and sync harnesses
$(BUILD)/fuzz/fuzz_pkt $(BUILD)/fuzz/fuzz_sync: $(call objs,tests/fuzz/lab.c)

# a real lvsd control plane in the harness's process (inproc.c): the
# daemon's files but its main()
FUZZ_DAEMON_OBJS := $(call objs,$(filter-out src/daemon/main.c,$(wildcard src/daemon/*.c)) tests/fuzz/inproc.c)
$(BUILD)/fuzz/fuzz_ctl: $(FUZZ_DAEMON_OBJS)
# the whole ipvsadm, its main() renamed for cli_host.c to call
$(BUILD)/obj/src/cli/main.o: CFLAGS += -Dmain=ipvsadm_main
FUZZ_CLI_OBJS := $(call objs,$(wildcard src/cli/*.c) tests/fuzz/cli_host.c)
$(BUILD)/fuzz/fuzz_ipvsadm $(BUILD)/fuzz/fuzz_ipvsadm_restore: $(FUZZ_CLI_OBJS) $(FUZZ_DAEMON_OBJS)
# cli_host.c turns ipvsadm's exit() into the end of a run (a longjmp) and
# frees what the process would have given back at exit: it needs to see
# exit() and the allocations of the ipvsadm code
$(BUILD)/fuzz/fuzz_ipvsadm $(BUILD)/fuzz/fuzz_ipvsadm_restore: \
	FUZZ_EXTRA_LDFLAGS := $(addprefix -Wl$(comma)--wrap=,exit malloc calloc realloc free strdup)
# libpopt linked statically: its allocations (the context of a run that
# ends in exit()) are then wrapped and given back like ipvsadm's own
$(BUILD)/fuzz/fuzz_ipvsadm $(BUILD)/fuzz/fuzz_ipvsadm_restore: LDLIBS += -l:libpopt.a

# keep the harness objects (make would delete them as intermediates)
.SECONDARY: $(call objs,$(wildcard tests/fuzz/*.c))

$(BUILD)/fuzz/%: $(BUILD)/obj/tests/fuzz/%.o $(FUZZ_COMMON_OBJS) $(LIBS_PRESENT)
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_LDFLAGS) $(FUZZ_EXTRA_LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) \
		$(LVSD_LDLIBS) $(LDLIBS)
else
fuzz-bins:
	@echo "fuzz-bins: use 'make fuzz-build' (it builds with $(FUZZ_CC) into $(FUZZ_BUILD)/)" >&2; exit 2
endif
