/* log.c - the daemon's log sink: syslog always (--syslog-facility; a line
 * whose prio carries a facility of its own keeps it), stderr in the
 * foreground, and an optional extra log file.  Safe to call from any thread. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "daemon.h"

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static int log_to_stderr = 1;
static int log_to_syslog;
static FILE *log_file;

static void daemon_sink(void *arg, int prio, const char *msg);

void lvsd_log_init(const struct lvs_host_opts *o, int facility)
{
	lvs_log_set_sink(daemon_sink, NULL);
	pthread_mutex_lock(&log_mu);
	log_to_stderr = o->log_stderr;
	if (!log_to_syslog) {
		openlog("lvsd", LOG_PID | LOG_NDELAY, facility);
		log_to_syslog = 1;
	}
	if (o->log_file && !log_file) {
		log_file = fopen(o->log_file, "ae");
		if (log_file)
			setvbuf(log_file, NULL, _IOLBF, 0);
	}
	pthread_mutex_unlock(&log_mu);
}

void lvsd_log_close(void)
{
	pthread_mutex_lock(&log_mu);
	if (log_file)
		fclose(log_file);
	log_file = NULL;
	if (log_to_syslog)
		closelog();
	log_to_syslog = 0;
	pthread_mutex_unlock(&log_mu);
}

static const char *prio_name(int prio)
{
	static const char *const n[] = { "emerg", "alert", "crit", "error", "warning", "notice", "info", "debug" };
	return n[prio & LOG_PRIMASK];
}

static void daemon_sink(void *arg, int prio, const char *msg)
{
	(void)arg;
	pthread_mutex_lock(&log_mu);
	if (log_to_syslog)
		syslog(prio, "%s", msg);
	if (log_to_stderr)
		fprintf(stderr, "lvsd[%d]: %s: %s\n", (int)getpid(), prio_name(prio), msg);
	if (log_file) {
		char ts[32];
		time_t now = time(NULL);
		struct tm tm;
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", localtime_r(&now, &tm));
		fprintf(log_file, "%s lvsd[%d]: %s: %s\n", ts, (int)getpid(), prio_name(prio), msg);
	}
	pthread_mutex_unlock(&log_mu);
}
