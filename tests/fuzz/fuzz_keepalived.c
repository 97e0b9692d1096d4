/* fuzz_keepalived.c - the input as a keepalived.conf (cfg_parse_keepalived),
 * then applied to a table; see config_run.h. */
#include "config_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return config_run(cfg_parse_keepalived, data, size);
}
