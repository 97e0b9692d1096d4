/* prom.c - the Prometheus text format (see prom.h). */
#include <stdio.h>
#include <string.h>
#include "prom.h"

/* label values escape backslash, double quote and newline; help texts
 * backslash and newline */
static void put_escaped(struct strbuf *out, const char *s, int quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			sb_puts(out, "\\\\");
		else if (*s == '\n')
			sb_puts(out, "\\n");
		else if (*s == '"' && quote)
			sb_puts(out, "\\\"");
		else
			sb_append(out, s, 1);
	}
}

void lvs_prom_label(struct strbuf *lbl, const char *name, const char *value)
{
	sb_printf(lbl, "%s%s=\"", lbl->len ? "," : "", name);
	put_escaped(lbl, value ? value : "", 1);
	sb_puts(lbl, "\"");
}

static void head(struct strbuf *out, struct lvs_prom_fam *f, const char *labels)
{
	if (!f->headed) {
		sb_printf(out, "# HELP %s ", f->name);
		put_escaped(out, f->help, 0);
		sb_printf(out, "\n# TYPE %s %s\n", f->name, f->type);
		f->headed = 1;
	}
	sb_puts(out, f->name);
	if (labels && *labels)
		sb_printf(out, "{%s}", labels);
}

void lvs_prom_u64(struct strbuf *out, struct lvs_prom_fam *f, const char *labels, uint64_t v)
{
	head(out, f, labels);
	sb_printf(out, " %llu\n", (unsigned long long)v);
}

void lvs_prom_double(struct strbuf *out, struct lvs_prom_fam *f, const char *labels, double v)
{
	head(out, f, labels);
	sb_printf(out, " %.3f\n", v);
}

void lvs_prom_ones(struct strbuf *out, const struct lvs_prom_one *o, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct lvs_prom_fam f = LVS_PROM_FAM(o[i].name, o[i].type, o[i].help);
		lvs_prom_u64(out, &f, NULL, o[i].v);
	}
}
