/* parse.c - see parse.h */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/ipvs-t.h"
#include "parse.h"

int string_to_number(const char *s, int min, int max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*end == '\0' && end != s && errno != ERANGE && n >= min && n <= max)
		return (int)n;
	return -1;
}

static int all_digits(const char *s)
{
	/* ipvsadm's str_is_digit: true for "" too, so "-t ''" is rejected */
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int host_to_addr(const char *name, struct in_addr *out)
{
	struct hostent *h = gethostbyname(name);

	if (!h || h->h_addrtype != AF_INET || h->h_length != sizeof(struct in_addr))
		return -1;
	memcpy(out, h->h_addr_list[0], sizeof(*out));
	return 0;
}

static int service_to_port(const char *name, uint16_t proto)
{
	const char *pname = proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" :
			    proto == IPPROTO_SCTP ? "sctp" : NULL;
	struct servent *se;

	if (!pname || !(se = getservbyname(name, pname)))
		return -1;
	return ntohs((uint16_t)se->s_port);
}

int parse_service(const char *arg, uint16_t proto, int *af, union lvs_addr *addr,
		  uint16_t *port, uint32_t *netmask)
{
	char *buf, *host, *portp = NULL;
	struct in6_addr a6;
	struct in_addr a4;
	int result = SERVICE_NONE;

	if (!arg || all_digits(arg))
		return SERVICE_NONE;
	host = buf = strdup(arg);
	if (!buf)
		return SERVICE_NONE;

	if (host[0] == '[') {
		host++;
		portp = strchr(host, ']');
		if (!portp)
			goto out;
		*portp++ = '\0';
		if (*portp != ':')
			goto out;
		*portp = '\0';
	}
	if (inet_pton(AF_INET6, host, &a6) > 0) {
		memset(addr, 0, sizeof(*addr));
		addr->in6 = a6;
		*af = AF_INET6;
		*netmask = 128;
	} else {
		/* "[1.2.3.4]:80" lands here with host "1.2.3.4" and no port:
		 * ipvsadm looks for the port only inside the host text */
		portp = strrchr(host, ':');
		if (portp)
			*portp = '\0';
		if (inet_aton(host, &a4) == 0 && host_to_addr(host, &a4) == -1)
			goto out;
		memset(addr, 0, sizeof(*addr));
		addr->ip = a4.s_addr;
		*af = AF_INET;
	}

	if (!portp) {
		result = SERVICE_ADDR;
		goto out;
	}
	int n = string_to_number(portp + 1, 0, 65535);
	if (n == -1)
		n = service_to_port(portp + 1, proto);
	if (n != -1) {
		*port = (uint16_t)n;
		result = SERVICE_ADDR | SERVICE_PORT;
	}
out:
	free(buf);
	return result;
}

int parse_netmask(const char *arg, uint32_t *mask)
{
	struct in_addr a;

	if (!arg)
		return 0;
	if (inet_aton(arg, &a) == 0 && host_to_addr(arg, &a) == -1)
		return 0;
	*mask = a.s_addr;
	return 1;
}

uint32_t parse_fwmark(const char *arg, int *ok)
{
	char *end;
	long l;

	errno = 0;
	l = strtol(arg, &end, 10);
	*ok = !(*end != '\0' || end == arg || errno == ERANGE || l <= 0 || l > (long)UINT_MAX);
	return *ok ? (uint32_t)l : 0;
}

int parse_tun_type(const char *name)
{
	if (!strcmp(name, "ipip"))
		return LVS_TUN_TYPE_IPIP;
	if (!strcmp(name, "gue"))
		return LVS_TUN_TYPE_GUE;
	if (!strcmp(name, "gre"))
		return LVS_TUN_TYPE_GRE;
	return -1;
}

int parse_sched_flags(const char *sched, const char *arg, char *bad, size_t badlen,
		      int *incompatible)
{
	static const struct {
		const char *name;
		uint32_t flag;
		const char *only_for; /* scheduler the flag belongs to, or NULL */
	} names[] = {
		{ "flag-1", LVS_SVC_F_SCHED1, NULL },
		{ "flag-2", LVS_SVC_F_SCHED2, NULL },
		{ "flag-3", LVS_SVC_F_SCHED3, NULL },
		{ "sh-fallback", LVS_SVC_F_SCHED1, "sh" },
		{ "sh-port", LVS_SVC_F_SCHED2, "sh" },
		{ "mh-fallback", LVS_SVC_F_SCHED1, "mh" },
		{ "mh-port", LVS_SVC_F_SCHED2, "mh" },
	};
	char buf[128];
	char *save = NULL, *flag;
	int flags = 0;

	sched = (sched && *sched) ? sched : "wlc";
	/* ipvsadm keeps the -b argument in a 128-byte buffer */
	snprintf(buf, sizeof(buf), "%s", arg);
	flag = strtok_r(buf, ",", &save);
	if (!flag) {
		/* ipvsadm dereferences NULL here (e.g. "-b ,"); report it instead */
		snprintf(bad, badlen, "%s", arg);
		*incompatible = 0;
		return -1;
	}
	do {
		size_t i;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(flag, names[i].name))
				break;
		if (i == sizeof(names) / sizeof(names[0])) {
			snprintf(bad, badlen, "%s", flag);
			*incompatible = 0;
			return -1;
		}
		flags |= (int)names[i].flag;
		if (names[i].only_for && strcmp(sched, names[i].only_for)) {
			snprintf(bad, badlen, "%s", flag);
			*incompatible = 1;
			return -1;
		}
	} while ((flag = strtok_r(NULL, ",", &save)) != NULL);
	return flags;
}
