/* fuzz_ipvsadm.c - one ipvsadm command line: the input is its argument
 * words separated by NUL bytes (argv[0] is "ipvsadm"; an empty word is an
 * empty argument), run through option scanning, value parsing, the
 * command/option checks and the operation on a table (cli_host.h).  The
 * standard input is empty, so "-R" restores nothing. */
#include <stdlib.h>
#include <string.h>
#include "cli_host.h"

#define MAX_WORDS 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_WORDS + 2];
	int argc = 0;
	size_t at = 0;

	argv[argc++] = strdup("ipvsadm");
	while (at < size && argc <= MAX_WORDS) {
		const uint8_t *end = memchr(data + at, 0, size - at);
		size_t len = end ? (size_t)(end - (data + at)) : size - at;

		/* each word in its own block: a read past its end is caught */
		argv[argc] = malloc(len + 1);
		if (!argv[argc])
			break;
		memcpy(argv[argc], data + at, len);
		argv[argc++][len] = '\0';
		at += len + 1;
	}
	argv[argc] = NULL;
	if (argv[0])
		cli_host_run(argc, argv, NULL, 0);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return 0;
}
