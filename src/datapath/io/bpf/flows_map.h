/* flows_map.h - the fast path's flow map, declared alike in both BPF
 * objects that use it: lvsd_fast.bpf.c creates it, lvsd_xdp.bpf.c gets the
 * same map through bpf_map__reuse_fd() before loading (fastpath.h). */
#ifndef LVSD_BPF_FLOWS_MAP_H
#define LVSD_BPF_FLOWS_MAP_H

#include "../fastpath_maps.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LVSD_FLOW_MAX);
	__type(key, struct lvsd_flow_key);
	__type(value, struct lvsd_flow);
} lvsd_flows SEC(".maps");

#endif
