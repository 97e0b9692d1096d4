/* fuzz_ldirectord.c - the input as an ldirectord.cf (cfg_parse_ldirectord),
 * then applied to a table; see config_run.h. */
#include "config_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return config_run(cfg_parse_ldirectord, data, size);
}
