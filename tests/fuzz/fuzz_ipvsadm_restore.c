/* fuzz_ipvsadm_restore.c - the input as the standard input of
 * "ipvsadm -R": ipvsadm's line tokenizer, then every line as a command
 * line (cli_host.h), the first failing one ending the run as it ends
 * ipvsadm. */
#include "cli_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char prog[] = "ipvsadm", opt[] = "-R";
	char *argv[] = { prog, opt, NULL };

	cli_host_run(2, argv, data, size);
	return 0;
}
