/* apply.c - wanted state -> minimal table changes (see apply.h).
 *
 * A reload is all or nothing, in two steps:
 *  1. cfg_validate() tries the whole new configuration on a scratch table
 *     (every service, every real and sorry server, up or not): what the
 *     table would refuse is found, and reported line by line, before the
 *     live table is touched.  This is where configuration mistakes end.
 *  2. The live table is then changed under one lock hold with an undo log
 *     (struct cfg_txn): every add and edit records its inverse, and every
 *     deletion waits for the commit (deleting an existing entry cannot
 *     fail, while a deleted dest re-added goes to the head of its list
 *     and would change the order).  What can still fail here (no memory,
 *     an address the host refuses) is undone in reverse order, which
 *     leaves `ipvsadm -S -n` as it was.
 * A scratch table alone would not do (it cannot know the host's
 * addresses), nor an undo log alone (it could not say everything that is
 * wrong with a file, only the first failure of the servers that are up).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "apply.h"
#include "lib/grow.h"

static void logf_(cfg_log_fn log, void *arg, int prio, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void logf_(cfg_log_fn log, void *arg, int prio, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log(arg, prio, msg);
}

int cfg_find_service(const struct cfg *c, const struct lvs_service_conf *key)
{
	for (size_t i = 0; c && i < c->nsvcs; i++)
		if (cfg_svc_key_equal(&c->svcs[i].s, key))
			return (int)i;
	return -1;
}

static int svc_differs(const struct lvs_service *svc, const struct lvs_service_conf *c)
{
	if (strncmp(svc->sched_name, c->sched_name, LVS_SCHEDNAME_MAXLEN))
		return 1;
	if ((svc->flags & LVS_SVC_F_USER_MASK) != (c->flags & LVS_SVC_F_USER_MASK))
		return 1;
	if (c->flags & LVS_SVC_F_PERSISTENT)
		return svc->timeout != c->timeout || svc->netmask != c->netmask;
	return 0;
}

/* against the configured weight, not the effective one: a server the
 * operator drained (weight 0) is not "changed" back by a reload or a
 * check; the table keeps its admin state whatever weight it is given */
static int dest_differs(const struct lvs_dest *d, const struct lvs_dest_conf *c)
{
	return d->conf_weight != c->weight || (d->conn_flags & LVS_CONN_F_FWD_MASK) != (c->conn_flags & LVS_CONN_F_FWD_MASK) ||
	       d->u_threshold != c->u_threshold || d->l_threshold != c->l_threshold;
}

struct want {
	struct lvs_dest_conf d;
	int is_sorry;
};

/* ---------------------------------------------------------------- the undo log */

enum txn_kind {
	TXN_ADDED_SVC,      /* undo: delete it */
	TXN_EDITED_SVC,     /* undo: edit back to s */
	TXN_ADDED_DEST,     /* undo: delete d */
	TXN_EDITED_DEST,    /* undo: edit d back */
	TXN_DEL_DEST,       /* at commit: delete d */
	TXN_DEL_SVC,        /* at commit: delete s */
};

struct txn_op {
	enum txn_kind kind;
	struct lvs_service_conf s;
	struct lvs_dest_conf d;
	char name[80];
};

struct cfg_txn {
	const struct cfg *c;
	struct txn_op *ops;
	size_t n, cap;
	int failed;
	struct strbuf err;
};

struct cfg_txn *cfg_txn_new(const struct cfg *c)
{
	struct cfg_txn *x = calloc(1, sizeof(*x));

	if (x)
		x->c = c;
	return x;
}

/* a failure: "file:line: message" for the reload's answer */
static void txn_fail(struct cfg_txn *x, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void txn_fail(struct cfg_txn *x, int line, const char *fmt, ...)
{
	va_list ap;
	int local = line;
	const char *file = x->c ? cfg_where(x->c, line, &local) : "config";

	x->failed++;
	sb_printf(&x->err, "%s:%d: ", file, local);
	va_start(ap, fmt);
	sb_vprintf(&x->err, fmt, ap);
	va_end(ap);
	sb_puts(&x->err, "\n");
}

/* a step of the apply that the table refused: logged as "Cannot <what>"
 * and, inside a transaction, recorded as "file:line: cannot <what>" */
static void step_failed(cfg_log_fn log, void *arg, struct cfg_txn *txn, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void step_failed(cfg_log_fn log, void *arg, struct cfg_txn *txn, int line, const char *fmt, ...)
{
	char what[448];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	logf_(log, arg, LOG_ERR, "Cannot %s", what);
	if (txn)
		txn_fail(txn, line, "cannot %s", what);
}

/* the inverse of a change made (deferred deletions were not made) */
static int txn_undo(struct lvs_table *t, const struct txn_op *o)
{
	if (o->kind == TXN_ADDED_SVC)
		return lvs_del_service(t, &o->s);
	if (o->kind == TXN_EDITED_SVC)
		return lvs_edit_service(t, &o->s);
	if (o->kind == TXN_ADDED_DEST)
		return lvs_del_dest(t, &o->s, &o->d);
	if (o->kind == TXN_EDITED_DEST)
		return lvs_edit_dest(t, &o->s, &o->d);
	return 0;
}

/* record a change just made to t (or a deletion for the commit) */
static void txn_note(struct cfg_txn *x, struct lvs_table *t, enum txn_kind kind, const struct lvs_service_conf *s,
		     const struct lvs_dest_conf *d, const char *name)
{
	struct txn_op op;

	memset(&op, 0, sizeof(op));
	op.kind = kind;
	op.s = *s;
	if (d)
		op.d = *d;
	snprintf(op.name, sizeof(op.name), "%s", name);
	if (lvs_grow(&x->ops, &x->cap, x->n, sizeof(*x->ops), 32) < 0) {
		/* a change the log cannot hold is undone at once */
		txn_undo(t, &op);
		txn_fail(x, 0, "out of memory recording a change of %s", name);
		return;
	}
	x->ops[x->n++] = op;
}

static void svc_conf_of(const struct lvs_service *svc, struct lvs_service_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->af = svc->af;
	c->protocol = svc->protocol;
	c->addr = svc->addr;
	c->port = svc->port;
	c->fwmark = svc->fwmark;
	memcpy(c->sched_name, svc->sched_name, sizeof(c->sched_name));
	c->flags = svc->flags;
	c->timeout = svc->timeout;
	c->netmask = svc->netmask;
	memcpy(c->pe_name, svc->pe_name, sizeof(c->pe_name));
}

static void dest_conf_of(const struct lvs_dest *d, struct lvs_dest_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->af = d->af;
	c->addr = d->addr;
	c->port = d->port;
	c->conn_flags = d->conn_flags & LVS_CONN_F_FWD_MASK;
	c->weight = d->conf_weight;  /* the configured weight: an undo keeps an operator's drain */
	c->u_threshold = d->u_threshold;
	c->l_threshold = d->l_threshold;
	c->tun_type = d->tun_type;
	c->tun_port = d->tun_port;
	c->tun_flags = d->tun_flags;
}

int cfg_txn_end(struct cfg_txn *x, struct lvs_table *t, cfg_log_fn log, void *arg, struct strbuf *err)
{
	int ret = 0;

	if (x->failed) {
		for (size_t i = x->n; i-- > 0;) {
			struct txn_op *o = &x->ops[i];
			int r = txn_undo(t, o);

			if (r)
				logf_(log, arg, LOG_ERR, "Cannot undo a change of %s: %s", o->name, strerror(-r));
		}
		logf_(log, arg, LOG_WARNING, "Rolled back %zu table change(s): the table is as it was", x->n);
		if (err && x->err.buf)
			sb_append(err, x->err.buf, x->err.len);
		ret = -EINVAL;
	} else {
		for (size_t i = 0; i < x->n; i++) {
			struct txn_op *o = &x->ops[i];
			int r = 0;

			if (o->kind == TXN_DEL_DEST)
				r = lvs_del_dest(t, &o->s, &o->d);
			else if (o->kind == TXN_DEL_SVC)
				r = lvs_del_service(t, &o->s);
			if (r)
				logf_(log, arg, LOG_ERR, "Cannot delete from %s: %s", o->name, strerror(-r));
		}
	}
	free(x->ops);
	sb_free(&x->err);
	free(x);
	return ret;
}

static void update_quorum(const struct cfg_service *cs, const uint8_t *real_up, int *sorry_on,
			  cfg_log_fn log, void *arg)
{
	uint64_t live = 0;
	uint32_t q = cs->quorum, h = cs->hysteresis;
	int was = *sorry_on;

	for (size_t i = 0; i < cs->nreals; i++)
		if (real_up[i])
			live += cs->quorum_by_count ? 1 : (uint64_t)cs->reals[i].d.weight;
	if (cs->never_sorry) {
		*sorry_on = 0;
		return;
	}
	if (was == -1)
		*sorry_on = live == 0 || live < q;
	else if (!was && (live == 0 || live + h < q))
		*sorry_on = 1;
	else if (was && live > 0 && live >= (uint64_t)q + h)
		*sorry_on = 0;
	if (was != -1 && was != *sorry_on) {
		if (*sorry_on)
			logf_(log, arg, LOG_WARNING, "Lost quorum for %s: live %llu < quorum %u - hysteresis %u",
			      cs->name, (unsigned long long)live, q, h);
		else
			logf_(log, arg, LOG_NOTICE, "Gained quorum for %s: live %llu >= quorum %u + hysteresis %u",
			      cs->name, (unsigned long long)live, q, h);
	}
}

int cfg_sync_service(struct lvs_table *t, const struct cfg_service *cs, const uint8_t *real_up,
		     int *sorry_on, cfg_log_fn log, void *arg)
{
	return cfg_sync_service_txn(t, cs, real_up, sorry_on, log, arg, NULL);
}

int cfg_sync_service_txn(struct lvs_table *t, const struct cfg_service *cs, const uint8_t *real_up,
			 int *sorry_on, cfg_log_fn log, void *arg, struct cfg_txn *txn)
{
	struct lvs_service *svc = lvs_svc_get(t, &cs->s);
	struct lvs_service_conf was_svc;
	struct lvs_dest_conf was_dest;
	struct want *want;
	size_t nwant = 0;
	int changes = 0, ret;
	char hp[INET6_ADDRSTRLEN + 10];

	if (!svc || svc_differs(svc, &cs->s)) {
		int add = !svc;

		if (!add)
			svc_conf_of(svc, &was_svc);
		ret = add ? lvs_add_service(t, &cs->s) : lvs_edit_service(t, &cs->s);
		if (ret) {
			step_failed(log, arg, txn, cs->line, "%s virtual service %s: %s", add ? "add" : "edit", cs->name,
				    strerror(-ret));
			return ret;
		}
		if (txn)
			txn_note(txn, t, add ? TXN_ADDED_SVC : TXN_EDITED_SVC, add ? &cs->s : &was_svc, NULL,
				 cs->name);
		logf_(log, arg, LOG_NOTICE, "%s virtual service %s (%s)", add ? "Added" : "Updated", cs->name,
		      cs->s.sched_name);
		changes++;
		if (add && !(svc = lvs_svc_get(t, &cs->s)))
			return -ENOENT;
	}

	update_quorum(cs, real_up, sorry_on, log, arg);
	want = calloc(cs->nreals + 1, sizeof(*want));
	if (!want)
		return -ENOMEM;
	for (size_t i = 0; i < cs->nreals; i++) {
		const struct cfg_real *r = &cs->reals[i];

		if (real_up[i] && !*sorry_on) {
			want[nwant++].d = r->d;
		} else if (r->quiesce) {
			want[nwant].d = r->d;
			want[nwant++].d.weight = 0;
		}
	}
	if (cs->has_sorry && *sorry_on == 1) {
		/* the sorry server wins over a real server with the same address */
		size_t j;

		for (j = 0; j < nwant; j++)
			if (want[j].d.port == cs->sorry.port && lvs_addr_equal(cs->s.af, &want[j].d.addr, &cs->sorry.addr))
				break;
		want[j].d = cs->sorry;
		want[j].is_sorry = 1;
		if (j == nwant)
			nwant++;
	}

	/* 1. remove what is not wanted (collected first: deletion edits the list) */
	struct lvs_dest *d;
	struct lvs_dest_conf *gone = calloc((size_t)svc->num_dests + 1, sizeof(*gone));
	size_t ngone = 0;

	if (!gone) {
		free(want);
		return -ENOMEM;
	}
	lvs_list_for_each_entry(d, &svc->destinations, n_list) {
		size_t j;

		for (j = 0; j < nwant; j++)
			if (want[j].d.port == d->port && lvs_addr_equal(d->af, &want[j].d.addr, &d->addr))
				break;
		if (j == nwant && ngone < (size_t)svc->num_dests + 1) {
			gone[ngone].af = d->af;
			gone[ngone].addr = d->addr;
			gone[ngone].port = d->port;
			ngone++;
		}
	}
	for (size_t i = 0; i < ngone; i++) {
		int is_sorry = cs->has_sorry && gone[i].port == cs->sorry.port &&
			       lvs_addr_equal(cs->s.af, &gone[i].addr, &cs->sorry.addr);

		if (txn) {   /* at the commit: see the header */
			txn_note(txn, t, TXN_DEL_DEST, &cs->s, &gone[i], cs->name);
			ret = 0;
		} else {
			ret = lvs_del_dest(t, &cs->s, &gone[i]);
		}
		cfg_hostport_str(gone[i].af, &gone[i].addr, gone[i].port, hp, sizeof(hp));
		if (ret)
			logf_(log, arg, LOG_ERR, "Cannot delete %s server %s from %s: %s",
			      is_sorry ? "fallback" : "real", hp, cs->name, strerror(-ret));
		else {
			logf_(log, arg, LOG_NOTICE, "Deleted %s server %s from %s",
			      is_sorry ? "fallback" : "real", hp, cs->name);
			changes++;
		}
	}
	free(gone);

	/* 2. add or correct what is wanted */
	for (size_t j = 0; j < nwant; j++) {
		const char *what = want[j].is_sorry ? "fallback" : "real";

		d = lvs_dest_lookup(svc, want[j].d.af, &want[j].d.addr, want[j].d.port);
		cfg_hostport_str(want[j].d.af, &want[j].d.addr, want[j].d.port, hp, sizeof(hp));
		if (!d) {
			ret = lvs_add_dest(t, &cs->s, &want[j].d);
			if (ret) {
				step_failed(log, arg, txn, cs->line, "add %s server %s to %s: %s", what, hp, cs->name,
					    strerror(-ret));
				continue;
			}
			if (txn)
				txn_note(txn, t, TXN_ADDED_DEST, &cs->s, &want[j].d, cs->name);
			d = lvs_dest_lookup(svc, want[j].d.af, &want[j].d.addr, want[j].d.port);
			logf_(log, arg, LOG_NOTICE, "Added %s server %s to %s (weight %d%s%s)", what, hp, cs->name,
			      want[j].d.weight, d && d->admin ? ", held by the operator's " : "",
			      d && d->admin ? lvs_admin_name(d->admin) : "");
			changes++;
		} else if (dest_differs(d, &want[j].d)) {
			int was = d->conf_weight;

			dest_conf_of(d, &was_dest);
			ret = lvs_edit_dest(t, &cs->s, &want[j].d);
			if (ret) {
				step_failed(log, arg, txn, cs->line, "edit %s server %s in %s: %s", what, hp, cs->name,
					    strerror(-ret));
				continue;
			}
			if (txn)
				txn_note(txn, t, TXN_EDITED_DEST, &cs->s, &was_dest, cs->name);
			if (want[j].d.weight == 0 && was != 0)
				logf_(log, arg, LOG_NOTICE, "Quiescent %s server %s in %s (weight set to 0)", what, hp,
				      cs->name);
			else if (was == 0 && want[j].d.weight)
				logf_(log, arg, LOG_NOTICE, "Restored %s server %s in %s (weight %d)", what, hp,
				      cs->name, want[j].d.weight);
			else
				logf_(log, arg, LOG_NOTICE, "Updated %s server %s in %s (weight %d)", what, hp,
				      cs->name, want[j].d.weight);
			changes++;
		}
	}
	free(want);
	return changes;
}

int cfg_remove_service(struct lvs_table *t, const struct cfg_service *cs, cfg_log_fn log, void *arg)
{
	return cfg_remove_service_txn(t, cs, log, arg, NULL);
}

int cfg_remove_service_txn(struct lvs_table *t, const struct cfg_service *cs, cfg_log_fn log, void *arg,
			   struct cfg_txn *txn)
{
	int ret = 0;

	if (!lvs_svc_get(t, &cs->s))
		return 0;
	if (txn)   /* at the commit: see the header */
		txn_note(txn, t, TXN_DEL_SVC, &cs->s, NULL, cs->name);
	else
		ret = lvs_del_service(t, &cs->s);
	if (ret)
		logf_(log, arg, LOG_ERR, "Cannot delete virtual service %s: %s", cs->name, strerror(-ret));
	else
		logf_(log, arg, LOG_NOTICE, "Deleted virtual service %s", cs->name);
	return ret ? ret : 1;
}

/* one validation failure: "file:line: what: reason" */
static void invalid(const struct cfg *c, int line, struct strbuf *err, const char *what, const char *why)
{
	int local;
	const char *file = cfg_where(c, line, &local);

	sb_printf(err, "%s:%d: %s: %s\n", file, local, what, why);
}

static void validate_dest(const struct cfg *c, struct lvs_table *t, const struct cfg_service *cs,
			  const struct lvs_dest_conf *d, int line, const char *kind, int *bad, struct strbuf *err)
{
	char hp[INET6_ADDRSTRLEN + 10], what[160];
	int ret = lvs_add_dest(t, &cs->s, d);

	if (!ret || ret == -EEXIST)   /* the same server twice is one */
		return;
	cfg_hostport_str(d->af, &d->addr, d->port, hp, sizeof(hp));
	snprintf(what, sizeof(what), "%s server %s of %s", kind, hp, cs->name);
	invalid(c, line, err, what, ret == -ERANGE ? "weight or thresholds out of range" : strerror(-ret));
	(*bad)++;
}

int cfg_validate(const struct cfg *c, struct strbuf *err)
{
	struct lvs_table *t = lvs_table_new();
	char why[96];
	int bad = 0;

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < c->nsvcs; i++) {
		const struct cfg_service *cs = &c->svcs[i];
		int ret = lvs_add_service(t, &cs->s);

		if (ret == -ENOMEM)
			goto nomem;
		if (ret && ret != -EEXIST) {
			if (ret == -ENOENT)
				snprintf(why, sizeof(why), "unknown scheduler '%.*s'", LVS_SCHEDNAME_MAXLEN,
					 cs->s.sched_name);
			else
				snprintf(why, sizeof(why), "%s", strerror(-ret));
			invalid(c, cs->line, err, cs->name, why);
			bad++;
			continue;   /* its servers cannot be tried without it */
		}
		for (size_t j = 0; j < cs->nreals; j++)
			validate_dest(c, t, cs, &cs->reals[j].d, cs->reals[j].line ? cs->reals[j].line : cs->line,
				      "real", &bad, err);
		if (cs->has_sorry)
			validate_dest(c, t, cs, &cs->sorry, cs->line, "sorry", &bad, err);
	}
	lvs_table_free(t);
	return bad ? -EINVAL : 0;
nomem:
	lvs_table_free(t);
	return -ENOMEM;
}
