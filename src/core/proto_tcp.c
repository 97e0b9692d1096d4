/* proto_tcp.c - the IPVS TCP state machine (the tcp_states tables and
 * set_tcp_state of the kernel's ip_vs_proto_tcp.c): next state from (direction, segment
 * kind, current state), timeouts re-read from the table at every packet,
 * ActiveConn = ESTABLISHED only (the kernel moves a conn to activeconns
 * exactly when it enters ESTABLISHED and back when it leaves it).
 */
#include "conn.h"
#include "table.h"

enum { NO = LVS_TCP_S_NONE, ES = LVS_TCP_S_ESTABLISHED, SS = LVS_TCP_S_SYN_SENT,
       SR = LVS_TCP_S_SYN_RECV, FW = LVS_TCP_S_FIN_WAIT, TW = LVS_TCP_S_TIME_WAIT,
       CL = LVS_TCP_S_CLOSE, CW = LVS_TCP_S_CLOSE_WAIT, LA = LVS_TCP_S_LAST_ACK,
       LI = LVS_TCP_S_LISTEN, SA = LVS_TCP_S_SYNACK };

/* rows: INPUT syn fin ack rst, OUTPUT syn fin ack rst, INPUT_ONLY syn fin ack rst */
static const uint8_t tcp_states[12][LVS_TCP_S_LAST] = {
	/*        NO  ES  SS  SR  FW  TW  CL  CW  LA  LI  SA */
	/* I syn */ { SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR },
	/* I fin */ { CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, TW },
	/* I ack */ { ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES },
	/* I rst */ { CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, SR },
	/* O syn */ { SS, ES, SS, SR, SS, SS, SS, SS, SS, LI, SR },
	/* O fin */ { TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW },
	/* O ack */ { ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES },
	/* O rst */ { CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL },
	/* IOsyn */ { SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR },
	/* IOfin */ { CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW },
	/* IOack */ { ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES },
	/* IOrst */ { CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL },
};

/* secure_tcp ("dos") table */
static const uint8_t tcp_states_dos[12][LVS_TCP_S_LAST] = {
	/*        NO  ES  SS  SR  FW  TW  CL  CW  LA  LI  SA */
	/* I syn */ { SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SA },
	/* I fin */ { CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, SA },
	/* I ack */ { ES, ES, SS, SR, FW, TW, CL, CW, CL, LI, SA },
	/* I rst */ { CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL },
	/* O syn */ { SS, ES, SS, SA, SS, SS, SS, SS, SS, LI, SA },
	/* O fin */ { TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW },
	/* O ack */ { ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES },
	/* O rst */ { CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL },
	/* IOsyn */ { SA, ES, ES, SR, SA, SA, SA, SA, SA, SA, SA },
	/* IOfin */ { CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW },
	/* IOack */ { ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES },
	/* IOrst */ { CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL },
};

#define DIR_INPUT 0
#define DIR_OUTPUT 4
#define DIR_INPUT_ONLY 8

/* segment kind: rst beats syn beats fin beats ack; -1 = none of them */
static int tcp_state_idx(uint8_t f)
{
	if (f & LVS_TCPF_RST)
		return 3;
	if (f & LVS_TCPF_SYN)
		return 0;
	if (f & LVS_TCPF_FIN)
		return 1;
	if (f & LVS_TCPF_ACK)
		return 2;
	return -1;
}

uint32_t lvs_tcp_timeout_ms(const struct lvs_core *core, uint8_t state)
{
	static const uint32_t defaults[LVS_TCP_S_LAST] = { 2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120 };
	uint32_t s;

	if (state >= LVS_TCP_S_LAST)
		return 2000;
	s = core->timeouts ? __atomic_load_n(&core->timeouts->tcp[state], __ATOMIC_RELAXED) : 0;
	if (!s)
		s = defaults[state];
	if (s > LVS_PERSIST_TIMEOUT_MAX)
		s = LVS_PERSIST_TIMEOUT_MAX;
	return s * 1000u;
}

void lvs_tcp_transition(struct lvs_core *core, struct lvs_conn *cp, int dir, uint8_t tcp_flags)
{
	int off = dir == LVS_DIR_OUTPUT ? DIR_OUTPUT : DIR_INPUT;
	int idx = tcp_state_idx(tcp_flags);
	uint8_t new_state = LVS_TCP_S_CLOSE;
	uint8_t cur = cp->state < LVS_TCP_S_LAST ? cp->state : LVS_TCP_S_NONE;

	/* DR/TUN: input-only rows until the director sees a reply */
	if (cp->flags & LVS_CONN_F_NOOUTPUT) {
		if (off == DIR_OUTPUT)
			cp->flags &= (uint16_t)~LVS_CONN_F_NOOUTPUT;
		else
			off = DIR_INPUT_ONLY;
	}
	if (idx >= 0)
		new_state = (core->set.secure_tcp ? tcp_states_dos : tcp_states)[off + idx][cur];

	cp->old_state = cp->state;
	if (new_state != cp->state) {
		lvs_conn_set_active(core, cp, new_state == LVS_TCP_S_ESTABLISHED);
		if (new_state == LVS_TCP_S_ESTABLISHED)
			lvs_conn_assure_control(core, cp);
	}
	cp->state = new_state;
	cp->timeout = lvs_tcp_timeout_ms(core, new_state);
}
