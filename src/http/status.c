/* status.c - the "status.json" and "status.html" views: every service and
 * real server of the table with its counters and rates (the numbers
 * `ipvsadm -L -n --stats --exact` and `--rate` show), what the modules
 * know about each real server (the checker's state, last message and
 * latency, through lvs_host_rs_info), and the datapath's and sync's views.
 *
 * Rendering works on a snapshot: the table is copied under the table lock,
 * the real-server facts are collected without it (a lister holds its own
 * lock and must never wait for the table's), then the copy is written out.
 * One function per object (service, real server, counters), so a new field
 * or a new state is one line in one place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "http.h"
#include "core/stats.h"
#include "lib/inet.h"
#include "lib/json.h"
#include "lib/list.h"

/* what a lister said about one real server */
struct rs_fact {
	struct lvs_service_conf svc;    /* identity fields only */
	struct lvs_dest_conf dest;
	char state[16];
	char msg[160];
	int64_t latency_ms, age_ms;
	int used;                       /* matched a dest of the table */
};

struct snap_dest {
	struct lvs_dest_conf conf;
	int active, inactive, persistent;
	int in_table;                   /* 0: only a lister knows it (e.g. removed while down) */
	struct lvs_stats_view st;
	const struct rs_fact *fact;
};

struct snap_svc {
	struct lvs_service_conf conf;
	struct lvs_stats_view st;
	struct snap_dest *d;
	size_t nd, capd;
};

struct snap {
	struct snap_svc *s;
	size_t ns;
	struct lvs_stats_view total;
	struct rs_fact *f;
	size_t nf, capf;
	int oom;
};

/* ---- snapshot */

static void fact_emit(void *arg, const struct lvs_host_rs_info *i)
{
	struct snap *sn = arg;
	struct rs_fact *f;

	if (sn->nf == sn->capf) {
		size_t cap = sn->capf ? sn->capf * 2 : 16;
		struct rs_fact *p = realloc(sn->f, cap * sizeof(*p));

		if (!p) {
			sn->oom = 1;
			return;
		}
		sn->f = p;
		sn->capf = cap;
	}
	f = &sn->f[sn->nf++];
	memset(f, 0, sizeof(*f));
	f->svc = *i->svc;
	f->dest = *i->dest;
	snprintf(f->state, sizeof(f->state), "%s", i->state ? i->state : "");
	snprintf(f->msg, sizeof(f->msg), "%s", i->msg ? i->msg : "");
	f->latency_ms = i->latency_ms;
	f->age_ms = i->age_ms;
}

static int same_svc(const struct lvs_service_conf *a, const struct lvs_service_conf *b)
{
	if (a->fwmark || b->fwmark)
		return a->fwmark == b->fwmark && a->af == b->af;
	return a->af == b->af && a->protocol == b->protocol && a->port == b->port &&
	       !memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

static int same_dest(const struct lvs_dest_conf *a, const struct lvs_dest_conf *b)
{
	return a->af == b->af && a->port == b->port && !memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

static struct snap_dest *add_dest(struct snap *sn, struct snap_svc *s)
{
	if (s->nd == s->capd) {
		size_t cap = s->capd ? s->capd * 2 : 8;
		struct snap_dest *p = realloc(s->d, cap * sizeof(*p));

		if (!p) {
			sn->oom = 1;
			return NULL;
		}
		s->d = p;
		s->capd = cap;
	}
	memset(&s->d[s->nd], 0, sizeof(s->d[0]));
	return &s->d[s->nd++];
}

static void copy_service(struct snap *sn, struct snap_svc *s, struct lvs_service *svc)
{
	struct lvs_dest *dst;

	memset(s, 0, sizeof(*s));
	s->conf.af = svc->af;
	s->conf.protocol = svc->protocol;
	s->conf.addr = svc->addr;
	s->conf.port = svc->port;
	s->conf.fwmark = svc->fwmark;
	memcpy(s->conf.sched_name, svc->sched_name, sizeof(s->conf.sched_name));
	s->conf.flags = svc->flags;
	s->conf.timeout = svc->timeout;
	s->conf.netmask = svc->netmask;
	lvs_stats_read(&svc->stats, &s->st);
	lvs_list_for_each_entry(dst, &svc->destinations, n_list) {
		struct snap_dest *d = add_dest(sn, s);

		if (!d)
			return;
		d->conf.af = dst->af;
		d->conf.addr = dst->addr;
		d->conf.port = dst->port;
		d->conf.conn_flags = dst->conn_flags & LVS_CONN_F_FWD_MASK;
		d->conf.weight = __atomic_load_n(&dst->weight, __ATOMIC_RELAXED);
		d->conf.u_threshold = dst->u_threshold;
		d->conf.l_threshold = dst->l_threshold;
		d->active = __atomic_load_n(&dst->activeconns, __ATOMIC_RELAXED);
		d->inactive = __atomic_load_n(&dst->inactconns, __ATOMIC_RELAXED);
		d->persistent = __atomic_load_n(&dst->persistconns, __ATOMIC_RELAXED);
		d->in_table = 1;
		lvs_stats_read(&dst->stats, &d->st);
	}
}

/* the facts joined to the table's dests; a fact about a real server the
 * table lacks becomes a dest of its service with in_table 0 */
static void join_facts(struct snap *sn)
{
	for (size_t i = 0; i < sn->nf; i++) {
		struct rs_fact *f = &sn->f[i];

		for (size_t s = 0; s < sn->ns && !f->used; s++) {
			struct snap_svc *sv = &sn->s[s];

			if (!same_svc(&sv->conf, &f->svc))
				continue;
			for (size_t k = 0; k < sv->nd; k++) {
				if (sv->d[k].in_table && !sv->d[k].fact && same_dest(&sv->d[k].conf, &f->dest)) {
					sv->d[k].fact = f;
					f->used = 1;
					break;
				}
			}
			if (!f->used) {
				struct snap_dest *d = add_dest(sn, sv);

				if (!d)
					return;
				d->conf = f->dest;
				d->fact = f;
				f->used = 1;
			}
		}
	}
}

static int snap_take(struct lvs_host *h, struct snap *sn)
{
	struct lvs_table *t = lvs_host_table(h);

	memset(sn, 0, sizeof(*sn));
	lvs_host_rs_info(h, fact_emit, sn);
	lvs_host_lock(h);
	size_t n = lvs_svc_count(t);
	sn->s = calloc(n ? n : 1, sizeof(*sn->s));
	if (!sn->s) {
		sn->oom = 1;
	} else {
		for (struct lvs_service *svc = lvs_svc_first(t); svc && sn->ns < n; svc = lvs_svc_next(t, svc))
			copy_service(sn, &sn->s[sn->ns++], svc);
	}
	lvs_stats_read(lvs_table_global_stats(t), &sn->total);
	lvs_host_unlock(h);
	join_facts(sn);
	return sn->oom ? -ENOMEM : 0;
}

static void snap_free(struct snap *sn)
{
	for (size_t i = 0; i < sn->ns; i++)
		free(sn->s[i].d);
	free(sn->s);
	free(sn->f);
}

/* ---- names */

static const char *proto_name(const struct lvs_service_conf *c)
{
	if (c->fwmark)
		return "FWM";
	switch (c->protocol) {
	case IPPROTO_TCP: return "TCP";
	case IPPROTO_UDP: return "UDP";
	case IPPROTO_SCTP: return "SCTP";
	default: return "?";
	}
}

/* as ipvsadm's Forward column */
static const char *fwd_name(uint32_t conn_flags)
{
	switch (conn_flags & LVS_CONN_F_FWD_MASK) {
	case LVS_CONN_F_MASQ: return "Masq";
	case LVS_CONN_F_LOCALNODE: return "Local";
	case LVS_CONN_F_TUNNEL: return "Tunnel";
	case LVS_CONN_F_DROUTE: return "Route";
	case LVS_CONN_F_BYPASS: return "Bypass";
	case LVS_CONN_F_FULLNAT: return "FullNAT";
	default: return "?";
	}
}

/* "1.2.3.4:80", "[::1]:80", "fwmark 7" */
static const char *svc_label(const struct lvs_service_conf *c, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (c->fwmark)
		snprintf(buf, len, "%u", c->fwmark);
	else if (c->af == AF_INET6)
		snprintf(buf, len, "[%s]:%u", lvs_addr_str(c->af, &c->addr, a, sizeof(a)), c->port);
	else
		snprintf(buf, len, "%s:%u", lvs_addr_str(c->af, &c->addr, a, sizeof(a)), c->port);
	return buf;
}

static const char *dest_label(const struct lvs_dest_conf *c, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, len, c->af == AF_INET6 ? "[%s]:%u" : "%s:%u", lvs_addr_str(c->af, &c->addr, a, sizeof(a)),
		 c->port);
	return buf;
}

/* the state shown for a real server: the lister's, else "no check" */
static const char *dest_state(const struct snap_dest *d)
{
	if (d->fact && d->fact->state[0])
		return d->fact->state;
	return "no check";
}

/* ---- JSON */

/* a stats view as ten numbers: the counters ("stats"), then the rates */
static const char *const counter_names[10] = {
	"conns", "inpkts", "outpkts", "inbytes", "outbytes", "cps", "inpps", "outpps", "inbps", "outbps",
};

static void counter_values(const struct lvs_stats_view *v, uint64_t out[10])
{
	const uint64_t in[10] = {
		v->c.conns, v->c.inpkts, v->c.outpkts, v->c.inbytes, v->c.outbytes,
		v->r.cps, v->r.inpps, v->r.outpps, v->r.inbps, v->r.outbps,
	};

	memcpy(out, in, sizeof(in));
}

static void json_counters(struct json_w *w, const struct lvs_stats_view *v)
{
	uint64_t n[10];

	counter_values(v, n);
	for (int i = 0; i < 10; i++) {
		if (i % 5 == 0) {
			if (i)
				json_end(w);
			json_key(w, i ? "rates" : "stats");
			json_obj(w);
		}
		json_ku64(w, counter_names[i], n[i]);
	}
	json_end(w);
}

static void json_dest(struct json_w *w, const struct snap_dest *d)
{
	char a[INET6_ADDRSTRLEN];

	json_obj(w);
	json_kstr(w, "address", lvs_addr_str(d->conf.af, &d->conf.addr, a, sizeof(a)));
	json_ku64(w, "port", d->conf.port);
	json_kstr(w, "forward", fwd_name(d->conf.conn_flags));
	json_ki64(w, "weight", d->conf.weight);
	json_ki64(w, "active_conns", d->active);
	json_ki64(w, "inactive_conns", d->inactive);
	json_ki64(w, "persistent_conns", d->persistent);
	json_kbool(w, "in_table", d->in_table);
	json_kstr(w, "state", dest_state(d));
	json_key(w, "check");
	if (d->fact) {
		json_obj(w);
		json_kstr(w, "message", d->fact->msg);
		json_key(w, "latency_ms");
		if (d->fact->latency_ms >= 0)
			json_i64(w, d->fact->latency_ms);
		else
			json_null(w);
		json_key(w, "age_ms");
		if (d->fact->age_ms >= 0)
			json_i64(w, d->fact->age_ms);
		else
			json_null(w);
		json_end(w);
	} else {
		json_null(w);
	}
	json_counters(w, &d->st);
	json_end(w);
}

static void json_service(struct json_w *w, const struct snap_svc *s)
{
	char a[INET6_ADDRSTRLEN], l[80];

	json_obj(w);
	json_kstr(w, "name", svc_label(&s->conf, l, sizeof(l)));
	json_kstr(w, "protocol", proto_name(&s->conf));
	json_kstr(w, "family", s->conf.af == AF_INET6 ? "inet6" : "inet");
	if (s->conf.fwmark) {
		json_ku64(w, "fwmark", s->conf.fwmark);
	} else {
		json_kstr(w, "address", lvs_addr_str(s->conf.af, &s->conf.addr, a, sizeof(a)));
		json_ku64(w, "port", s->conf.port);
	}
	json_kstr(w, "scheduler", s->conf.sched_name);
	json_kbool(w, "persistent", !!(s->conf.flags & LVS_SVC_F_PERSISTENT));
	if (s->conf.flags & LVS_SVC_F_PERSISTENT)
		json_ku64(w, "timeout", s->conf.timeout);
	json_counters(w, &s->st);
	json_key(w, "real_servers");
	json_arr(w);
	for (size_t i = 0; i < s->nd; i++)
		json_dest(w, &s->d[i]);
	json_end(w);
	json_end(w);
}

static int is_number(const char *s)
{
	if (!*s)
		return 0;
	if (*s == '0' && s[1])
		return 0;    /* "0x10" or "007" stay text */
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* the key of a text view's line: letters, digits and '_' (blanks become
 * '_'); 0 if the line has none */
static int text_key(char *k)
{
	if (!*k)
		return 0;
	for (; *k; k++) {
		if (*k == ' ')
			*k = '_';
		else if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
			   *k == '_' || *k == '-' || *k == '.'))
			return 0;
	}
	return 1;
}

/* a text view of "key value" / "key: value" lines as one JSON object;
 * decimal values become numbers; an indented "  NAME COUNT ..." line (a
 * table row) gives NAME: COUNT; null when the view does not exist */
static void json_text_view(struct json_w *w, struct lvs_host *h, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	char *save = NULL;

	if (lvs_host_render_text(h, name, &sb) < 0 || !sb.buf) {
		json_null(w);
		goto out;
	}
	json_obj(w);
	for (char *line = strtok_r(sb.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sep, *val;

		if (*line == ' ' || *line == '\t') {
			line += strspn(line, " \t");
			sep = line + strcspn(line, " \t");
			if (!*sep)
				continue;
			val = sep + strspn(sep, " \t");
			val[strcspn(val, " \t")] = 0;
			*sep = 0;
			if (!is_number(val) || !text_key(line))
				continue;
		} else {
			if (!(sep = strstr(line, ": ")))
				sep = strchr(line, ' ');
			if (!sep || sep == line)
				continue;
			val = sep + (*sep == ':' ? 2 : 1);
			*sep = 0;
			if (!text_key(line))
				continue;
		}
		json_key(w, line);
		if (is_number(val))
			json_u64(w, strtoull(val, NULL, 10));
		else
			json_str(w, val);
	}
	json_end(w);
out:
	sb_free(&sb);
}

static int view_json(void *arg, struct strbuf *out)
{
	struct lvs_host *h = arg;
	struct snap sn;
	struct json_w w;
	int ret = snap_take(h, &sn);

	if (ret < 0)
		goto out;
	json_init(&w, out);
	json_obj(&w);
	json_key(&w, "daemon");
	json_text_view(&w, h, "status");
	json_key(&w, "services");
	json_arr(&w);
	for (size_t i = 0; i < sn.ns; i++)
		json_service(&w, &sn.s[i]);
	json_end(&w);
	json_key(&w, "totals");
	json_obj(&w);
	json_counters(&w, &sn.total);
	json_end(&w);
	json_key(&w, "datapath");
	json_text_view(&w, h, "datapath");
	json_key(&w, "sync");
	json_text_view(&w, h, "sync");
	json_end(&w);
	sb_puts(out, "\n");
	ret = json_done(&w);
out:
	snap_free(&sn);
	return ret;
}

/* ---- HTML */

static const char page_head[] =
	"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
	"<meta http-equiv=\"refresh\" content=\"5\">\n<title>lvsd status</title>\n<style>\n"
	"body{font-family:sans-serif;font-size:13px;margin:8px;background:#fafafa}\n"
	"h1{font-size:18px;margin:4px 0}\n"
	"table{border-collapse:collapse;margin:6px 0 14px 0;width:100%}\n"
	"th,td{border:1px solid #999;padding:2px 6px;text-align:right;white-space:nowrap}\n"
	"th{background:#20407a;color:#fff}\n"
	"td.l,th.l{text-align:left}\n"
	"tr.svc td{background:#c8d4ea;font-weight:bold}\n"
	"tr.total td{background:#e4e4e4}\n"
	"tr.state-up td{background:#c0f0c0}\n"
	"tr.state-down td{background:#ff9c9c}\n"
	"tr.state-maint td{background:#b8b8ff}\n"
	"tr.state-drain td{background:#ffd890}\n"
	"tr.state-nocheck td{background:#ececec}\n"
	"td.state{text-align:center;font-weight:bold}\n"
	"td.msg{text-align:left;max-width:28em;overflow:hidden;text-overflow:ellipsis}\n"
	".info{color:#333}\n"
	"</style></head><body>\n";

static const char table_head[] =
	"<tr><th class=\"l\">Real server</th><th>Forward</th><th>Weight</th><th>State</th>"
	"<th>ActiveConn</th><th>InActConn</th><th>Conns</th><th>InPkts</th><th>OutPkts</th>"
	"<th>InBytes</th><th>OutBytes</th><th>CPS</th><th>InPPS</th><th>OutPPS</th><th>InBPS</th>"
	"<th>OutBPS</th><th class=\"l\">Last check</th><th>Latency</th></tr>\n";

static void html_counters(struct strbuf *out, const struct lvs_stats_view *v)
{
	uint64_t n[10];

	counter_values(v, n);
	for (int i = 0; i < 10; i++)
		sb_printf(out, "<td>%llu</td>", (unsigned long long)n[i]);
}

/* the CSS class of a state: its lower-case letters ("no check" -> nocheck) */
static void state_class(const char *state, char *buf, size_t len)
{
	size_t n = 0;

	for (; *state && n + 1 < len; state++)
		if ((*state >= 'a' && *state <= 'z') || (*state >= 'A' && *state <= 'Z'))
			buf[n++] = (char)(*state | 0x20);
	buf[n] = 0;
}

static void html_dest(struct strbuf *out, const struct snap_dest *d)
{
	char l[80], cls[16];
	const char *state = dest_state(d);

	state_class(state, cls, sizeof(cls));
	sb_printf(out, "<tr class=\"rs state-%s\" data-rs=\"", cls);
	html_escape(out, dest_label(&d->conf, l, sizeof(l)));
	sb_puts(out, "\"><td class=\"l\">");
	html_escape(out, l);
	sb_printf(out, "</td><td>%s</td><td>%d</td><td class=\"state\">", fwd_name(d->conf.conn_flags), d->conf.weight);
	html_escape(out, state);
	if (!d->in_table)
		sb_puts(out, " (removed)");
	sb_printf(out, "</td><td>%d</td><td>%d</td>", d->active, d->inactive);
	html_counters(out, &d->st);
	sb_puts(out, "<td class=\"msg\">");
	if (d->fact) {
		html_escape(out, d->fact->msg);
		if (d->fact->age_ms >= 0)
			sb_printf(out, " (%.1fs ago)", (double)d->fact->age_ms / 1000.0);
	}
	sb_puts(out, "</td><td>");
	if (d->fact && d->fact->latency_ms >= 0)
		sb_printf(out, "%lld ms", (long long)d->fact->latency_ms);
	sb_puts(out, "</td></tr>\n");
}

static void html_service(struct strbuf *out, const struct snap_svc *s)
{
	char l[80];
	unsigned up = 0;

	for (size_t i = 0; i < s->nd; i++)
		up += !strcmp(dest_state(&s->d[i]), "UP") || !strcmp(dest_state(&s->d[i]), "no check");
	sb_printf(out, "<table class=\"service\">\n%s<tr class=\"svc\"><td class=\"l\">%s ", table_head,
		  proto_name(&s->conf));
	html_escape(out, svc_label(&s->conf, l, sizeof(l)));
	sb_puts(out, "</td><td>");
	html_escape(out, s->conf.sched_name);
	sb_printf(out, "</td><td></td><td>%u/%zu up</td><td></td><td></td>", up, s->nd);
	html_counters(out, &s->st);
	sb_puts(out, "<td class=\"l\">");
	if (s->conf.flags & LVS_SVC_F_PERSISTENT)
		sb_printf(out, "persistent %u s", s->conf.timeout);
	sb_puts(out, "</td><td></td></tr>\n");
	for (size_t i = 0; i < s->nd; i++)
		html_dest(out, &s->d[i]);
	sb_puts(out, "</table>\n");
}

/* the first line of a text view ("backend: afpacket ..."), escaped */
static void html_view_line(struct strbuf *out, struct lvs_host *h, const char *view, const char *key)
{
	struct strbuf sb = STRBUF_INIT;
	size_t klen = strlen(key);

	if (lvs_host_render_text(h, view, &sb) >= 0 && sb.buf) {
		for (char *line = sb.buf; line && *line;) {
			char *nl = strchr(line, '\n');

			if (nl)
				*nl = 0;
			if (!strncmp(line, key, klen)) {
				sb_puts(out, "<span class=\"info\">");
				html_escape(out, line);
				sb_puts(out, "</span><br>\n");
				break;
			}
			line = nl ? nl + 1 : NULL;
		}
	}
	sb_free(&sb);
}

static int view_html(void *arg, struct strbuf *out)
{
	struct lvs_host *h = arg;
	struct snap sn;
	int ret = snap_take(h, &sn);

	if (ret < 0)
		goto out;
	sb_puts(out, page_head);
	sb_puts(out, "<h1>lvsd status</h1>\n");
	html_view_line(out, h, "status", "lvsd ");
	html_view_line(out, h, "status", "uptime:");
	html_view_line(out, h, "datapath", "backend:");
	html_view_line(out, h, "sync", "master ");
	html_view_line(out, h, "sync", "backup ");
	sb_printf(out, "<p>virtual services: %zu</p>\n", sn.ns);
	for (size_t i = 0; i < sn.ns; i++)
		html_service(out, &sn.s[i]);
	sb_printf(out, "<table class=\"totals\">\n<tr><th class=\"l\">Totals</th><th>Conns</th><th>InPkts</th>"
		  "<th>OutPkts</th><th>InBytes</th><th>OutBytes</th><th>CPS</th><th>InPPS</th><th>OutPPS</th>"
		  "<th>InBPS</th><th>OutBPS</th></tr>\n<tr class=\"total\"><td class=\"l\">all services</td>");
	html_counters(out, &sn.total);
	sb_puts(out, "</tr>\n</table>\n</body></html>\n");
	ret = out->oom ? -ENOMEM : 0;
out:
	snap_free(&sn);
	return ret;
}

int http_status_views(struct lvs_host *h)
{
	int ret;

	if ((ret = lvs_host_register_text(h, "status.json", view_json, h)) < 0 ||
	    (ret = lvs_host_register_text(h, "status.html", view_html, h)) < 0)
		return ret;
	return 0;
}
