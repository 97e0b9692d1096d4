/* hermetic.c - keeps every fuzz harness away from the network's resolver.
 *
 * The parsers accept host names (ldirectord.cf, keepalived.conf, ipvsadm
 * arguments) and look them up.  A fuzzer invents names by the million;
 * sending them to a DNS server would make runs slow, flaky and noisy.
 * The harnesses are linked with --wrap for the two lookups the parsers
 * use: numeric addresses and "localhost" (/etc/hosts) resolve as usual,
 * any other name is an unknown host, as on a machine without DNS. */
#include <netdb.h>
#include <string.h>

int __real_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res);
struct hostent *__real_gethostbyname(const char *name);

static int is_localhost(const char *name)
{
	return name && !strcmp(name, "localhost");
}

int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res)
{
	struct addrinfo h;

	if (!node || is_localhost(node))
		return __real_getaddrinfo(node, service, hints, res);
	memset(&h, 0, sizeof(h));
	if (hints)
		h = *hints;
	else
		h.ai_family = AF_UNSPEC;
	h.ai_flags |= AI_NUMERICHOST;
	return __real_getaddrinfo(node, service, &h, res);
}

struct hostent *__wrap_gethostbyname(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	/* dotted numbers (a digit first, no trailing dot) are parsed by
	 * glibc itself, without a lookup */
	if (is_localhost(name) || (n && name[0] >= '0' && name[0] <= '9' && name[n - 1] != '.' &&
				   strspn(name, "0123456789.") == n))
		return __real_gethostbyname(name);
	h_errno = HOST_NOT_FOUND;
	return NULL;
}
