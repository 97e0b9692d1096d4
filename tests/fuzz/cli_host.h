/* cli_host.h - runs the whole ipvsadm (src/cli) inside a fuzz harness,
 * against a real lvsd control plane in the same process (inproc.h); its
 * exit() ends the run instead of the process (see cli_host.c). */
#ifndef LVS_FUZZ_CLI_HOST_H
#define LVS_FUZZ_CLI_HOST_H

#include <stddef.h>
#include <stdint.h>

/* one ipvsadm invocation: argv[0..argc-1] (argv[argc] NULL), with
 * `in` (in_len bytes) as its standard input, against an empty table;
 * returns its exit status */
int cli_host_run(int argc, char **argv, const uint8_t *in, size_t in_len);

#endif
