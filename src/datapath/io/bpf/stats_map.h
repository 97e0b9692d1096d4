/* stats_map.h - the per-CPU event counters both BPF programs keep: a
 * PERCPU_ARRAY of __u64, one slot per event, summed over CPUs by lvsd
 * (dp_bpf_percpu_sum, fastpath.h).  LVSD_STATS_MAP(name, entries) declares
 * the map under the program's own name and count(what), which adds one to
 * slot `what` (per CPU: no atomics needed). */
#ifndef LVSD_BPF_STATS_MAP_H
#define LVSD_BPF_STATS_MAP_H

#define LVSD_STATS_MAP(name, entries)                                   \
	struct {                                                        \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);                \
		__uint(max_entries, entries);                           \
		__type(key, __u32);                                     \
		__type(value, __u64);                                   \
	} name SEC(".maps");                                            \
									\
	static __always_inline void count(__u32 what)                  \
	{                                                               \
		__u64 *c = bpf_map_lookup_elem(&name, &what);           \
		if (c)                                                  \
			*c += 1;                                        \
	}

#endif
