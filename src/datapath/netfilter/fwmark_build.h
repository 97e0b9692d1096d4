/* fwmark_build.h - how the rule-text readers (fwmark_rules.c) add to a
 * classifier (fwmark.c).  Internal to the fwmark classifier: other users
 * go through fwmark.h.  On allocation failure the classifier is marked
 * (c->oom) and what could not be added is left out. */
#ifndef LVS_DP_FWMARK_BUILD_H
#define LVS_DP_FWMARK_BUILD_H

#include <stdint.h>
#include <netinet/in.h>
#include "fwmark.h"

/* a chain at hook priority `prio`: its index, or -ENOMEM */
int fwm_add_chain(struct fwm_classifier *c, const char *name, int prio);
/* a compiled rule (copied; its text is the line as read) */
void fwm_add_rule(struct fwm_classifier *c, struct fwm_rule *r, const char *line);
/* a rule lvsd cannot evaluate exactly: "origin: line", and why */
void fwm_add_unsupported(struct fwm_classifier *c, const char *origin, const char *line, const char *reason);

/* does the protocol have ports where a port match can find them? */
static inline int fwm_proto_has_ports(uint8_t p)
{
	return p == IPPROTO_TCP || p == IPPROTO_UDP || p == IPPROTO_SCTP;
}

#endif
