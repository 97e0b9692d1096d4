/* fwmark.c - the classifier: built from rules (fwmark_rules.c reads them),
 * ordered, and evaluated per packet like netfilter would (see fwmark.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include "lib/strbuf.h"
#include "fwmark.h"
#include "fwmark_build.h"
#include "lib/grow.h"

/* ---- building ---- */

static char *xstrdup(struct fwm_classifier *c, const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		c->oom = 1;
	return d;
}

static int grow(struct fwm_classifier *c, void **arr, size_t *cap, size_t n, size_t elem)
{
	if (lvs_grow(arr, cap, n, elem, 16) < 0) {
		c->oom = 1;
		return -ENOMEM;
	}
	return 0;
}

struct fwm_classifier *fwm_new(void)
{
	return calloc(1, sizeof(struct fwm_classifier));
}

void fwm_free(struct fwm_classifier *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nrules; i++)
		free(c->rules[i].text);
	for (size_t i = 0; i < c->nunsup; i++) {
		free(c->unsup[i].text);
		free(c->unsup[i].reason);
	}
	for (size_t i = 0; i < c->nchains; i++)
		free(c->chains[i].name);
	free(c->rules);
	free(c->unsup);
	free(c->chains);
	free(c);
}

int fwm_add_chain(struct fwm_classifier *c, const char *name, int prio)
{
	if (grow(c, (void **)&c->chains, &c->capchains, c->nchains, sizeof(*c->chains)) < 0)
		return -ENOMEM;
	c->chains[c->nchains].name = xstrdup(c, name);
	c->chains[c->nchains].priority = prio;
	return (int)c->nchains++;
}

void fwm_add_unsupported(struct fwm_classifier *c, const char *origin, const char *line, const char *reason)
{
	if (grow(c, (void **)&c->unsup, &c->capunsup, c->nunsup, sizeof(*c->unsup)) < 0)
		return;
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s: %s", origin, line);
	c->unsup[c->nunsup].text = xstrdup(c, buf);
	c->unsup[c->nunsup].reason = xstrdup(c, reason);
	c->nunsup++;
}

void fwm_add_rule(struct fwm_classifier *c, struct fwm_rule *r, const char *line)
{
	if (grow(c, (void **)&c->rules, &c->caprules, c->nrules, sizeof(*c->rules)) < 0)
		return;
	r->text = xstrdup(c, line);
	if (r->iif[0])
		c->needs_ifname = 1;
	c->rules[c->nrules++] = *r;
}

/* ---- ordering and evaluation ---- */

static int cmp_rule(const void *a, const void *b, void *arg)
{
	const struct fwm_classifier *c = arg;
	const struct fwm_rule *x = a, *y = b;
	int px = c->chains[x->chain].priority, py = c->chains[y->chain].priority;
	if (px != py)
		return px < py ? -1 : 1;
	/* same priority: chain order as read, then rule order as read (the
	 * text pointer order is not stable; use the chain index, and rules
	 * were appended in order so a stable merge keeps them) */
	return x->chain < y->chain ? -1 : x->chain > y->chain;
}

void fwm_finish(struct fwm_classifier *c)
{
	if (!c || !c->nrules)
		return;
	/* stable insertion sort (rule counts are small) */
	for (size_t i = 1; i < c->nrules; i++) {
		struct fwm_rule r = c->rules[i];
		size_t j = i;
		while (j > 0 && cmp_rule(&c->rules[j - 1], &r, c) > 0) {
			c->rules[j] = c->rules[j - 1];
			j--;
		}
		c->rules[j] = r;
	}
	for (size_t i = 0; i < c->nrules;) {
		size_t j = i;
		while (j < c->nrules && c->rules[j].chain == c->rules[i].chain)
			j++;
		for (size_t k = i; k < j; k++)
			c->rules[k].chain_end = (unsigned)j;
		i = j;
	}
}

static int ports_match(const struct fwm_ports *pm, uint16_t port)
{
	int in = 0;
	for (unsigned i = 0; i < pm->n && !in; i++)
		in = port >= pm->r[i].lo && port <= pm->r[i].hi;
	return in != pm->neg;
}

static int rule_match(const struct fwm_rule *r, const struct fwm_pkt *p, uint32_t mark)
{
	if (r->nprotos) {
		int in = 0;
		for (unsigned i = 0; i < r->nprotos; i++)
			in |= r->protos[i] == p->protocol;
		if (in == r->proto_neg)
			return 0;
	}
	if (r->smask || r->saddr_neg)
		if (((p->saddr & r->smask) == r->saddr) == r->saddr_neg)
			return 0;
	if (r->dmask || r->daddr_neg)
		if (((p->daddr & r->dmask) == r->daddr) == r->daddr_neg)
			return 0;
	if (r->dport.n || r->sport.n || r->anyport.n) {
		if (!fwm_proto_has_ports(p->protocol))
			return 0;
		if (r->dport.n && !ports_match(&r->dport, p->dport))
			return 0;
		if (r->sport.n && !ports_match(&r->sport, p->sport))
			return 0;
		if (r->anyport.n) {
			/* multiport --ports: either port in the list */
			struct fwm_ports pos = r->anyport;
			pos.neg = 0;
			int in = ports_match(&pos, p->sport) || ports_match(&pos, p->dport);
			if (in == r->anyport.neg)
				return 0;
		}
	}
	if (r->iif[0]) {
		int in = 0;
		if (p->ifname)
			in = r->iif_prefix ? !strncmp(p->ifname, r->iif, strlen(r->iif)) : !strcmp(p->ifname, r->iif);
		if (in == r->iif_neg)
			return 0;
	}
	if (r->has_mark && (((mark & r->match_mask) == r->match_mark) == r->mark_neg))
		return 0;
	return 1;
}

uint64_t fwm_classify(const struct fwm_classifier *c, const struct fwm_pkt *p)
{
	uint32_t mark = 0;
	if (!c || !p || p->af != AF_INET)
		return 0;
	for (size_t i = 0; i < c->nrules;) {
		const struct fwm_rule *r = &c->rules[i];
		if (!rule_match(r, p, mark)) {
			i++;
			continue;
		}
		switch (r->action) {
		case FWM_A_MARK:
			mark = (mark & r->mark_and) ^ r->mark_xor;
			i++;
			break;
		case FWM_A_STOP:
			i = r->chain_end;
			break;
		case FWM_A_DROP:
			return FWM_DROP;
		default:
			i++;
		}
	}
	return mark;
}

void fwm_describe(const struct fwm_classifier *c, struct strbuf *out)
{
	if (!c) {
		sb_puts(out, "rules: 0 compiled, 0 unsupported\n");
		return;
	}
	sb_printf(out, "rules: %zu compiled, %zu unsupported\n", c->nrules, c->nunsup);
	for (size_t i = 0; i < c->nrules; i++) {
		const struct fwm_rule *r = &c->rules[i];
		sb_printf(out, "rule %zu [%s prio %d]: %s\n", i + 1, c->chains[r->chain].name,
			  c->chains[r->chain].priority, r->text ? r->text : "");
	}
	for (size_t i = 0; i < c->nunsup; i++)
		sb_printf(out, "unsupported: %s -- %s\n", c->unsup[i].text, c->unsup[i].reason);
}

