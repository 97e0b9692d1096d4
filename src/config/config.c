/* config.c - model allocation, format detection, shared value parsers,
 * reading a file. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <strings.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "dns.h"
#include "include.h"

#define CFG_MAX_FILE (16u << 20)

struct cfg *cfg_new(enum cfg_format fmt, const char *name)
{
	struct cfg *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->format = fmt;
	c->path = strdup(name ? name : "");
	if (!c->path) {
		free(c);
		return NULL;
	}
	return c;
}

/* grow an array by one zeroed element; returns it or NULL */
static void *grow(void **arr, size_t *n, size_t size)
{
	void *p = realloc(*arr, (*n + 1) * size);

	if (!p)
		return NULL;
	*arr = p;
	p = (char *)p + *n * size;
	memset(p, 0, size);
	(*n)++;
	return p;
}

struct cfg_service *cfg_add_service(struct cfg *c)
{
	struct cfg_service *s = grow((void **)&c->svcs, &c->nsvcs, sizeof(*s));

	if (s) {
		s->quorum = 1;
		s->sorry.weight = 1;
	}
	return s;
}

struct cfg_real *cfg_add_real(struct cfg_service *s)
{
	struct cfg_real *r = grow((void **)&s->reals, &s->nreals, sizeof(*r));

	if (r)
		r->d.weight = 1;
	return r;
}

struct cfg_check *cfg_add_check(struct cfg_real *r)
{
	return grow((void **)&r->checks, &r->nchecks, sizeof(struct cfg_check));
}

void cfg_check_free(struct cfg_check *k)
{
	free(k->path);
	free(k->host);
	free(k->receive);
	free(k->payload);
	free(k->command);
	free(k->service);
	k->path = k->host = k->receive = k->command = k->service = NULL;
	k->payload = NULL;
}

static int dup_str(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

int cfg_check_copy(struct cfg_check *dst, const struct cfg_check *src)
{
	*dst = *src;
	dst->path = dst->host = dst->receive = dst->command = dst->service = NULL;
	dst->payload = NULL;
	if (dup_str(&dst->path, src->path) || dup_str(&dst->host, src->host) ||
	    dup_str(&dst->receive, src->receive) || dup_str(&dst->command, src->command) ||
	    dup_str(&dst->service, src->service))
		goto fail;
	if (src->payload_len) {
		dst->payload = malloc(src->payload_len);
		if (!dst->payload)
			goto fail;
		memcpy(dst->payload, src->payload, src->payload_len);
	}
	return 0;
fail:
	cfg_check_free(dst);
	return -ENOMEM;
}

/* ---------------------------------------------------------- dialogues */

/* A script is built by a run of appends and checked once, when it is
 * handed to the check (set_dialog): a failed append marks the strbuf and
 * makes the later ones no-ops (lib/strbuf.h), so one test of sb->oom
 * there covers every step; a return value per step would only repeat it. */

/* one script step: the kind letter, the text, its NUL */
static void step(struct strbuf *sb, char kind, const char *text)
{
	sb_append(sb, &kind, 1);
	sb_append(sb, text, strlen(text) + 1);
}

static void stepf(struct strbuf *sb, char kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void stepf(struct strbuf *sb, char kind, const char *fmt, ...)
{
	va_list ap;

	sb_append(sb, &kind, 1);
	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
	sb_append(sb, "", 1);
}

/* ldirectord's simpletcp request: "\n" (two characters) means a newline */
static char *expand_newlines(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			sb_append(&sb, "\n", 1);
			s++;
		} else {
			sb_append(&sb, s, 1);
		}
	}
	return sb_detach(&sb);
}

static void smtp_steps(struct strbuf *sb, const char *verb, const char *name)
{
	step(sb, 'E', "^220( |$)");
	step(sb, 'F', "^[45][0-9][0-9]( |$)");
	stepf(sb, 'S', "%s %s\r\n", verb, name);
	step(sb, 'E', "^250( |$)");
	step(sb, 'F', "^[45][0-9][0-9]( |$)");
	step(sb, 'S', "QUIT\r\n");
}

static int set_dialog(struct cfg_check *k, struct strbuf *sb, const char *service)
{
	if (sb->oom || !(k->service = strdup(service))) {
		sb_free(sb);
		return -ENOMEM;
	}
	for (char *c = k->service; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	free(k->payload);
	k->payload_len = sb->len;
	k->payload = (uint8_t *)sb_detach(sb);
	k->kind = CFG_CHK_DIALOG;
	return 0;
}

int cfg_dns_build(struct cfg_check *k, const char *name, uint16_t qtype)
{
	uint8_t q[DNS_MAX_QUERY];
	int len = dns_build_query(name, qtype, q, sizeof(q));

	if (len < 0)
		return -EINVAL;
	free(k->payload);
	free(k->service);
	k->payload_len = 0;
	k->payload = malloc((size_t)len);
	k->service = strdup("dns");
	if (!k->payload || !k->service)
		return -ENOMEM;
	memcpy(k->payload, q, (size_t)len);
	k->payload_len = (size_t)len;
	k->kind = CFG_CHK_DNS;
	return 0;
}

/* keepalived's SMTP_CHECK: greeting, HELO helo_name, QUIT */
int cfg_dialog_smtp_helo(struct cfg_check *k, const char *helo_name)
{
	struct strbuf sb = STRBUF_INIT;

	smtp_steps(&sb, "HELO", helo_name);
	return set_dialog(k, &sb, "smtp");
}

/* The dialogues follow what ldirectord's Perl modules do on the wire,
 * reduced to what decides "up": the greeting, a login when one is
 * configured (ftp always logs in, anonymously by default), and a polite
 * goodbye.  ftp does not fetch `request` (that needs a data connection);
 * the login is the check. */
int cfg_dialog_build(struct cfg_check *k, const char *service, const char *request,
		     const char *receive, const char *login, const char *passwd)
{
	struct strbuf sb = STRBUF_INIT;
	int have_login = login && login[0];

	if (!strcasecmp(service, "smtp") || !strcasecmp(service, "submission")) {
		/* Net::SMTP greets with EHLO */
		smtp_steps(&sb, "EHLO", "lvsd");
	} else if (!strcasecmp(service, "pop")) {
		step(&sb, 'E', "^\\+OK");
		step(&sb, 'F', "^-ERR");
		if (have_login) {
			stepf(&sb, 'S', "USER %s\r\n", login);
			step(&sb, 'E', "^\\+OK");
			step(&sb, 'F', "^-ERR");
			stepf(&sb, 'S', "PASS %s\r\n", passwd ? passwd : "");
			step(&sb, 'E', "^\\+OK");
			step(&sb, 'F', "^-ERR");
		}
		step(&sb, 'S', "QUIT\r\n");
	} else if (!strcasecmp(service, "imap")) {
		step(&sb, 'E', "^\\* (OK|PREAUTH)");
		step(&sb, 'F', "^\\* BYE");
		if (have_login) {
			stepf(&sb, 'S', "l1 LOGIN \"%s\" \"%s\"\r\n", login, passwd ? passwd : "");
			step(&sb, 'E', "^l1 OK");
			step(&sb, 'F', "^l1 (NO|BAD)");
		}
		step(&sb, 'S', "l2 LOGOUT\r\n");
	} else if (!strcasecmp(service, "nntp")) {
		step(&sb, 'E', "^2[0-9][0-9]");
		step(&sb, 'F', "^[45][0-9][0-9]");
		step(&sb, 'S', "QUIT\r\n");
	} else if (!strcasecmp(service, "ftp")) {
		step(&sb, 'E', "^220( |$)");
		step(&sb, 'F', "^[45][0-9][0-9]( |$)");
		stepf(&sb, 'S', "USER %s\r\n", have_login ? login : "anonymous");
		step(&sb, 'E', "^(230|331)( |$)");
		step(&sb, 'F', "^[45][0-9][0-9]( |$)");
		stepf(&sb, 'S', "PASS %s\r\n", have_login ? (passwd ? passwd : "") : "ldirectord@lvsd");
		/* a 230 to USER makes PASS answer 230 or 503: both mean logged in */
		step(&sb, 'E', "^(230|202|503)( |$)");
		step(&sb, 'F', "^[45][0-9][0-9]( |$)");
		step(&sb, 'S', "QUIT\r\n");
	} else if (!strcasecmp(service, "simpletcp")) {
		char *req = expand_newlines(request ? request : "");
		if (!req) {
			sb_free(&sb);
			return -ENOMEM;
		}
		if (req[0])
			step(&sb, 'S', req);
		free(req);
		if (receive && receive[0])
			step(&sb, 'E', receive);
	} else {
		sb_free(&sb);
		return 1;
	}
	return set_dialog(k, &sb, service);
}

void cfg_free(struct cfg *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nsvcs; i++) {
		struct cfg_service *s = &c->svcs[i];

		for (size_t j = 0; j < s->nreals; j++) {
			for (size_t k = 0; k < s->reals[j].nchecks; k++)
				cfg_check_free(&s->reals[j].checks[k]);
			free(s->reals[j].checks);
			free(s->reals[j].notify_up);
			free(s->reals[j].notify_down);
		}
		free(s->reals);
		free(s->quorum_up);
		free(s->quorum_down);
	}
	free(c->svcs);
	cfg_src_free(c->src);
	free(c->path);
	free(c->logfile);
	free(c->maintenancedir);
	free(c->script_user);
	free(c->script_group);
	free(c);
}

const char *cfg_hostport_str(int af, const union lvs_addr *a, uint16_t port, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(af, a, ip, sizeof(ip));
	snprintf(buf, len, af == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, port);
	return buf;
}

void cfg_service_name(struct cfg_service *s)
{
	char hp[INET6_ADDRSTRLEN + 10];

	if (s->s.fwmark) {
		snprintf(s->name, sizeof(s->name), "fwm:%u%s", s->s.fwmark,
			 s->s.af == AF_INET6 ? ":IPv6" : "");
		return;
	}
	cfg_hostport_str(s->s.af, &s->s.addr, s->s.port, hp, sizeof(hp));
	snprintf(s->name, sizeof(s->name), "%s:%s",
		 s->s.protocol == IPPROTO_UDP ? "udp" : s->s.protocol == IPPROTO_SCTP ? "sctp" : "tcp", hp);
}

int cfg_svc_key_equal(const struct lvs_service_conf *a, const struct lvs_service_conf *b)
{
	if (a->af != b->af || a->fwmark != b->fwmark)
		return 0;
	if (a->fwmark)
		return 1;
	return a->protocol == b->protocol && a->port == b->port && lvs_addr_equal(a->af, &a->addr, &b->addr);
}

int cfg_parse_uint(const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int cfg_parse_seconds(const char *s, uint32_t *ms)
{
	char *end;
	double v;

	if (!s || !(isdigit((unsigned char)*s) || *s == '.'))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || v < 0 || v > 86400.0 * 7)
		return -EINVAL;
	*ms = (uint32_t)(v * 1000.0 + 0.5);
	return 0;
}

int cfg_parse_addr(const char *s, int af_hint, int *af, union lvs_addr *a)
{
	struct addrinfo hints, *res = NULL;

	memset(a, 0, sizeof(*a));
	if (!s || !*s || strlen(s) > 253)
		return -EINVAL;
	if (af_hint != AF_INET6 && inet_pton(AF_INET, s, &a->ip) == 1) {
		*af = AF_INET;
		return 0;
	}
	if (af_hint != AF_INET && inet_pton(AF_INET6, s, &a->in6) == 1) {
		*af = AF_INET6;
		return 0;
	}
	/* a host name: only names made of name characters go to the resolver */
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '_')
			return -EINVAL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = af_hint ? af_hint : AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(s, NULL, &hints, &res) || !res)
		return -EINVAL;
	*af = res->ai_family;
	if (res->ai_family == AF_INET)
		a->ip = ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr;
	else
		a->in6 = ((struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
	freeaddrinfo(res);
	return 0;
}

int cfg_parse_port(const char *s, const char *proto, uint16_t *port)
{
	uint32_t v;
	struct servent *se;

	if (!s || !*s)
		return -EINVAL;
	if (isdigit((unsigned char)*s)) {
		if (cfg_parse_uint(s, 65535, &v))
			return -EINVAL;
		*port = (uint16_t)v;
		return 0;
	}
	se = getservbyname(s, proto ? proto : "tcp");
	if (!se)
		return -EINVAL;
	*port = ntohs((uint16_t)se->s_port);
	return 0;
}

int cfg_parse_hostport(const char *s, const char *proto, int *af, union lvs_addr *a, uint16_t *port)
{
	char buf[300];
	const char *host = buf, *p = NULL;
	size_t n = strlen(s);

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n + 1);
	*port = 0;
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (!close)
			return -EINVAL;
		*close = 0;
		host = buf + 1;
		if (close[1] == ':')
			p = close + 2;
		else if (close[1])
			return -EINVAL;
		if (cfg_parse_addr(host, AF_INET6, af, a))
			return -EINVAL;
	} else {
		char *colon = strchr(buf, ':');

		/* more than one colon and no brackets: a bare IPv6 address */
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;
		if (colon) {
			*colon = 0;
			p = colon + 1;
		}
		if (cfg_parse_addr(host, 0, af, a))
			return -EINVAL;
	}
	if (p && cfg_parse_port(p, proto, port))
		return -EINVAL;
	return 0;
}

enum cfg_format cfg_detect(const char *text)
{
	/* keepalived is made of blocks; ldirectord of key=value lines */
	const char *p = text;

	while (*p) {
		const char *l = p;

		while (*l == ' ' || *l == '\t')
			l++;
		if (!strncmp(l, "virtual_server", 14) || !strncmp(l, "global_defs", 11) ||
		    !strncmp(l, "vrrp_", 5) || (!strncmp(l, "include", 7) && strchr(" \t", l[7])))
			return CFG_FMT_KEEPALIVED;
		if (!strncmp(l, "virtual", 7) && strchr("6= \t", l[7]))
			return CFG_FMT_LDIRECTORD;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return strchr(text, '{') ? CFG_FMT_KEEPALIVED : CFG_FMT_LDIRECTORD;
}

int cfg_parse_text(const char *name, const char *text, enum cfg_format fmt, struct cfg **out,
		   struct strbuf *err, struct strbuf *warn)
{
	*out = NULL;
	if (fmt == CFG_FMT_AUTO)
		fmt = cfg_detect(text);
	if (fmt == CFG_FMT_KEEPALIVED)
		return cfg_parse_keepalived(name, text, out, err, warn);
	return cfg_parse_ldirectord(name, text, out, err, warn);
}

/* a message about the file as a whole ("PATH: message"); returns ret */
static int file_error(struct strbuf *err, int ret, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int file_error(struct strbuf *err, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		sb_vprintf(err, fmt, ap);
		va_end(ap);
	}
	return ret;
}

int cfg_parse_file(const char *path, enum cfg_format fmt, struct cfg **out,
		   struct strbuf *err, struct strbuf *warn)
{
	FILE *f;
	char *text = NULL;
	size_t n;
	struct stat st;
	int ret;

	*out = NULL;
	if (!strncmp(path, "ldirectord:", 11)) {
		fmt = CFG_FMT_LDIRECTORD;
		path += 11;
	} else if (!strncmp(path, "keepalived:", 11)) {
		fmt = CFG_FMT_KEEPALIVED;
		path += 11;
	}
	f = fopen(path, "re");
	if (!f)
		return file_error(err, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) || (size_t)st.st_size > CFG_MAX_FILE) {
		ret = file_error(err, -EINVAL, "%s: not a regular file of at most %u bytes", path, CFG_MAX_FILE);
		goto out;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		ret = file_error(err, -ENOMEM, "%s: out of memory", path);
		goto out;
	}
	n = fread(text, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		ret = file_error(err, -EIO, "%s: %s", path, strerror(EIO));
		goto out;
	}
	text[n] = 0;
	if (memchr(text, 0, n)) {
		ret = file_error(err, -EINVAL, "%s: binary data (NUL byte) in a configuration file", path);
		goto out;
	}
	ret = cfg_parse_text(path, text, fmt, out, err, warn);
out:
	free(text);
	fclose(f);
	return ret;
}
