/* test_config_apply.c - wanted state -> minimal table changes: quiesce vs
 * remove, fallback when all down, keepalived quorum with hysteresis,
 * untouched services see no call; plus the pure check state machine and
 * the MD5 used for keepalived digests. */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "fixture.h"
#include "config/apply.h"
#include "check/health.h"
#include "check/md5.h"

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

UNIT_TESTS(cmocka_unit_test(test_ldirectord_states),
	   cmocka_unit_test(test_quorum_hysteresis),
	   cmocka_unit_test(test_service_edit_only_when_changed),
	   cmocka_unit_test(test_health),
	   cmocka_unit_test(test_md5))
