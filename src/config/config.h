/* config.h - the configuration model shared by the ldirectord.cf and
 * keepalived.conf parsers, and the code that applies it to the table.
 *
 * Contract:
 *  - cfg_parse_*() turn a file into a struct cfg (0) or fail with ONE
 *    error "file:line: message" in `err` and -EINVAL (a bad file),
 *    -ENOMEM, or -errno of reading it; warnings (things accepted but
 *    ignored or reinterpreted) are appended to `warn`, one
 *    "file:line: warning: ..." per line.  `err` and `warn` may be NULL.
 *    Nothing is half-built: on error *out stays NULL.
 *  - The helpers below return 0 or -errno likewise (-EINVAL: not a valid
 *    value, -ENOMEM).
 *  - The model is fully resolved: every default and every inherited global
 *    value has been filled in, so the checker and the applier never look
 *    at the source format.
 *  - Pure C: no table, no sockets.  Host names are resolved with
 *    getaddrinfo() only when a value is not numeric.
 */
#ifndef LVS_CONFIG_H
#define LVS_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include "core/ipvs-t.h"
#include "lib/strbuf.h"

enum cfg_format { CFG_FMT_AUTO = 0, CFG_FMT_LDIRECTORD, CFG_FMT_KEEPALIVED };

enum cfg_check_kind {
	CFG_CHK_OFF,      /* never up (ldirectord checktype=off) */
	CFG_CHK_ON,       /* always up, no probe */
	CFG_CHK_TCP,      /* TCP connect */
	CFG_CHK_UDP,      /* send a datagram, expect any reply */
	CFG_CHK_PING,     /* ICMP echo */
	CFG_CHK_HTTP,     /* HTTP(S) request, status + optional regex/digest */
	CFG_CHK_EXTERNAL, /* command, exit 0 = up */
	CFG_CHK_DIALOG,   /* TCP dialogue (ldirectord negotiate for smtp, pop, ...) */
	CFG_CHK_DNS,      /* DNS query over UDP: an answer of its type (+ receive) */
};

#define CFG_MAX_STATUS 8

/* one probe description; a real server has zero or more (all must pass) */
struct cfg_check {
	enum cfg_check_kind kind;
	int af;                       /* family of addr / src */
	union lvs_addr addr;          /* target address (the RS unless connect_ip) */
	uint16_t port;                /* target port (RS port unless checkport) */
	int has_src;
	union lvs_addr src;           /* source address to bind, if has_src */
	uint32_t interval_ms;         /* between checks while steady */
	uint32_t retry_delay_ms;      /* after a failure that is not yet "down" */
	uint32_t timeout_ms;
	uint32_t fall;                /* consecutive failures: up -> down */
	uint32_t rise;                /* consecutive successes: down -> up */
	/* HTTP */
	int https;
	int head;                     /* HEAD instead of GET */
	char *path;                   /* begins with '/' */
	char *host;                   /* Host header; NULL = the address */
	char *receive;                /* POSIX ERE on the body; NULL = any */
	int receive_no_match;         /* keepalived regex_no_match */
	char digest[33];              /* lower-case MD5 hex of the body, "" = none */
	int nstatus;                  /* 0 = any 2xx */
	uint16_t status_lo[CFG_MAX_STATUS], status_hi[CFG_MAX_STATUS];
	/* UDP: the datagram.  DNS: the query (config/dns.h, id 0; `receive`
	 * matches the text of an answer).  DIALOG: the script, a sequence of NUL-terminated
	 * steps, each "S<bytes to send>" or "E<POSIX ERE a reply line must
	 * match>" (lines are read up to '\n', '\r' stripped; lines that do not
	 * match are skipped, so multi-line replies need no special case),
	 * optionally followed by "F<ERE>": a line matching it fails at once */
	uint8_t *payload;
	size_t payload_len;
	char *service;                /* DIALOG: the protocol's name, for logs */
	/* external: run through /bin/sh -c; ldirectord appends VIP VPORT RIP RPORT */
	char *command;
};

struct cfg_real {
	struct lvs_dest_conf d;       /* the configured weight, fwd, thresholds */
	struct cfg_check *checks;
	size_t nchecks;
	int quiesce;                  /* down: weight 0 instead of removal */
	int start_up;                 /* initial state before any check result */
	char *notify_up, *notify_down; /* keepalived: sh -c on a state change */
	int line;
};

struct cfg_service {
	struct lvs_service_conf s;
	struct cfg_real *reals;
	size_t nreals;
	int has_sorry;
	struct lvs_dest_conf sorry;   /* fallback / sorry_server, weight 1 */
	uint32_t quorum;              /* live weight needed (count when quorum_by_count) */
	uint32_t hysteresis;
	int quorum_by_count;          /* ldirectord: "no RS up" rather than a weight sum */
	int never_sorry;              /* ldirectord checktype=off: no fallback either */
	char *quorum_up, *quorum_down; /* keepalived: sh -c when quorum is won / lost */
	char name[80];                /* "tcp:1.2.3.4:80" / "fwm:100" for logs */
	int line;
};

struct cfg_src;

struct cfg {
	enum cfg_format format;
	char *path;
	struct cfg_src *src;          /* keepalived include: where lines come from, or NULL */
	struct cfg_service *svcs;
	size_t nsvcs;
	int autoreload;
	char *logfile;                /* NULL = only lvsd's log */
	int syslog_facility;          /* ldirectord logfile="local0": LOG_LOCAL0 for the
				       * checker's lines; 0 = lvsd's own facility */
	char *maintenancedir;         /* ldirectord: a file named RIP or RIP:port here = RS down */
	/* keepalived's global_defs: whom scripts run as (NULL: root, or
	 * keepalived_script when that user exists, as keepalived does) and
	 * whether scripts run as root must be in root-only paths */
	char *script_user, *script_group;
	int script_security;
};

/* Read and parse a file.  `path` may be prefixed with "ldirectord:" or
 * "keepalived:" to force the format; otherwise fmt (AUTO = detect). */
int cfg_parse_file(const char *path, enum cfg_format fmt, struct cfg **out,
		   struct strbuf *err, struct strbuf *warn);
/* Parse text; `name` is used in messages. */
int cfg_parse_text(const char *name, const char *text, enum cfg_format fmt, struct cfg **out,
		   struct strbuf *err, struct strbuf *warn);
int cfg_parse_ldirectord(const char *name, const char *text, struct cfg **out,
			 struct strbuf *err, struct strbuf *warn);
int cfg_parse_keepalived(const char *name, const char *text, struct cfg **out,
			 struct strbuf *err, struct strbuf *warn);
enum cfg_format cfg_detect(const char *text);
void cfg_free(struct cfg *c);
/* the file and line (*local) that line `line` of c's text comes from
 * (differs from c->path only through keepalived's include) */
const char *cfg_where(const struct cfg *c, int line, int *local);
/* keepalived include patterns that matched no file (a warning when read) */
int cfg_missing_includes(const struct cfg *c, int *line);

/* ---- helpers shared by the parsers (config.c) ---- */
struct cfg *cfg_new(enum cfg_format fmt, const char *name);
struct cfg_service *cfg_add_service(struct cfg *c);
struct cfg_real *cfg_add_real(struct cfg_service *s);
struct cfg_check *cfg_add_check(struct cfg_real *r);
/* make k a DIALOG check speaking ldirectord's negotiate `service`
 * (smtp, submission, pop, imap, nntp, ftp, simpletcp); 0 done, 1 not a
 * dialogue protocol (k untouched), -ENOMEM */
int cfg_dialog_build(struct cfg_check *k, const char *service, const char *request,
		     const char *receive, const char *login, const char *passwd);
/* make k keepalived's SMTP_CHECK dialogue (HELO helo_name); 0 or -ENOMEM */
int cfg_dialog_smtp_helo(struct cfg_check *k, const char *helo_name);
/* make k a DNS check asking `name` (type qtype, config/dns.h); 0, -ENOMEM,
 * -EINVAL: not a valid DNS name */
int cfg_dns_build(struct cfg_check *k, const char *name, uint16_t qtype);
void cfg_check_free(struct cfg_check *k);
int cfg_check_copy(struct cfg_check *dst, const struct cfg_check *src);
void cfg_service_name(struct cfg_service *s);
/* "1.2.3.4", "::1", or a host name -> af/addr */
int cfg_parse_addr(const char *s, int af_hint, int *af, union lvs_addr *a);
/* a port number or a service name from /etc/services */
int cfg_parse_port(const char *s, const char *proto, uint16_t *port);
/* "ip:port" | "[v6]:port" | "ip" (port 0) */
int cfg_parse_hostport(const char *s, const char *proto, int *af, union lvs_addr *a, uint16_t *port);
int cfg_parse_uint(const char *s, uint32_t max, uint32_t *out);
/* seconds, possibly fractional ("1.5") -> ms */
int cfg_parse_seconds(const char *s, uint32_t *ms);
/* the key services and dests are matched by */
int cfg_svc_key_equal(const struct lvs_service_conf *a, const struct lvs_service_conf *b);
/* "1.2.3.4:80" / "[::1]:80" */
const char *cfg_hostport_str(int af, const union lvs_addr *a, uint16_t port, char *buf, size_t len);

#endif
