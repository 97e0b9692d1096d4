# datapath: libmnl (rtnetlink next hops); libnftables comes with lib/nft.c
LVSD_LDLIBS += -lmnl

# AF_XDP backend (afxdp*.c): libbpf loads lvsd's own XDP program, libxdp's
# xsk helpers create the sockets (its dispatcher is never used).  The
# program is compiled with clang and embedded into afxdp_prog.o (.incbin).
LVSD_LDLIBS += -lxdp -lbpf
XDP_BPF_OBJ := $(BUILD)/bpf/lvsd_xdp.bpf.o
CFLAGS_datapath += -DLVSD_XDP_OBJ='"$(XDP_BPF_OBJ)"'
BPF_CLANG ?= clang
$(XDP_BPF_OBJ): src/datapath/io/bpf/lvsd_xdp.bpf.c src/datapath/io/afxdp_maps.h src/datapath/io/fastpath_maps.h src/datapath/io/bpf/flows_map.h src/datapath/io/bpf/stats_map.h
	@mkdir -p $(dir $@)
	$(BPF_CLANG) -O2 -g -target bpf -I/usr/include/$(shell $(CC) -dumpmachine) -Wall -Werror -c -o $@ $<
$(BUILD)/obj/src/datapath/io/afxdp_prog.o: $(XDP_BPF_OBJ)

# the fast path (fastpath.c): the TC program, embedded the same way; -mcpu=v3
# for 32-bit atomic fetch-and/or on the flow flags (Linux 5.12+)
FAST_BPF_OBJ := $(BUILD)/bpf/lvsd_fast.bpf.o
CFLAGS_datapath += -DLVSD_FAST_OBJ='"$(FAST_BPF_OBJ)"'
$(FAST_BPF_OBJ): src/datapath/io/bpf/lvsd_fast.bpf.c src/datapath/io/fastpath_maps.h src/datapath/io/bpf/flows_map.h src/datapath/io/bpf/stats_map.h
	@mkdir -p $(dir $@)
	$(BPF_CLANG) -O2 -g -target bpf -mcpu=v3 -I/usr/include/$(shell $(CC) -dumpmachine) -Wall -Werror -c -o $@ $<
$(BUILD)/obj/src/datapath/io/fastpath.o: $(FAST_BPF_OBJ)
