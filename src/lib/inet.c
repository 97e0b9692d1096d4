/* inet.c - address helpers declared in inet.h (masking, formatting). */
#include <arpa/inet.h>
#include <sys/socket.h>
#include "inet.h"

void lvs_addr_mask(int af, union lvs_addr *out, const union lvs_addr *in, uint32_t netmask)
{
	if (af == AF_INET6) {
		/* netmask is a prefix length; anything above 128 keeps the whole address */
		unsigned plen = netmask > 128 ? 128 : netmask;
		union lvs_addr r;

		memset(&r, 0, sizeof(r));
		for (unsigned i = 0; i < 4; i++) {
			unsigned bits = plen > 32 * i ? plen - 32 * i : 0;
			uint32_t m;

			if (bits == 0)
				m = 0;
			else if (bits >= 32)
				m = 0xffffffffu;
			else
				m = ~(0xffffffffu >> bits);
			r.w[i] = in->w[i] & htonl(m);
		}
		*out = r;
		return;
	}
	/* IPv4: the mask is already in network order, like the kernel's */
	uint32_t ip = in->ip & netmask;

	memset(out, 0, sizeof(*out));
	out->ip = ip;
}

const char *lvs_addr_str(int af, const union lvs_addr *a, char *buf, size_t len)
{
	if (!buf || len == 0)
		return "";
	if (!inet_ntop(af == AF_INET6 ? AF_INET6 : AF_INET, af == AF_INET6 ? (const void *)&a->in6 : (const void *)&a->ip,
		       buf, (socklen_t)len))
		buf[0] = '\0';
	return buf;
}
