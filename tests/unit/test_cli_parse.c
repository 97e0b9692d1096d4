/* test_cli_parse.c - the ipvsadm front end's pure parts: libpopt's
 * option scanning and the value parsers with their ipvsadm quirks.  The
 * expectations were checked against libpopt 1.19 and the real ipvsadm
 * (oracle VM). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "fixture.h"

#include <popt.h>

/* the CLI is not a library: compile its pure units into this test */
#include "cli/parse.c"

static const struct poptOption table[] = {
	{ "list", 'L', POPT_ARG_NONE, NULL, 'L', NULL, NULL },
	{ "numeric", 'n', POPT_ARG_NONE, NULL, 'n', NULL, NULL },
	{ "tcp-service", 't', POPT_ARG_STRING, NULL, 't', NULL, NULL },
	{ "scheduler", 's', POPT_ARG_STRING, NULL, 's', NULL, NULL },
	{ "persistent", 'p', POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, NULL, 'p', NULL, NULL },
	{ "set", 0, POPT_ARG_NONE, NULL, 200, NULL, NULL },
	POPT_TABLEEND
};

/* scan argv (NULL-terminated) with libpopt as ipvsadm calls it and render
 * what it hands out: the scanning quirks ipvsadm's behaviour rests on */
static char *scan(char *buf, size_t len, const char **words)
{
	const char *argv[32];
	poptContext c;
	int argc = 0, v;
	size_t k = 0;

	argv[argc++] = "ipvsadm";
	while (*words)
		argv[argc++] = *words++;
	argv[argc] = NULL;
	c = poptGetContext("ipvsadm", argc, argv, table, 0);
	assert_non_null(c);
	buf[0] = '\0';
	while ((v = poptGetNextOpt(c)) >= 0) {
		char *arg = poptGetOptArg(c);
		k += (size_t)snprintf(buf + k, len - k, "[%d:%s]", v, arg ? arg : "-");
		free(arg);
	}
	if (v < -1)
		k += (size_t)snprintf(buf + k, len - k, "E(%s: %s)",
				      poptBadOption(c, POPT_BADOPTION_NOALIAS), poptStrerror(v));
	for (const char *a; (a = poptGetArg(c));)
		k += (size_t)snprintf(buf + k, len - k, "{%s}", a);
	poptFreeContext(c);
	return buf;
}

#define SCAN(expect, ...) do { \
	const char *w[] = { __VA_ARGS__, NULL }; char b[512]; \
	assert_string_equal(scan(b, sizeof(b), w), expect); } while (0)

static void test_popt_bundles_and_args(void **state)
{
	(void)state;
	SCAN("[76:-][110:-]", "-Ln");
	SCAN("[76:-][116:10.0.0.1:80][115:rr]", "-L", "-t10.0.0.1:80", "-srr");
	SCAN("[115:rr]", "-s=rr");
	SCAN("[115:rr]", "--scheduler=rr");
	SCAN("[115:rr]", "--scheduler", "rr");
	SCAN("[115:-p]", "-s", "-p");          /* required args take anything */
	SCAN("E(-s: missing argument)", "-s");
	SCAN("[76:-]E(-Ls: missing argument)", "-Ls");
	SCAN("E(--bogus: unknown option)", "--bogus");
	SCAN("[76:-]E(-Lq: unknown option)", "-Lq");
	SCAN("E(--numeric=5: option does not take an argument)", "--numeric=5");
	SCAN("E(-n=: option does not take an argument)", "-n=");
}

static void test_popt_optional_and_leftovers(void **state)
{
	(void)state;
	SCAN("[112:-][115:rr]", "-p", "-s", "rr");
	SCAN("[112:100]", "-p", "100");
	SCAN("[112:100]", "-p100");
	SCAN("[112:-]", "-p");
	SCAN("[112:]", "-p", "");
	SCAN("[76:-]{foo}{-n}", "-L", "foo", "--", "-n");
	SCAN("[200:-]{1}{2}{3}", "--set", "1", "2", "3");
	SCAN("[76:-]{-}", "-L", "-");
	SCAN("[76:-][110:-]E(-Lnl: unknown option)", "-Lnl"); /* single dash = short bundle */
}

static void test_numbers(void **state)
{
	(void)state;
	assert_int_equal(string_to_number("010", 0, 100), 10);
	assert_int_equal(string_to_number(" 5", 0, 100), 5);
	assert_int_equal(string_to_number("5x", 0, 100), -1);
	assert_int_equal(string_to_number("0x10", 0, 100), -1);
	assert_int_equal(string_to_number("", 0, 100), -1);
	assert_int_equal(string_to_number("2147483648", 0, 2147483647), -1);
	assert_int_equal(string_to_number("-1", 0, 10), -1);

	int ok;
	assert_int_equal(parse_fwmark("4294967295", &ok), 4294967295u);
	assert_true(ok);
	parse_fwmark("4294967296", &ok);
	assert_false(ok);
	parse_fwmark("0x10", &ok);
	assert_false(ok);
	parse_fwmark("0", &ok);
	assert_false(ok);
	parse_fwmark("-5", &ok);
	assert_false(ok);
}

static void test_service_addresses(void **state)
{
	union lvs_addr a;
	uint16_t port = 7;
	uint32_t mask = 0xffffffff;
	int af = 0;
	(void)state;

	assert_int_equal(parse_service("10.1:80", IPPROTO_TCP, &af, &a, &port, &mask), 3);
	assert_int_equal(af, AF_INET);
	assert_int_equal(ntohl(a.ip), 0x0a000001);
	assert_int_equal(port, 80);

	assert_int_equal(parse_service("0x0a000002:81", IPPROTO_TCP, &af, &a, &port, &mask), 3);
	assert_int_equal(ntohl(a.ip), 0x0a000002);
	assert_int_equal(parse_service("167772161:80", IPPROTO_TCP, &af, &a, &port, &mask), 3);
	assert_int_equal(ntohl(a.ip), 0x0a000001);

	assert_int_equal(parse_service("80", IPPROTO_TCP, &af, &a, &port, &mask), 0);
	assert_int_equal(parse_service("", IPPROTO_TCP, &af, &a, &port, &mask), 0);
	assert_int_equal(parse_service("1.2.3.4:99999", IPPROTO_TCP, &af, &a, &port, &mask), 0);
	assert_int_equal(parse_service("[2001:db8::1]", IPPROTO_TCP, &af, &a, &port, &mask), 0);
	assert_int_equal(parse_service("[2001:db8::1]80", IPPROTO_TCP, &af, &a, &port, &mask), 0);

	port = 7;
	assert_int_equal(parse_service("[2001:db8::1]:443", IPPROTO_TCP, &af, &a, &port, &mask), 3);
	assert_int_equal(af, AF_INET6);
	assert_int_equal(port, 443);
	assert_int_equal(mask, 128);

	/* bare IPv6: no port, even if it "looks" like one */
	port = 7;
	assert_int_equal(parse_service("2001:db8::9:80", IPPROTO_TCP, &af, &a, &port, &mask), 1);
	assert_int_equal(port, 7);

	/* brackets around IPv4: the port is silently lost */
	af = 0;
	assert_int_equal(parse_service("[1.2.3.4]:80", IPPROTO_TCP, &af, &a, &port, &mask), 1);
	assert_int_equal(af, AF_INET);
}

static void test_netmask_and_flags(void **state)
{
	uint32_t m = 0;
	char bad[64];
	int inc;
	(void)state;

	assert_int_equal(parse_netmask("64", &m), 1); /* inet_aton: 0.0.0.64 */
	assert_int_equal(ntohl(m), 64);
	assert_int_equal(parse_netmask("255.255.255.0", &m), 1);
	assert_int_equal(ntohl(m), 0xffffff00);

	assert_int_equal(parse_sched_flags("rr", "flag-1,flag-3", bad, sizeof(bad), &inc), 0x28);
	assert_int_equal(parse_sched_flags("sh", "sh-fallback,sh-port", bad, sizeof(bad), &inc), 0x18);
	assert_int_equal(parse_sched_flags("", "sh-port", bad, sizeof(bad), &inc), -1);
	assert_true(inc);
	assert_string_equal(bad, "sh-port");
	assert_int_equal(parse_sched_flags("rr", ",,flag-1", bad, sizeof(bad), &inc), 0x08);
	assert_int_equal(parse_sched_flags("rr", "flag-1,FLAG-2", bad, sizeof(bad), &inc), -1);
	assert_false(inc);
	assert_string_equal(bad, "FLAG-2");
	assert_int_equal(parse_tun_type("gue"), LVS_TUN_TYPE_GUE);
	assert_int_equal(parse_tun_type("GRE"), -1);
}

UNIT_TESTS(cmocka_unit_test(test_popt_bundles_and_args),
	   cmocka_unit_test(test_popt_optional_and_leftovers),
	   cmocka_unit_test(test_numbers),
	   cmocka_unit_test(test_service_addresses),
	   cmocka_unit_test(test_netmask_and_flags))
