/* proto_sctp.c - the IPVS SCTP state machine (the kernel's
 * ip_vs_proto_sctp.c since 3.17): the event is the packet's chunk type
 * (the datapath reports an ABORT bundled after COOKIE ECHO/ACK as ABORT),
 * states as seen by the real server, ActiveConn = ESTABLISHED only.
 * SCTP timeouts are fixed (ipvsadm --set does not touch them).
 */
#include "conn.h"

enum { sNO = LVS_SCTP_S_NONE, sI1 = LVS_SCTP_S_INIT1, sIN = LVS_SCTP_S_INIT,
       sCS = LVS_SCTP_S_COOKIE_SENT, sCR = LVS_SCTP_S_COOKIE_REPLIED,
       sCW = LVS_SCTP_S_COOKIE_WAIT, sCO = LVS_SCTP_S_COOKIE,
       sCE = LVS_SCTP_S_COOKIE_ECHOED, sES = LVS_SCTP_S_ESTABLISHED,
       sSS = LVS_SCTP_S_SHUTDOWN_SENT, sSR = LVS_SCTP_S_SHUTDOWN_RECEIVED,
       sSA = LVS_SCTP_S_SHUTDOWN_ACK_SENT, sRJ = LVS_SCTP_S_REJECTED,
       sCL = LVS_SCTP_S_CLOSED };

/* events, in table row order */
enum { EV_DATA, EV_INIT, EV_INIT_ACK, EV_COOKIE_ECHO, EV_COOKIE_ACK, EV_SHUTDOWN,
       EV_SHUTDOWN_ACK, EV_SHUTDOWN_COMPLETE, EV_ERROR, EV_ABORT, EV_LAST };

/* chunk type (RFC 4960 3.2) -> event; unknown types count as DATA */
static const uint8_t sctp_events[15] = {
	[LVS_SCTP_CID_DATA] = EV_DATA,          [LVS_SCTP_CID_INIT] = EV_INIT,
	[LVS_SCTP_CID_INIT_ACK] = EV_INIT_ACK,  [3] = EV_DATA /* SACK */,
	[4] = EV_DATA /* HEARTBEAT */,          [5] = EV_DATA /* HEARTBEAT ACK */,
	[LVS_SCTP_CID_ABORT] = EV_ABORT,        [7] = EV_SHUTDOWN,
	[8] = EV_SHUTDOWN_ACK,                  [9] = EV_ERROR,
	[10] = EV_COOKIE_ECHO,                  [11] = EV_COOKIE_ACK,
	[12] = EV_DATA /* ECNE */,              [13] = EV_DATA /* CWR */,
	[14] = EV_SHUTDOWN_COMPLETE,
};

/* [direction: input, output, input-only][event][state] */
static const uint8_t sctp_states[3][EV_LAST][LVS_SCTP_S_LAST] = {
	{ /* INPUT */
	/*           sNO  sI1  sIN  sCS  sCR  sCW  sCO  sCE  sES  sSS  sSR  sSA  sRJ  sCL */
	/* d   */ { sES, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	/* i   */ { sI1, sIN, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sIN, sIN },
	/* i_a */ { sCW, sCW, sCW, sCS, sCR, sCO, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	/* c_e */ { sCR, sIN, sIN, sCR, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	/* c_a */ { sES, sI1, sIN, sCS, sCR, sCW, sCO, sES, sES, sSS, sSR, sSA, sRJ, sCL },
	/* s   */ { sSR, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sSR, sSS, sSR, sSA, sRJ, sCL },
	/* s_a */ { sCL, sIN, sIN, sCS, sCR, sCW, sCO, sCE, sES, sCL, sSR, sCL, sRJ, sCL },
	/* s_c */ { sCL, sCL, sCL, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sCL, sRJ, sCL },
	/* err */ { sCL, sI1, sIN, sCS, sCR, sCW, sCO, sCL, sES, sSS, sSR, sSA, sRJ, sCL },
	/* ab  */ { sCL, sCL, sCL, sCL, sCL, sRJ, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
	},
	{ /* OUTPUT */
	/* d   */ { sES, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	/* i   */ { sCW, sCW, sCW, sCW, sCW, sCW, sCW, sCW, sES, sCW, sCW, sCW, sCW, sCW },
	/* i_a */ { sCS, sCS, sCS, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	/* c_e */ { sCE, sCE, sCE, sCE, sCE, sCE, sCE, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	/* c_a */ { sES, sES, sES, sES, sES, sES, sES, sES, sES, sSS, sSR, sSA, sRJ, sCL },
	/* s   */ { sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSR, sSA, sRJ, sCL },
	/* s_a */ { sSA, sSA, sSA, sSA, sSA, sCW, sCO, sCE, sES, sSA, sSA, sSA, sRJ, sCL },
	/* s_c */ { sCL, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	/* err */ { sCL, sCL, sCL, sCL, sCL, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	/* ab  */ { sCL, sRJ, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
	},
	{ /* INPUT-ONLY */
	/* d   */ { sES, sI1, sIN, sCS, sCR, sES, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	/* i   */ { sI1, sIN, sIN, sIN, sIN, sIN, sCO, sCE, sES, sSS, sSR, sSA, sIN, sIN },
	/* i_a */ { sCE, sCE, sCE, sCE, sCE, sCE, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	/* c_e */ { sES, sES, sES, sES, sES, sES, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	/* c_a */ { sES, sI1, sIN, sES, sES, sCW, sES, sES, sES, sSS, sSR, sSA, sRJ, sCL },
	/* s   */ { sSR, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sSR, sSS, sSR, sSA, sRJ, sCL },
	/* s_a */ { sCL, sIN, sIN, sCS, sCR, sCW, sCO, sCE, sCL, sCL, sSR, sCL, sRJ, sCL },
	/* s_c */ { sCL, sCL, sCL, sCL, sCL, sCW, sCO, sCE, sES, sSS, sCL, sCL, sRJ, sCL },
	/* err */ { sCL, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
	/* ab  */ { sCL, sCL, sCL, sCL, sCL, sRJ, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
	},
};

/* seconds: handshake and shutdown states wait one maximal RTO (61 s) */
static const uint16_t sctp_timeouts[LVS_SCTP_S_LAST] = {
	[sNO] = 2, [sI1] = 4, [sIN] = 61, [sCS] = 61, [sCR] = 61, [sCW] = 61, [sCO] = 61,
	[sCE] = 61, [sES] = 900, [sSS] = 61, [sSR] = 61, [sSA] = 61, [sRJ] = 4, [sCL] = 61,
};

static const char *const sctp_names[LVS_SCTP_S_LAST] = {
	"NONE", "INIT1", "INIT", "C-SENT", "C-REPLIED", "C-WAIT", "COOKIE", "C-ECHOED",
	"ESTABLISHED", "S-SENT", "S-RECEIVED", "S-ACK-SENT", "REJECTED", "CLOSED",
};

const char *lvs_sctp_state_name(uint8_t state)
{
	return state < LVS_SCTP_S_LAST ? sctp_names[state] : "ERR!";
}

void lvs_sctp_transition(struct lvs_core *core, struct lvs_conn *cp, int dir, uint8_t chunk)
{
	int event = chunk < sizeof(sctp_events) ? sctp_events[chunk] : EV_DATA;
	int d = dir == LVS_DIR_OUTPUT ? 1 : 0;
	uint8_t cur = cp->state < LVS_SCTP_S_LAST ? cp->state : sNO;
	uint8_t next;

	(void)core;
	if (cp->flags & LVS_CONN_F_NOOUTPUT) {
		if (d == 1)
			cp->flags &= (uint16_t)~LVS_CONN_F_NOOUTPUT;
		else
			d = 2;
	}
	next = sctp_states[d][event][cur];
	cp->old_state = cp->state;
	if (next != cp->state)
		lvs_conn_set_active(core, cp, next == sES);
	cp->state = next;
	cp->timeout = sctp_timeouts[next] * 1000u;
}
