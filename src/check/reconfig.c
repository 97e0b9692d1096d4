/* reconfig.c - configuration swaps: build the probe set of a new
 * configuration, reusing the running probes whose check did not change
 * (they keep their state and any run in flight: no flap on reload), swap
 * it in and make the table follow; read the file again on reload and on
 * autoreload.  A probe is keyed by everything that defines its check, so
 * a (server, check) pair that several services share is probed once.  A
 * new probe starts in its real server's start state (cfg_real.start_up:
 * ldirectord down until the first success unless initialstate=up,
 * keepalived up unless alpha); first runs are spread over SPREAD_MAX_MS. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <arpa/inet.h>
#include <sys/stat.h>

#include "check-int.h"
#include "config/apply.h"
#include "lib/inet.h"
#include "lib/grow.h"

#define SPREAD_MAX_MS 1000     /* first probes are spread over at most this */
#define POLL_FILES_MS 1000     /* the config file and maintenance directory */

/* ---------------------------------------------------------------- a probe */

void chk_probe_free(struct chk_engine *e, struct chk_probe *p)
{
	if (!p)
		return;
	chk_probe_abort(e, p);
	cfg_check_free(&p->k);
	free(p->key);
	free(p->label);
	free(p->command);
	free(p->subs);
	free(p);
}

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

static char *probe_command(const struct cfg *c, const struct cfg_service *cs, const struct cfg_real *r,
			   const struct cfg_check *k)
{
	struct strbuf sb = STRBUF_INIT;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	sb_puts(&sb, k->command);
	if (c->format == CFG_FMT_LDIRECTORD) {
		/* ldirectord's arguments: VIP|mark VPORT RIP RPORT */
		if (cs->s.fwmark)
			sb_printf(&sb, " %u 0", cs->s.fwmark);
		else
			sb_printf(&sb, " %s %u", inet_ntop(cs->s.af, &cs->s.addr, a, sizeof(a)), cs->s.port);
		sb_printf(&sb, " %s %u", inet_ntop(r->d.af, &r->d.addr, b, sizeof(b)), r->d.port);
	}
	return sb_detach(&sb);
}

/* everything that makes two checks the same probe */
static char *probe_key(const struct cfg_check *k, const char *command)
{
	struct strbuf sb = STRBUF_INIT;
	char a[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN];

	inet_ntop(k->af, &k->addr, a, sizeof(a));
	if (k->has_src)
		inet_ntop(k->af, &k->src, s, sizeof(s));
	else
		strcpy(s, "-");
	sb_printf(&sb, "%d|%s|%u|%s|%u|%u|%u|%u|%u|%d|%d|%s|%s|%s|%d|%s|", k->kind, a, k->port, s,
		  k->interval_ms, k->retry_delay_ms, k->timeout_ms, k->fall, k->rise, k->https, k->head,
		  k->path ? k->path : "", k->host ? k->host : "", k->receive ? k->receive : "",
		  k->receive_no_match, k->digest);
	for (int i = 0; i < k->nstatus; i++)
		sb_printf(&sb, "%u-%u,", k->status_lo[i], k->status_hi[i]);
	sb_puts(&sb, "|");
	for (size_t i = 0; i < k->payload_len; i++)
		sb_printf(&sb, "%02x", k->payload[i]);
	sb_printf(&sb, "|%s|%s", command ? command : "", k->service ? k->service : "");
	return sb_detach(&sb);
}

static char *probe_label(const struct cfg_check *k, const char *command)
{
	struct strbuf sb = STRBUF_INIT;
	char hp[64];
	static const char *const names[] = { "off", "on", "tcp", "udp", "ping", "http", "exec", "dialog", "dns" };

	cfg_hostport_str(k->af, &k->addr, k->port, hp, sizeof(hp));
	if (k->kind == CFG_CHK_HTTP)
		sb_printf(&sb, "%s %s%s", k->https ? "https" : "http", hp, k->path);
	else if (k->kind == CFG_CHK_PING)
		sb_printf(&sb, "ping %s", inet_ntop(k->af, &k->addr, hp, sizeof(hp)));
	else if (k->kind == CFG_CHK_EXTERNAL)
		sb_printf(&sb, "exec '%.60s'", command);
	else if (k->kind == CFG_CHK_DIALOG)
		sb_printf(&sb, "%s %s", k->service, hp);
	else
		sb_printf(&sb, "%s %s", names[k->kind], hp);
	return sb_detach(&sb);
}

/* a fresh probe of check k; key and command pass to it on success */
static struct chk_probe *probe_new(const struct cfg_check *k, char *key, uint64_t key_hash, char *command,
				   int start_up, uint64_t now)
{
	struct chk_probe *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	if (cfg_check_copy(&p->k, k))
		goto fail_copy;
	p->label = probe_label(&p->k, command);
	if (!p->label)
		goto fail_label;
	p->key = key;
	p->key_hash = key_hash;
	p->command = command;
	p->fd = -1;
	p->keep = 2;
	p->h.up = start_up ? 1 : 0;
	p->last_change_ms = now;
	snprintf(p->last_msg, sizeof(p->last_msg), "not checked yet");
	return p;

fail_label:
	cfg_check_free(&p->k);
fail_copy:
	free(p);
	return NULL;
}

/* ---------------------------------------------------------------- a probe set */

struct build {
	struct chk_probe **probes;
	size_t n, cap;
	struct chk_svc_rt *rt;
};

static struct chk_probe *find_probe(struct chk_probe **v, size_t n, const char *key, uint64_t h)
{
	for (size_t i = 0; i < n; i++)
		if (v[i]->key_hash == h && !strcmp(v[i]->key, key))
			return v[i];
	return NULL;
}

static int add_sub(struct chk_probe *p, size_t si, size_t ri)
{
	struct chk_sub *n = realloc(p->subs, (p->nsubs + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	p->subs = n;
	p->subs[p->nsubs].svc = (uint32_t)si;
	p->subs[p->nsubs].real = (uint32_t)ri;
	p->nsubs++;
	return 0;
}

/* room for one more probe in b */
static int build_reserve(struct build *b)
{
	return lvs_grow(&b->probes, &b->cap, b->n, sizeof(*b->probes), 64);
}

void chk_rt_free(struct chk_svc_rt *rt, const struct cfg *c)
{
	if (!rt)
		return;
	for (size_t i = 0; c && i < c->nsvcs; i++) {
		for (size_t j = 0; rt[i].rp && j < c->svcs[i].nreals; j++)
			free(rt[i].rp[j]);
		free(rt[i].rp);
		free(rt[i].real_up);
		free(rt[i].maint);
	}
	free(rt);
}

/* the probe for check k of real r in b: one already there, a running one
 * with the same key (keep = 1), or a fresh one (keep = 2) */
static int probe_for(struct chk_engine *e, struct build *b, const struct cfg *c, const struct cfg_service *cs,
		     const struct cfg_real *r, const struct cfg_check *k, uint64_t now, struct chk_probe **out)
{
	char *cmd = NULL, *key = NULL;
	struct chk_probe *p;
	uint64_t h;
	int ret = -ENOMEM;

	if (k->kind == CFG_CHK_EXTERNAL && !(cmd = probe_command(c, cs, r, k)))
		goto out;
	key = probe_key(k, cmd);
	if (!key)
		goto out;
	h = fnv(key);
	p = find_probe(b->probes, b->n, key, h);
	if (!p) {
		if (build_reserve(b))
			goto out;
		p = find_probe(e->probes, e->nprobes, key, h);
		if (p) {
			p->keep = 1;
		} else {
			p = probe_new(k, key, h, cmd, r->start_up, now);
			if (!p)
				goto out;
			key = cmd = NULL;
		}
		b->probes[b->n++] = p;
	}
	*out = p;
	ret = 0;
out:
	free(key);
	free(cmd);
	return ret;
}

/* the state of real ri of service si: a real server that stays across a
 * reload keeps its state (no notify, no second "entering maintenance"); a
 * new one starts where its checks do */
static void real_state(const struct chk_engine *e, int old, const struct cfg_real *r, struct chk_svc_rt *rt,
		       size_t ri)
{
	rt->real_up[ri] = (uint8_t)(r->start_up ? 1 : 0);
	for (size_t oi = 0; old >= 0 && oi < e->cfg->svcs[old].nreals; oi++) {
		const struct cfg_real *o = &e->cfg->svcs[old].reals[oi];

		if (o->d.af == r->d.af && o->d.port == r->d.port && lvs_addr_equal(r->d.af, &o->d.addr, &r->d.addr)) {
			rt->real_up[ri] = e->rt[old].real_up[oi];
			rt->maint[ri] = e->rt[old].maint[oi];
		}
	}
}

static void build_abort(struct chk_engine *e, const struct cfg *c, struct build *b)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->probes[i]->keep == 2)
			chk_probe_free(e, b->probes[i]);
	free(b->probes);
	chk_rt_free(b->rt, c);
	memset(b, 0, sizeof(*b));
}

/* Build the probe set for c; the running probes' subscriptions are
 * replaced by those of c.  -ENOMEM leaves b empty. */
static int build_probes(struct chk_engine *e, const struct cfg *c, struct build *b, uint64_t now)
{
	memset(b, 0, sizeof(*b));
	b->rt = calloc(c->nsvcs + 1, sizeof(*b->rt));
	if (!b->rt)
		return -ENOMEM;
	for (size_t i = 0; i < e->nprobes; i++) {
		e->probes[i]->keep = 0;
		free(e->probes[i]->subs);
		e->probes[i]->subs = NULL;
		e->probes[i]->nsubs = 0;
	}
	for (size_t si = 0; si < c->nsvcs; si++) {
		const struct cfg_service *cs = &c->svcs[si];
		struct chk_svc_rt *rt = &b->rt[si];
		int old = cfg_find_service(e->cfg, &cs->s);

		rt->sorry_on = old >= 0 ? e->rt[old].sorry_on : -1;
		rt->rp = calloc(cs->nreals + 1, sizeof(*rt->rp));
		rt->real_up = calloc(cs->nreals + 1, 1);
		rt->maint = calloc(cs->nreals + 1, 1);
		if (!rt->rp || !rt->real_up || !rt->maint)
			goto fail;
		for (size_t ri = 0; ri < cs->nreals; ri++) {
			const struct cfg_real *r = &cs->reals[ri];

			real_state(e, old, r, rt, ri);
			rt->rp[ri] = calloc(r->nchecks + 1, sizeof(struct chk_probe *));
			if (!rt->rp[ri])
				goto fail;
			for (size_t ki = 0; ki < r->nchecks; ki++) {
				const struct cfg_check *k = &r->checks[ki];
				struct chk_probe *p;

				if (k->kind == CFG_CHK_ON || k->kind == CFG_CHK_OFF)
					continue;
				if (probe_for(e, b, c, cs, r, k, now, &p) || add_sub(p, si, ri))
					goto fail;
				rt->rp[ri][ki] = p;
			}
		}
	}
	return 0;
fail:
	build_abort(e, c, b);
	return -ENOMEM;
}

/* new probes start spread over the first second (or interval) */
static void spread_new(struct build *b, uint64_t now)
{
	size_t nnew = 0, inew = 0;

	for (size_t i = 0; i < b->n; i++)
		nnew += b->probes[i]->keep == 2;
	for (size_t i = 0; i < b->n; i++) {
		struct chk_probe *p = b->probes[i];
		uint64_t span = p->k.interval_ms < SPREAD_MAX_MS ? p->k.interval_ms : SPREAD_MAX_MS;

		if (p->keep != 2)
			continue;
		p->wake_ms = now + (nnew ? span * inew / nnew : 0);
		inew++;
	}
}

/* out of memory building c's probe set: give the running probes back the
 * subscriptions build_probes took from them */
static void restore_subs(struct chk_engine *e, uint64_t now)
{
	struct chk_svc_rt *old_rt;
	struct build ob;

	if (!e->cfg || build_probes(e, e->cfg, &ob, now))
		return;
	free(ob.probes);
	pthread_mutex_lock(&e->m);
	old_rt = e->rt;
	e->rt = ob.rt;
	pthread_mutex_unlock(&e->m);
	chk_rt_free(old_rt, e->cfg);
}

/* make (c, rt, probes, heap, dirty) the engine's running set, under e->m */
static void install(struct chk_engine *e, struct cfg *c, struct chk_svc_rt *rt, struct chk_probe **probes,
		    size_t n, struct chk_probe **heap, uint8_t *dirty)
{
	pthread_mutex_lock(&e->m);
	e->cfg = c;
	e->rt = rt;
	e->probes = probes;
	e->nprobes = n;
	e->heap = heap;
	e->dirty = dirty;
	chk_heap_build(e);
	e->st.nprobes = (uint32_t)n;
	e->st.nup = 0;
	for (size_t i = 0; i < n; i++)
		e->st.nup += probes[i]->h.up;
	pthread_mutex_unlock(&e->m);
}

int chk_apply_config(struct chk_engine *e, struct cfg *c, struct strbuf *err)
{
	struct build b;
	uint64_t now = lvs_now_ms();
	struct cfg *old = e->cfg;
	struct chk_svc_rt *old_rt = e->rt;
	struct chk_probe **old_probes = e->probes, **heap = NULL, **old_heap = e->heap;
	size_t old_n = e->nprobes;
	uint8_t *dirty = NULL, *old_dirty = e->dirty;
	int ret;

	if (build_probes(e, c, &b, now))
		goto fail_build;
	heap = calloc(b.n + 1, sizeof(*heap));
	dirty = calloc(c->nsvcs + 1, 1);
	ret = -ENOMEM;
	if (!heap || !dirty) {
		if (err)
			sb_printf(err, "out of memory applying %s", c->path);
		goto fail;
	}
	spread_new(&b, now);

	install(e, c, b.rt, b.probes, b.n, heap, dirty);

	chk_open_logfile(e);
	chk_poll_maintenance(e);  /* before the first sync: such a server never shows up */
	ret = chk_sync_all(e, old, err);
	if (ret) {
		/* the table was rolled back: so is the engine (no probe of c has run) */
		install(e, old, old_rt, old_probes, old_n, old_heap, old_dirty);
		chk_open_logfile(e);
		chk_log(e, LOG_ERR, "%s could not be applied; keeping the running configuration", c->path);
		goto fail;
	}
	chk_log(e, LOG_NOTICE, "configuration %s active: %zu virtual services, %zu checks", c->path, c->nsvcs, b.n);

	for (size_t i = 0; i < old_n; i++)
		if (!old_probes[i]->keep)
			chk_probe_free(e, old_probes[i]);
	free(old_probes);
	free(old_heap);
	free(old_dirty);
	chk_rt_free(old_rt, old);
	cfg_free(old);
	return 0;

fail:
	free(heap);
	free(dirty);
	build_abort(e, c, &b);
	goto restore;
fail_build:
	chk_log(e, LOG_ERR, "out of memory applying %s; keeping the running configuration", c->path);
	if (err)
		sb_printf(err, "out of memory applying %s", c->path);
	ret = -ENOMEM;
restore:
	restore_subs(e, now);
	cfg_free(c);
	return ret;
}

/* ---------------------------------------------------------------- the file */

void chk_stat_file(const char *path, struct timespec *mt, off_t *size)
{
	struct stat st;

	if (!strncmp(path, "ldirectord:", 11) || !strncmp(path, "keepalived:", 11))
		path += 11;
	memset(mt, 0, sizeof(*mt));
	*size = -1;
	if (stat(path, &st) == 0) {
		*mt = st.st_mtim;
		*size = st.st_size;
	}
}

/* a reload that would delete running services while an include matched
 * no file is refused: the file may be missing only for a moment, and
 * its absence is never a reason to take services down.  0 or -EINVAL */
static int check_missing_includes(struct chk_engine *e, const struct cfg *c, struct strbuf *eb)
{
	size_t dropped = 0;
	int line, local;
	const char *file;

	if (!cfg_missing_includes(c, &line))
		return 0;
	pthread_mutex_lock(&e->m);
	for (size_t i = 0; e->cfg && i < e->cfg->nsvcs; i++)
		dropped += cfg_find_service(c, &e->cfg->svcs[i].s) < 0;
	pthread_mutex_unlock(&e->m);
	if (!dropped)
		return 0;
	file = cfg_where(c, line, &local);
	sb_printf(eb, "%s:%d: an include matched no file and %zu running virtual service(s) are not in the "
		  "new configuration: not removing them", file, local, dropped);
	return -EINVAL;
}

/* parse the file and check it against a scratch table (config/apply.h);
 * its warnings are logged, errors are logged and put in err (every
 * failure the check finds, one per line).  0 or -EINVAL */
static int load_file(struct chk_engine *e, struct cfg **out, struct strbuf *err)
{
	struct strbuf eb = STRBUF_INIT, wb = STRBUF_INIT;
	int ret = cfg_parse_file(e->path, CFG_FMT_AUTO, out, &eb, &wb);
	const char *msg;

	if (!ret && ((ret = cfg_validate(*out, &eb)) || (ret = check_missing_includes(e, *out, &eb)))) {
		cfg_free(*out);
		*out = NULL;
	}
	while (eb.len && eb.buf[eb.len - 1] == '\n')
		eb.buf[--eb.len] = 0;
	msg = eb.buf ? eb.buf : "parse error";
	if (wb.buf) {
		char *save = NULL;

		for (char *l = strtok_r(wb.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			chk_log(e, LOG_WARNING, "%s", l);
	}
	if (ret) {
		if (err)
			sb_puts(err, msg);
		chk_log(e, LOG_ERR, "%s; keeping the running configuration", msg);
		ret = -EINVAL;
	}
	sb_free(&eb);
	sb_free(&wb);
	return ret;
}

/* count a reload and read the file; 0 or -EINVAL */
static int reload_file(struct chk_engine *e, struct cfg **out, struct strbuf *err)
{
	int ret;

	pthread_mutex_lock(&e->m);
	e->st.reloads++;
	pthread_mutex_unlock(&e->m);
	ret = load_file(e, out, err);
	if (ret) {
		pthread_mutex_lock(&e->m);
		e->st.reload_errors++;
		pthread_mutex_unlock(&e->m);
	}
	return ret;
}

/* the file's mtime and size are remembered, under e->m; 1 when they
 * differ from those remembered before */
static int note_file(struct chk_engine *e)
{
	struct timespec mt;
	off_t size;
	int changed;

	chk_stat_file(e->path, &mt, &size);
	pthread_mutex_lock(&e->m);
	changed = mt.tv_sec != e->mtime.tv_sec || mt.tv_nsec != e->mtime.tv_nsec || size != e->msize;
	e->mtime = mt;
	e->msize = size;
	pthread_mutex_unlock(&e->m);
	return changed;
}

void chk_poll_files(struct chk_engine *e, uint64_t now)
{
	struct cfg *c = NULL;

	if (now < e->next_poll_ms)
		return;
	e->next_poll_ms = now + POLL_FILES_MS;
	chk_poll_maintenance(e);
	if (!e->path || !e->cfg || !e->cfg->autoreload || !note_file(e))
		return;
	chk_log(e, LOG_NOTICE, "%s changed on disk: reloading", e->path);
	if (reload_file(e, &c, NULL) == 0 && chk_apply_config(e, c, NULL)) {
		pthread_mutex_lock(&e->m);
		e->st.reload_errors++;
		pthread_mutex_unlock(&e->m);
	}
}

int chk_engine_reload(struct chk_engine *e, struct strbuf *err)
{
	struct cfg *c = NULL;
	int ret;

	if (!e->path) {
		if (err)
			sb_puts(err, "no configuration file (lvsd -c FILE)");
		return -ENOENT;
	}
	note_file(e);   /* so that autoreload does not load it again */
	ret = reload_file(e, &c, err);
	if (ret)
		return ret;
	return chk_engine_set_config(e, c, err);
}
