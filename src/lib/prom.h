/* prom.h - writing the Prometheus text exposition format (version 0.0.4):
 * a family's "# HELP" and "# TYPE" lines, then its samples, one per line,
 * all of a family together.
 *
 * Contract: a family's header goes out with its first sample, so a family
 * with no samples writes nothing (a scrape never sees an empty family).
 * Label sets are built with lvs_prom_label() into a strbuf of their own
 * and passed as text; values are escaped there, names are the caller's
 * literals.  Errors only through the strbuf's oom flag.
 */
#ifndef LVS_PROM_H
#define LVS_PROM_H

#include <stddef.h>
#include <stdint.h>
#include "strbuf.h"

struct lvs_prom_fam {
	const char *name;
	const char *type;       /* "counter" or "gauge" */
	const char *help;
	int headed;             /* header written */
};

#define LVS_PROM_FAM(n, t, h) { (n), (t), (h), 0 }

/* append name="value" (escaped) to a label set, after a comma if needed */
void lvs_prom_label(struct strbuf *lbl, const char *name, const char *value);
/* one sample; labels: a label set's text, or NULL / "" for none */
void lvs_prom_u64(struct strbuf *out, struct lvs_prom_fam *f, const char *labels, uint64_t v);
/* with millisecond resolution: lvsd's clocks and durations have no finer */
void lvs_prom_double(struct strbuf *out, struct lvs_prom_fam *f, const char *labels, double v);

/* families of one unlabelled sample each, from a table */
struct lvs_prom_one {
	const char *name, *type, *help;
	uint64_t v;
};
void lvs_prom_ones(struct strbuf *out, const struct lvs_prom_one *o, size_t n);
#define LVS_PROM_ONES(out, arr) lvs_prom_ones((out), (arr), sizeof(arr) / sizeof((arr)[0]))

#endif
