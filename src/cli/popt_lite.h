/* popt_lite.h - the slice of popt 1.19's behaviour that ipvsadm relies on.
 *
 * Contract: popt_next() hands out options in command-line order exactly as
 * poptGetNextOpt() would for an option table without aliases, callbacks or
 * auto-help:
 *   - bundled short options ("-Ln", "-At10.0.0.1:80", "-srr", "-s=rr");
 *   - long options "--opt value" and "--opt=value" (exact names only, no
 *     abbreviations; a single dash never introduces a long option);
 *   - a required argument takes the next word even if it starts with '-';
 *     an optional argument ("-p [timeout]") takes the next word only if it
 *     does not start with '-';
 *   - words that are not options are kept as leftovers (popt_get_arg);
 *     "--" makes every later word a leftover; with POSIXLY_CORRECT set the
 *     first leftover ends option processing, as in popt.
 * Returns the option's val (>= 0), -1 at the end, or a POPT_ERR_* (< -1).
 * popt_bad_option() is popt's POPT_BADOPTION_NOALIAS answer: the last argv
 * word consumed (so "-Lq", not "-q").
 */
#ifndef LVS_CLI_POPT_LITE_H
#define LVS_CLI_POPT_LITE_H

enum popt_argtype { POPT_NONE, POPT_STRING, POPT_OPTIONAL };

#define POPT_ERR_NOARG  (-10)
#define POPT_ERR_BADOPT (-11)
#define POPT_ERR_UNWANTEDARG (-12) /* "--numeric=x", "-n=" */

struct popt_opt {
	const char *long_name;  /* NULL: short only */
	char short_name;        /* 0: long only */
	enum popt_argtype arg;
	int val;
};

struct popt_ctx {
	int argc;
	char **argv;
	const struct popt_opt *table;
	int ntable;
	int next;               /* next argv word to look at */
	const char *next_char;  /* rest of a short-option bundle, or NULL */
	int rest_leftover;      /* after "--" (or POSIX mode): all words are args */
	int posix;
	const char **leftovers;
	int nleftovers, leftover_pos;
	const char *optarg;     /* argument of the option just returned, or NULL */
};

/* leftovers must have room for argc entries */
void popt_init(struct popt_ctx *c, int argc, char **argv,
	       const struct popt_opt *table, int ntable, const char **leftovers);
int popt_next(struct popt_ctx *c);
const char *popt_get_arg(struct popt_ctx *c);
const char *popt_bad_option(const struct popt_ctx *c);
const char *popt_strerror(int err);

#endif
