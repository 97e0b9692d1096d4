/* proto_udp.c - UDP has one state ("UDP"); every packet re-reads the UDP
 * timeout, a reply (OUTPUT) assures the controlling template, and UDP
 * connections are never active (they stay in InActConn). */
#include "conn.h"
#include "table.h"

void lvs_udp_transition(struct lvs_core *core, struct lvs_conn *cp, int dir)
{
	uint32_t s = core->timeouts ? __atomic_load_n(&core->timeouts->udp, __ATOMIC_RELAXED) : 0;

	if (dir == LVS_DIR_OUTPUT)
		lvs_conn_assure_control(core, cp);
	if (!s)
		s = 300;
	if (s > LVS_PERSIST_TIMEOUT_MAX)
		s = LVS_PERSIST_TIMEOUT_MAX;
	cp->old_state = cp->state;
	cp->state = LVS_UDP_S_NORMAL;
	cp->timeout = s * 1000u;
}
