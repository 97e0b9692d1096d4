# lvsd - userspace Linux Virtual Server director.
#
#   make            build everything into build/
#   make test       install missing Debian deps, build with sanitizers, run all tests
#   make demo       the seeds' LVS-NAT lab in namespaces (MODE=nat|dr|tun)
#   make bench      benchmarks, reports into bench/results/
#   make install    PREFIX=/usr/local DESTDIR=
#   make deb        the Debian package, into build/deb/
#
# Sources are discovered by directory; a directory may add flags or targets
# in its own module.mk (included below) so that modules stay independent.

.DEFAULT_GOAL := all

SAN ?= 0
ifeq ($(SAN),1)
BUILD ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT := -O1
else
BUILD ?= build
SANFLAGS :=
OPT := -O2
endif

CC ?= cc
comma := ,
CFLAGS_BASE := -std=gnu11 $(OPT) -g -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc -MMD -MP
CFLAGS += $(CFLAGS_BASE) $(SANFLAGS)
LDFLAGS += $(SANFLAGS)
LDLIBS += -lpthread

PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/lib/lvsd

# module.mk files append to these
LVSD_LDLIBS :=
IPVSADM_LDLIBS :=
TEST_LDLIBS := -lcmocka
EXTRA_TARGETS :=
LIB_ORDER := http datapath check config sync ctl core lib

lib_srcs = $(wildcard src/$(1)/*.c src/$(1)/*/*.c)
lib_SRCS := $(call lib_srcs,lib)
core_SRCS := $(call lib_srcs,core)
ctl_SRCS := $(call lib_srcs,ctl)
check_SRCS := $(call lib_srcs,check)
config_SRCS := $(call lib_srcs,config)
datapath_SRCS := $(filter-out %.bpf.c,$(call lib_srcs,datapath))
sync_SRCS := $(call lib_srcs,sync)
http_SRCS := $(call lib_srcs,http)

objs = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIBS_PRESENT := $(foreach l,$(LIB_ORDER),$(if $($(l)_SRCS),$(BUILD)/lib$(l).a))

-include $(sort $(wildcard src/*/module.mk tests/*/module.mk tools/module.mk bench/module.mk))

# Build dependencies, checked by presence only (make's own wildcard over a
# few headers and PATH: no compiler run, nothing slower for every build), so
# that a fresh machine gets one line naming the installer instead of a
# compiler error half-way through.  Goals that install them first (test,
# demo, bench) and the ones that build nothing skip it; LVSD_DEPCHECK=0
# skips it for toolchains that keep these elsewhere.
DEP_HEADERS := bpf/bpf_helpers.h:libbpf-dev xdp/xsk.h:libxdp-dev libmnl/libmnl.h:libmnl-dev \
	curl/curl.h:libcurl4-openssl-dev microhttpd.h:libmicrohttpd-dev nftables/libnftables.h:libnftables-dev cmocka.h:libcmocka-dev \
	linux/if_xdp.h:linux-libc-dev popt.h:libpopt-dev
DEP_TOOLS := $(firstword $(CC)):build-essential clang:clang
DEP_INCDIRS := /usr/include /usr/include/*-linux-gnu* /usr/local/include
DEP_GOALS := $(filter-out test demo bench bench-micro deps clean deb,$(or $(MAKECMDGOALS),all))
ifneq ($(DEP_GOALS),)
ifneq ($(LVSD_DEPCHECK),0)
dep_pkg = $(lastword $(subst :, ,$(1)))
dep_name = $(firstword $(subst :, ,$(1)))
DEP_MISSING := $(strip \
	$(foreach h,$(DEP_HEADERS),$(if $(wildcard $(addsuffix /$(call dep_name,$(h)),$(DEP_INCDIRS))),,$(call dep_pkg,$(h)))) \
	$(foreach t,$(DEP_TOOLS),$(if $(filter /%,$(call dep_name,$(t))),$(if $(wildcard $(call dep_name,$(t))),,$(call dep_pkg,$(t))),$(if $(wildcard $(addsuffix /$(call dep_name,$(t)),$(subst :, ,$(PATH)))),,$(call dep_pkg,$(t))))))
ifneq ($(DEP_MISSING),)
$(error lvsd: missing build dependencies ($(subst $(eval) ,$(comma) ,$(DEP_MISSING))): run `scripts/deps.sh build` as root, or `make deps`)
endif
endif
endif

LVSD_SRCS := $(wildcard src/daemon/*.c)
IPVSADM_SRCS := $(wildcard src/cli/*.c)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
# shared helpers (tests/unit/fixture.h), linked into every unit test
UNIT_FIXTURE := $(BUILD)/obj/tests/unit/fixture.o
TOOL_SRCS := $(wildcard tools/*.c)
TOOL_BINS := $(patsubst tools/%.c,$(BUILD)/tools/%,$(TOOL_SRCS))

BINS := $(if $(LVSD_SRCS),$(BUILD)/lvsd) $(if $(IPVSADM_SRCS),$(BUILD)/ipvsadm)

.PHONY: all test unit demo bench bench-micro install clean deps deb progs
all: $(BINS) $(BUILD)/ipvsadm-save $(BUILD)/ipvsadm-restore $(TOOL_BINS) $(UNIT_BINS) $(EXTRA_TARGETS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CFLAGS_$(firstword $(subst /, ,$(patsubst src/%,%,$(dir $<))))) -c -o $@ $<

define lib_rule
$(BUILD)/lib$(1).a: $(call objs,$($(1)_SRCS))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach l,$(LIB_ORDER),$(if $($(l)_SRCS),$(eval $(call lib_rule,$(l)))))

$(BUILD)/lvsd: $(call objs,$(LVSD_SRCS)) $(LIBS_PRESENT)
	$(CC) $(LDFLAGS) -o $@ $^ $(LVSD_LDLIBS) $(LDLIBS)

$(BUILD)/ipvsadm: $(call objs,$(IPVSADM_SRCS)) $(LIBS_PRESENT)
	$(CC) $(LDFLAGS) -o $@ $^ $(IPVSADM_LDLIBS) $(LDLIBS)

$(BUILD)/ipvsadm-save: src/cli/ipvsadm-save
	@mkdir -p $(dir $@)
	install -m 755 $< $@
$(BUILD)/ipvsadm-restore: src/cli/ipvsadm-restore
	@mkdir -p $(dir $@)
	install -m 755 $< $@

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(UNIT_FIXTURE) $(LIBS_PRESENT)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LVSD_LDLIBS) $(TEST_LDLIBS) $(LDLIBS)

$(BUILD)/tools/%: $(BUILD)/obj/tools/%.o $(LIBS_PRESENT)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LVSD_LDLIBS) $(LDLIBS)

deps:
	scripts/deps.sh test

test:
	scripts/deps.sh test
	$(MAKE) SAN=1 all
	$(MAKE) SAN=0 all
	tests/run.sh

unit: all
	BUILD=$(BUILD) tests/run.sh unit

demo:
	scripts/deps.sh demo
	$(MAKE) SAN=0 all
	scripts/demo.sh $(or $(MODE),nat)

bench:
	scripts/deps.sh bench
	$(MAKE) SAN=0 all
	bench/run.sh $(BENCH_ARGS)

bench-micro:
	scripts/deps.sh test
	$(MAKE) SAN=0 all
	bench/run.sh --micro-only

# lvs-decap is for LVS-TUN real servers (README: kernels without ipip)
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALL_PROGS := $(BINS) $(BUILD)/ipvsadm-save $(BUILD)/ipvsadm-restore $(BUILD)/tools/lvs-decap
# only what install installs (the package build needs no tests or benchmarks)
progs: $(INSTALL_PROGS)
install: $(INSTALL_PROGS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)/lib/systemd/system \
		$(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(COMPLETIONDIR)
	install -m 755 $(INSTALL_PROGS) $(DESTDIR)$(SBINDIR)/
	install -m 644 docs/man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	sed 's|@SBINDIR@|$(SBINDIR)|g' packaging/lvsd.service.in > $(DESTDIR)/lib/systemd/system/lvsd.service
	sed 's|@SBINDIR@|$(SBINDIR)|g; s|@LIBEXECDIR@|$(LIBEXECDIR)|g' packaging/ipvsadm.service.in \
		> $(DESTDIR)/lib/systemd/system/ipvsadm.service
	sed 's|@SBINDIR@|$(SBINDIR)|g' packaging/ipvsadm-service.in > $(DESTDIR)$(LIBEXECDIR)/ipvsadm-service
	chmod 755 $(DESTDIR)$(LIBEXECDIR)/ipvsadm-service
	install -m 644 packaging/bash-completion/ipvsadm packaging/bash-completion/lvsd $(DESTDIR)$(COMPLETIONDIR)/

# dpkg-buildpackage writes next to the source tree, so the package is built
# from a copy in build/deb/ (its own build tree, build-deb): the .deb,
# .buildinfo and .changes land in build/deb/ and nothing outside the tree
# is written; the copy is removed afterwards.
DEB_SRC := build/deb/lvsd-src
deb:
	scripts/deps.sh deb
	rm -rf build/deb && mkdir -p $(DEB_SRC)
	tar -cf - --exclude=./build --exclude=./build-san --exclude=./build-deb --exclude=./build-fuzz --exclude=./.git . | tar -C $(DEB_SRC) -xf -
	cd $(DEB_SRC) && DEB_BUILD_OPTIONS="parallel=2 $$DEB_BUILD_OPTIONS" dpkg-buildpackage -us -uc -b
	rm -rf $(DEB_SRC)
	@ls build/deb/*.deb

clean:
	rm -rf build build-san

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
