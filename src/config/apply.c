/* apply.c - wanted state -> minimal table changes (see apply.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "apply.h"

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

static int dest_differs(const struct lvs_dest *d, const struct lvs_dest_conf *c)
{
	return d->weight != c->weight || (d->conn_flags & LVS_CONN_F_FWD_MASK) != (c->conn_flags & LVS_CONN_F_FWD_MASK) ||
	       d->u_threshold != c->u_threshold || d->l_threshold != c->l_threshold;
}

struct want {
	struct lvs_dest_conf d;
	int is_sorry;
};

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
	struct lvs_service *svc = lvs_svc_get(t, &cs->s);
	struct want *want;
	size_t nwant = 0;
	int changes = 0, ret;
	char hp[INET6_ADDRSTRLEN + 10];

	if (!svc || svc_differs(svc, &cs->s)) {
		int add = !svc;

		ret = add ? lvs_add_service(t, &cs->s) : lvs_edit_service(t, &cs->s);
		if (ret) {
			logf_(log, arg, LOG_ERR, "Cannot %s virtual service %s: %s", add ? "add" : "edit", cs->name,
			      strerror(-ret));
			return ret;
		}
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

		ret = lvs_del_dest(t, &cs->s, &gone[i]);
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
				logf_(log, arg, LOG_ERR, "Cannot add %s server %s to %s: %s", what, hp, cs->name,
				      strerror(-ret));
				continue;
			}
			logf_(log, arg, LOG_NOTICE, "Added %s server %s to %s (weight %d)", what, hp, cs->name,
			      want[j].d.weight);
			changes++;
		} else if (dest_differs(d, &want[j].d)) {
			int was = d->weight;

			ret = lvs_edit_dest(t, &cs->s, &want[j].d);
			if (ret) {
				logf_(log, arg, LOG_ERR, "Cannot edit %s server %s in %s: %s", what, hp, cs->name,
				      strerror(-ret));
				continue;
			}
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
	int ret;

	if (!lvs_svc_get(t, &cs->s))
		return 0;
	ret = lvs_del_service(t, &cs->s);
	if (ret)
		logf_(log, arg, LOG_ERR, "Cannot delete virtual service %s: %s", cs->name, strerror(-ret));
	else
		logf_(log, arg, LOG_NOTICE, "Deleted virtual service %s", cs->name);
	return ret ? ret : 1;
}
