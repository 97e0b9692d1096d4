/* popt_lite.c - see popt_lite.h */
#include <stdlib.h>
#include <string.h>
#include "popt_lite.h"

void popt_init(struct popt_ctx *c, int argc, char **argv,
	       const struct popt_opt *table, int ntable, const char **leftovers)
{
	memset(c, 0, sizeof(*c));
	c->argc = argc;
	c->argv = argv;
	c->table = table;
	c->ntable = ntable;
	c->next = 1; /* argv[0] is the program */
	c->leftovers = leftovers;
	/* popt switches to "stop at the first non-option" like getopt does */
	c->posix = getenv("POSIXLY_CORRECT") || getenv("POSIX_ME_HARDER");
}

static const struct popt_opt *find_long(const struct popt_ctx *c, const char *name, size_t len)
{
	for (int i = 0; i < c->ntable; i++) {
		const char *ln = c->table[i].long_name;
		if (ln && strlen(ln) == len && strncmp(ln, name, len) == 0)
			return &c->table[i];
	}
	return NULL;
}

static const struct popt_opt *find_short(const struct popt_ctx *c, char ch)
{
	if (ch == '\0')
		return NULL;
	for (int i = 0; i < c->ntable; i++)
		if (c->table[i].short_name == ch)
			return &c->table[i];
	return NULL;
}

int popt_next(struct popt_ctx *c)
{
	const struct popt_opt *opt = NULL;
	const char *long_arg = NULL;

	c->optarg = NULL;
	while (!opt) {
		if (c->next_char) {
			const char *p = c->next_char;
			c->next_char = NULL;
			opt = find_short(c, *p);
			if (!opt)
				return POPT_ERR_BADOPT;
			p++;
			/* "-s=rr": what follows '=' is the option's argument */
			if (*p == '=')
				long_arg = p + 1;
			else if (*p != '\0')
				c->next_char = p;
			break;
		}
		if (c->next >= c->argc)
			return -1;

		const char *s = c->argv[c->next++];
		if (c->rest_leftover || s[0] != '-' || s[1] == '\0') {
			if (c->posix)
				c->rest_leftover = 1;
			c->leftovers[c->nleftovers++] = s;
			continue;
		}
		if (s[1] == '-' && s[2] == '\0') {
			c->rest_leftover = 1;
			continue;
		}
		if (s[1] != '-') {
			/* a single dash: a bundle of short options */
			c->next_char = s + 1;
			continue;
		}
		const char *name = s + 2;
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		if (eq)
			long_arg = eq + 1;
		opt = find_long(c, name, len);
		if (!opt)
			return POPT_ERR_BADOPT;
	}

	if (opt->arg == POPT_NONE)
		return long_arg ? POPT_ERR_UNWANTEDARG : opt->val;

	if (long_arg) {
		c->optarg = long_arg;
	} else if (c->next_char) {
		c->optarg = c->next_char;
		c->next_char = NULL;
	} else if (c->next >= c->argc) {
		if (opt->arg != POPT_OPTIONAL)
			return POPT_ERR_NOARG;
	} else if (opt->arg == POPT_OPTIONAL && c->argv[c->next][0] == '-') {
		c->optarg = NULL;
	} else {
		c->optarg = c->argv[c->next++];
	}
	return opt->val;
}

const char *popt_get_arg(struct popt_ctx *c)
{
	if (c->leftover_pos >= c->nleftovers)
		return NULL;
	return c->leftovers[c->leftover_pos++];
}

const char *popt_bad_option(const struct popt_ctx *c)
{
	return c->next > 0 ? c->argv[c->next - 1] : "";
}

const char *popt_strerror(int err)
{
	switch (err) {
	case POPT_ERR_NOARG:
		return "missing argument";
	case POPT_ERR_BADOPT:
		return "unknown option";
	case POPT_ERR_UNWANTEDARG:
		return "option does not take an argument";
	default:
		return "unknown error";
	}
}
