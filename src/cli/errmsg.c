/* errmsg.c - ipvsadm's error texts.  libipvs keys its table by the
 * function that failed and falls back to strerror(), so the same errno
 * reads differently per operation (-A EEXIST "Service already exists", -E
 * EEXIST "File exists"). */
#include <errno.h>
#include <string.h>
#include "cli.h"

struct errmsg {
	enum cli_op op; /* OP_NONE: any operation */
	int err;
	const char *msg;
};

static const struct errmsg table[] = {
	{ OP_ADD_SERVICE, EEXIST, "Service already exists" },
	{ OP_ADD_SERVICE, ENOENT, "Scheduler or persistence engine not found" },
	{ OP_EDIT_SERVICE, ESRCH, "No such service" },
	{ OP_EDIT_SERVICE, ENOENT, "Scheduler or persistence engine not found" },
	{ OP_DEL_SERVICE, ESRCH, "No such service" },
	{ OP_ZERO, ESRCH, "No such service" },
	{ OP_ADD_DEST, ESRCH, "Service not defined" },
	{ OP_ADD_DEST, EEXIST, "Destination already exists" },
	{ OP_EDIT_DEST, ESRCH, "Service not defined" },
	{ OP_EDIT_DEST, ENOENT, "No such destination" },
	{ OP_DEL_DEST, ESRCH, "Service not defined" },
	{ OP_DEL_DEST, ENOENT, "No such destination" },
	{ OP_START_DAEMON, EEXIST, "Daemon has already run" },
	{ OP_STOP_DAEMON, ESRCH, "No daemon is running" },
	{ OP_GET_SERVICES, ESRCH, "No such service" },
	{ OP_GET_DESTS, ESRCH, "No such service" },
	{ OP_GET_SERVICE, ESRCH, "No such service" },
	{ OP_NONE, EPERM, "Permission denied (you must be root)" },
	{ OP_NONE, EINVAL, "Invalid operation.  Possibly wrong module version, address not unicast, ..." },
	{ OP_NONE, ENOPROTOOPT, "Protocol not available" },
	{ OP_NONE, ENOMEM, "Memory allocation problem" },
	{ OP_NONE, EOPNOTSUPP, "Operation not supported with IPv6" },
	{ OP_NONE, EAFNOSUPPORT, "Operation not supported with specified address family" },
	{ OP_NONE, EMSGSIZE, "Module is wrong version" },
};

const char *cli_strerror(enum cli_op op, int err)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if ((table[i].op == OP_NONE || table[i].op == op) && table[i].err == err)
			return table[i].msg;
	return strerror(err);
}
