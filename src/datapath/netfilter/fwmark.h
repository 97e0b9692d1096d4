/* fwmark.h - the firewall-mark classifier: the user's own mangle PREROUTING
 * rules (iptables and native nftables), compiled so that the datapath can
 * give a packet the skb->mark the kernel would have given it.
 *
 * Why: lvsd's datapath (AF_PACKET tap / XDP) sees frames before netfilter,
 * so it never sees the mark that `iptables -t mangle ... -j MARK` sets.
 * Kernel IPVS looks fwmark services up with that mark first
 * (ip_vs_service_find()), so
 * lvsd re-evaluates the same rules itself.
 *
 * Contract (pure C, no I/O; fwmark_watch.c does the reading; fwmark_rules.c
 * parses the rule text, fwmark.c builds, orders and evaluates):
 *  - fwm_parse_iptables_save() reads `iptables-save -t mangle` text and
 *    fwm_parse_nft() reads `nft list ruleset` text into one classifier;
 *    both may be called on the same builder, nft chains are ordered by
 *    hook priority (iptables' mangle PREROUTING is priority -150), ties
 *    keep their input order.  Only prerouting base chains of families
 *    ip/inet (iptables: the PREROUTING chain) are used: that is what runs
 *    before IPVS on the director.  Tables named lvsd_* are lvsd's own
 *    guards and are skipped.
 *  - A rule lvsd cannot evaluate exactly (unknown match or target, jump to
 *    a user chain, IPv6-only, ...) is NOT compiled: it is kept in the
 *    `unsupported` list with the reason, so the daemon can report it;
 *    never silently ignored.  Parsing never fails on bad input.
 *  - fwm_classify() evaluates the compiled rules in order like netfilter:
 *    MARK/meta mark set rewrite the mark (mark = (mark & and) ^ xor, which
 *    expresses --set-xmark v/m, --set-mark, --and/--or/--xor-mark and nft
 *    `meta mark set meta mark & a | o`) and traversal continues; accept /
 *    ACCEPT / RETURN end the chain; drop ends everything (FWM_DROP).
 *  - The classifier is immutable after fwm_finish(): any number of threads
 *    may classify concurrently.
 */
#ifndef LVS_DP_FWMARK_H
#define LVS_DP_FWMARK_H

#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

struct strbuf;

#define FWM_MAX_PORTS  16       /* port ranges in one match (multiport: 15) */
#define FWM_MAX_PROTOS 4

struct fwm_ports {
	uint8_t n;                      /* 0 = no port match */
	uint8_t neg;
	struct { uint16_t lo, hi; } r[FWM_MAX_PORTS];
};

enum fwm_action {
	FWM_A_NONE = 0,                 /* match only (counter, comment) */
	FWM_A_MARK,                     /* mark = (mark & mark_and) ^ mark_xor */
	FWM_A_STOP,                     /* accept / RETURN: end of this chain */
	FWM_A_DROP,                     /* drop: the packet dies in the kernel */
};

struct fwm_rule {
	uint8_t nprotos, proto_neg;
	uint8_t protos[FWM_MAX_PROTOS];
	uint8_t saddr_neg, daddr_neg, iif_neg, iif_prefix, mark_neg, has_mark;
	uint32_t saddr, smask, daddr, dmask;    /* network order; mask 0 = any */
	char iif[IF_NAMESIZE];                  /* "" = any; iif_prefix: "eth+" */
	uint32_t match_mark, match_mask;        /* -m mark --mark v/m */
	struct fwm_ports sport, dport, anyport; /* anyport: multiport --ports */
	enum fwm_action action;
	uint32_t mark_and, mark_xor;
	unsigned chain;                         /* index of its chain */
	unsigned chain_end;                     /* index of the first rule after its chain */
	char *text;                             /* the rule as read (for the view) */
};

struct fwm_unsupported {
	char *text;                     /* origin: the rule */
	char *reason;
};

struct fwm_chain {
	char *name;                     /* "iptables mangle PREROUTING", "nft ip t c" */
	int priority;
};

struct fwm_classifier {
	struct fwm_rule *rules;
	size_t nrules, caprules;
	struct fwm_unsupported *unsup;
	size_t nunsup, capunsup;
	struct fwm_chain *chains;
	size_t nchains, capchains;
	int needs_ifname;               /* some rule matches the input interface */
	int oom;
};

#define FWM_DROP 0xffffffffffffffffull  /* fwm_classify: a drop rule matched */

/* the packet fields the rules can look at */
struct fwm_pkt {
	int af;                         /* only AF_INET is classified */
	uint8_t protocol;
	uint32_t saddr, daddr;          /* network order */
	uint16_t sport, dport;          /* host order */
	const char *ifname;             /* input interface (NULL: unknown) */
};

struct fwm_classifier *fwm_new(void);
void fwm_free(struct fwm_classifier *c);

/* parse the whole text; returns the number of rules compiled (>= 0) */
int fwm_parse_iptables_save(struct fwm_classifier *c, const char *text);
/* skip_ip_mangle: ignore `table ip mangle` (iptables-nft's: its xtables
 * parts are read from iptables-save instead) */
int fwm_parse_nft(struct fwm_classifier *c, const char *text, int skip_ip_mangle);
/* order chains by priority; call once after parsing */
void fwm_finish(struct fwm_classifier *c);

/* the mark the kernel would give the packet (0: none), or FWM_DROP */
uint64_t fwm_classify(const struct fwm_classifier *c, const struct fwm_pkt *p);

/* text view: compiled rules, unsupported rules with the reason */
void fwm_describe(const struct fwm_classifier *c, struct strbuf *out);

/* parse one value like iptables/nft do: decimal or 0x hex; 0, or -EINVAL */
int fwm_parse_u32(const char *s, uint32_t *out);

#endif
