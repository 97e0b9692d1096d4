/* test_config_apply.c - wanted state -> minimal table changes: quiesce vs
 * remove, fallback when all down, keepalived quorum with hysteresis,
 * untouched services see no call; plus the pure check state machine and
 * the MD5 used for keepalived digests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "fixture.h"
#include "config/apply.h"
#include "check/health.h"
#include "check/md5.h"
#include "core/procfs.h"

/* the dest ip:port of the table's service for cs, NULL if either is missing */
static struct lvs_dest *dest(struct lvs_table *t, const struct cfg_service *cs, const char *ip, uint16_t port)
{
	struct lvs_service *s = lvs_svc_get(t, &cs->s);
	union lvs_addr a = ip4(ip);

	return s ? lvs_dest_lookup(s, AF_INET, &a, port) : NULL;
}

static const char ld_cfg[] =
	"virtual=10.0.0.1:80\n"
	"\treal=10.0.1.1:80 masq 3\n"
	"\treal=10.0.1.2:80 masq 1\n"
	"\tfallback=127.0.0.1:8080 masq\n"
	"\tquiescent=yes\n"
	"virtual=10.0.0.1:81\n"
	"\treal=10.0.1.1:81 masq 2\n"
	"\tfallback=127.0.0.1:8081 masq\n";

static void test_ldirectord_states(void **state)
{
	struct lvs_table *t = lvs_table_new();
	struct cfg *c = load_cfg(ld_cfg, CFG_FMT_AUTO);
	uint8_t up[2] = { 0, 0 };
	int sorry = -1, sorry2 = -1;
	const struct cfg_service *s0 = &c->svcs[0], *s1 = &c->svcs[1];

	(void)state;
	/* start: everything down -> reals at weight 0 (quiescent), fallback on */
	assert_true(cfg_sync_service(t, s0, up, &sorry, NULL, NULL) > 0);
	assert_int_equal(sorry, 1);
	assert_int_equal(dest(t, s0, "10.0.1.1", 80)->weight, 0);
	assert_int_equal(dest(t, s0, "127.0.0.1", 8080)->weight, 1);
	/* quiescent=no: a down real is absent */
	cfg_sync_service(t, s1, up, &sorry2, NULL, NULL);
	assert_null(dest(t, s1, "10.0.1.1", 81));
	assert_non_null(dest(t, s1, "127.0.0.1", 8081));
	/* same state again: no change at all */
	assert_int_equal(cfg_sync_service(t, s0, up, &sorry, NULL, NULL), 0);
	/* first real up: restored with its weight, fallback removed */
	up[0] = 1;
	assert_int_equal(cfg_sync_service(t, s0, up, &sorry, NULL, NULL), 2);
	assert_int_equal(sorry, 0);
	assert_int_equal(dest(t, s0, "10.0.1.1", 80)->weight, 3);
	assert_null(dest(t, s0, "127.0.0.1", 8080));
	/* a manual extra destination is purged (the config owns the service) */
	struct lvs_dest_conf extra = dest_conf("10.0.9.9", 80, 1, 0);

	assert_int_equal(lvs_add_dest(t, &s0->s, &extra), 0);
	assert_int_equal(cfg_sync_service(t, s0, up, &sorry, NULL, NULL), 1);
	assert_null(dest(t, s0, "10.0.9.9", 80));
	/* all down again: fallback back */
	up[0] = 0;
	cfg_sync_service(t, s0, up, &sorry, NULL, NULL);
	assert_int_equal(sorry, 1);
	assert_int_equal(dest(t, s0, "10.0.1.1", 80)->weight, 0);
	assert_non_null(dest(t, s0, "127.0.0.1", 8080));
	assert_int_equal(cfg_remove_service(t, s1, NULL, NULL), 1);
	assert_null(lvs_svc_get(t, &s1->s));
	cfg_free(c);
	lvs_table_free(t);
}

static const char ka_cfg[] =
	"virtual_server 10.0.0.1 80 {\n"
	"  lvs_sched wrr\n lvs_method NAT\n protocol TCP\n"
	"  quorum 4\n  hysteresis 1\n"
	"  sorry_server 127.0.0.1 8080\n"
	"  real_server 10.0.1.1 80 { weight 3\n TCP_CHECK { } }\n"
	"  real_server 10.0.1.2 80 { weight 2\n TCP_CHECK { } }\n"
	"}\n";

static void test_quorum_hysteresis(void **state)
{
	struct lvs_table *t = lvs_table_new();
	struct cfg *c = load_cfg(ka_cfg, CFG_FMT_AUTO);
	const struct cfg_service *s = &c->svcs[0];
	uint8_t up[2] = { 1, 1 };
	int sorry = -1;

	(void)state;
	/* 5 >= 4: quorum */
	cfg_sync_service(t, s, up, &sorry, NULL, NULL);
	assert_int_equal(sorry, 0);
	assert_int_equal(dest(t, s, "10.0.1.1", 80)->weight, 3);
	assert_null(dest(t, s, "127.0.0.1", 8080));
	/* 3: not < 4-1, quorum kept (hysteresis) */
	up[1] = 0;
	cfg_sync_service(t, s, up, &sorry, NULL, NULL);
	assert_int_equal(sorry, 0);
	assert_null(dest(t, s, "10.0.1.2", 80));
	/* 2 < 3: lost; the live real is removed too, sorry server in */
	up[0] = 0;
	up[1] = 1;
	cfg_sync_service(t, s, up, &sorry, NULL, NULL);
	assert_int_equal(sorry, 1);
	assert_null(dest(t, s, "10.0.1.2", 80));
	assert_non_null(dest(t, s, "127.0.0.1", 8080));
	/* 3 < 4+1: still lost; 5 >= 5: regained */
	up[0] = 1;
	up[1] = 0;
	cfg_sync_service(t, s, up, &sorry, NULL, NULL);
	assert_int_equal(sorry, 1);
	up[1] = 1;
	cfg_sync_service(t, s, up, &sorry, NULL, NULL);
	assert_int_equal(sorry, 0);
	assert_non_null(dest(t, s, "10.0.1.2", 80));
	assert_null(dest(t, s, "127.0.0.1", 8080));
	cfg_free(c);
	lvs_table_free(t);
}

static void test_service_edit_only_when_changed(void **state)
{
	struct lvs_table *t = lvs_table_new();
	struct cfg *a = load_cfg("virtual=10.0.0.1:80\n\treal=10.0.1.1:80 masq 1\n\tchecktype=on\n\tscheduler=rr\n",
				 CFG_FMT_AUTO);
	struct cfg *b = load_cfg("virtual=10.0.0.1:80\n\treal=10.0.1.1:80 masq 1\n\tchecktype=on\n\tscheduler=wlc\n",
				 CFG_FMT_AUTO);
	uint8_t up[1] = { 1 };
	int sorry = -1;

	(void)state;
	assert_int_equal(cfg_sync_service(t, &a->svcs[0], up, &sorry, NULL, NULL), 2);
	assert_int_equal(cfg_sync_service(t, &a->svcs[0], up, &sorry, NULL, NULL), 0);
	assert_int_equal(cfg_sync_service(t, &b->svcs[0], up, &sorry, NULL, NULL), 1);
	assert_string_equal(lvs_svc_get(t, &b->svcs[0].s)->sched_name, "wlc");
	cfg_free(a);
	cfg_free(b);
	lvs_table_free(t);
}

static void test_health(void **state)
{
	struct chk_health h = { 1, 0, 0 };

	(void)state;
	/* up -> down after exactly 3 failures, retried sooner meanwhile */
	assert_int_equal(chk_health_feed(&h, 0, 3, 1), 0);
	assert_int_equal(chk_health_next_delay(&h, 0, 1000, 200), 200);
	assert_int_equal(chk_health_feed(&h, 0, 3, 1), 0);
	assert_int_equal(chk_health_feed(&h, 0, 3, 1), 1);
	assert_int_equal(h.up, 0);
	assert_int_equal(chk_health_next_delay(&h, 0, 1000, 200), 1000);
	/* a success in between resets the count */
	h = (struct chk_health){ 1, 0, 0 };
	chk_health_feed(&h, 0, 3, 1);
	chk_health_feed(&h, 0, 3, 1);
	chk_health_feed(&h, 1, 3, 1);
	assert_int_equal(chk_health_feed(&h, 0, 3, 1), 0);
	assert_int_equal(h.up, 1);
	/* down -> up after rise successes */
	h = (struct chk_health){ 0, 5, 0 };
	assert_int_equal(chk_health_feed(&h, 1, 3, 2), 0);
	assert_int_equal(chk_health_feed(&h, 1, 3, 2), 1);
	assert_int_equal(h.up, 1);
}

static void test_md5(void **state)
{
	char hex[33];
	char big[1000];

	(void)state;
	chk_md5_hex("", 0, hex);
	assert_string_equal(hex, "d41d8cd98f00b204e9800998ecf8427e");
	chk_md5_hex("abc", 3, hex);
	assert_string_equal(hex, "900150983cd24fb0d6963f7d28e17f72");
	chk_md5_hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890", 80, hex);
	assert_string_equal(hex, "57edf4a22be3c955ac49da2e2107b67a");
	memset(big, 'a', sizeof(big));
	chk_md5_hex(big, 56, hex); /* padding spills into a second block */
	assert_string_equal(hex, "3b0c8ac703f828b04c6c197006d17218");
}

/* ---- a reload as one transaction ---- */

/* 10.0.1.66 is a broadcast address for this "host": the table refuses it
 * as a destination, which no scratch-table validation can know */
static enum lvs_addr_type bcast66(int af, const union lvs_addr *a, void *arg)
{
	union lvs_addr b = ip4("10.0.1.66");

	(void)arg;
	return af == AF_INET && a->ip == b.ip ? LVS_ADDR_BROADCAST : LVS_ADDR_UNICAST;
}

/* every service of c with all reals up, old's leftovers removed, as one
 * transaction; its result, the reasons in err */
static int apply_txn(struct lvs_table *t, const struct cfg *old, const struct cfg *c, struct strbuf *err)
{
	struct cfg_txn *x = cfg_txn_new(c);
	uint8_t up[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };

	assert_non_null(x);
	for (size_t i = 0; old && i < old->nsvcs; i++)
		if (cfg_find_service(c, &old->svcs[i].s) < 0)
			cfg_remove_service_txn(t, &old->svcs[i], NULL, NULL, x);
	for (size_t i = 0; i < c->nsvcs; i++) {
		int sorry = -1;

		assert_true(c->svcs[i].nreals <= sizeof(up));
		cfg_sync_service_txn(t, &c->svcs[i], up, &sorry, NULL, NULL, x);
	}
	return cfg_txn_end(x, t, NULL, NULL, err);
}

static char *dump(struct lvs_table *t)
{
	struct strbuf sb = STRBUF_INIT;

	lvs_procfs_ip_vs(t, &sb);
	return sb_detach(&sb);
}

static void test_txn_rollback(void **state)
{
	static const char before[] =
		"virtual=10.0.0.1:80\n\treal=10.0.1.1:80 masq 1\n\treal=10.0.1.2:80 masq 1\n\tscheduler=rr\n"
		"virtual=10.0.0.2:80\n\treal=10.0.1.2:80 masq 1\n\tscheduler=rr\n"
		"virtual=10.0.0.5:80\n\treal=10.0.1.5:80 masq 1\n";
	/* every kind of change, and one add the host refuses (line 8) */
	static const char after[] =
		"virtual=10.0.0.1:80\n\treal=10.0.1.1:80 masq 5\n\treal=10.0.1.3:80 masq 1\n\tscheduler=wlc\n"
		"virtual=10.0.0.3:80\n\treal=10.0.1.4:80 masq 1\n"
		"virtual=10.0.0.2:80\n\treal=10.0.1.66:80 masq 1\n\tscheduler=rr\n";
	struct lvs_table *t = lvs_table_new();
	struct cfg *c1 = load_cfg(before, CFG_FMT_LDIRECTORD), *c2 = load_cfg(after, CFG_FMT_LDIRECTORD);
	struct strbuf err = STRBUF_INIT;
	char *d1, *d2;

	(void)state;
	lvs_table_set_addr_type_hook(t, bcast66, NULL);
	assert_int_equal(apply_txn(t, NULL, c1, &err), 0);
	assert_int_equal(lvs_svc_count(t), 3);
	d1 = dump(t);
	/* the scratch table cannot see the host's refusal */
	assert_int_equal(cfg_validate(c2, &err), 0);
	assert_int_equal(apply_txn(t, c1, c2, &err), -EINVAL);
	assert_non_null(strstr(err.buf, "t.cf:7: cannot add real server 10.0.1.66:80 to tcp:10.0.0.2:80"));
	d2 = dump(t);
	assert_string_equal(d1, d2);   /* scheduler, weights, dest order, services: all back */
	free(d2);
	/* without the refused server the same change goes through whole */
	lvs_table_set_addr_type_hook(t, NULL, NULL);
	sb_free(&err);
	assert_int_equal(apply_txn(t, c1, c2, &err), 0);
	assert_null(err.buf);
	assert_int_equal(lvs_svc_count(t), 3);
	assert_null(lvs_svc_get(t, &c1->svcs[2].s));
	assert_string_equal(lvs_svc_get(t, &c2->svcs[0].s)->sched_name, "wlc");
	assert_null(dest(t, &c2->svcs[2], "10.0.1.2", 80));
	assert_non_null(dest(t, &c2->svcs[2], "10.0.1.66", 80));
	free(d1);
	cfg_free(c1);
	cfg_free(c2);
	lvs_table_free(t);
}

static void test_validate_reports_all(void **state)
{
	static const char text[] =
		"virtual=10.0.0.1:80\n\treal=10.0.1.1:80 masq 1\n\tscheduler=nosuch\n"
		"virtual=10.0.0.2:80\n\treal=10.0.1.2:80 masq 1\n\tscheduler=rr\n"
		"virtual=10.0.0.3:80\n\treal=10.0.1.3:80 masq 1\n\tscheduler=other\n";
	struct cfg *c = load_cfg(text, CFG_FMT_LDIRECTORD);
	struct strbuf err = STRBUF_INIT;

	(void)state;
	assert_int_equal(cfg_validate(c, &err), -EINVAL);
	assert_string_equal(err.buf, "t.cf:1: tcp:10.0.0.1:80: unknown scheduler 'nosuch'\n"
				     "t.cf:7: tcp:10.0.0.3:80: unknown scheduler 'other'\n");
	sb_free(&err);
	cfg_free(c);
}

UNIT_TESTS(cmocka_unit_test(test_ldirectord_states),
	   cmocka_unit_test(test_txn_rollback),
	   cmocka_unit_test(test_validate_reports_all),
	   cmocka_unit_test(test_quorum_hysteresis),
	   cmocka_unit_test(test_service_edit_only_when_changed),
	   cmocka_unit_test(test_health),
	   cmocka_unit_test(test_md5))
