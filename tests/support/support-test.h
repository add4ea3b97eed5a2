/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer hooks for tests and benchmarks; not a QEMU header. */

#ifndef SUPPORT_TEST_H
#define SUPPORT_TEST_H

#include "qemu-common.h"

/*
 * Main loop instrumentation (main-loop.c).  A "callback" is one fd read or
 * write handler, timer, bottom half, or one dispatch of the default
 * GMainContext; a main loop run from inside a callback counts as part of
 * that callback.  read_poll (can-read) calls are not counted.
 */
uint64_t support_loop_iterations(void);   /* main_loop_wait() iterations */
uint64_t support_cb_count(void);          /* callbacks run */
int64_t support_cb_max_ns(void);          /* longest single callback */
int64_t support_cb_total_ns(void);        /* time spent in callbacks */
void support_loop_stats_reset(void);      /* zero all four */

/*
 * Run main loop iterations until cond(opaque) is true or timeout_ms have
 * passed; never blocks past the deadline.  cond is checked before each
 * iteration; at least one (non-blocking if timeout_ms <= 0) iteration runs
 * unless cond is already true.  Returns cond's final value.
 */
bool support_run_until(bool (*cond)(void *opaque), void *opaque,
                       int timeout_ms);
/* Run main loop iterations for ms milliseconds (at least one iteration). */
void support_run_for(int ms);

/*
 * vl.c's startup phase (qemu-timer.c): chardevs open before
 * init_timer_alarm(), when arming a timer aborts the test.  Each GTest case
 * starts in it; init_timer_alarm() or the first main-loop iteration ends
 * it.  support_startup_begin() enters it again (a fresh QEMU run).
 */
bool support_timers_started(void);
void support_startup_begin(void);

/* fd handlers currently registered (not counting ones being removed). */
int support_fd_handler_count(void);
bool support_fd_has_handler(int fd);

/* fds open in this process, from /proc/self/fd. */
int support_count_open_fds(void);
/* Whether fd has FD_CLOEXEC set (false if fd is not open). */
bool support_fd_is_cloexec(int fd);

/* A fresh private directory under $TMPDIR (g_free the result), or NULL. */
char *support_make_tmpdir(void);
/* Remove path and everything below it; returns 0 or -errno. */
int support_rm_tmpdir(const char *path);

/*
 * error_report() capture (error.c).  Every error_report() message is
 * recorded (the formatted text, without program name, location or
 * newline); the last 64 are kept.  Quiet mode suppresses what error.c
 * would print to stderr (error_report and error_printf alike); messages
 * sent to a monitor are unaffected.
 */
const char *support_error_last(void);     /* NULL if none since clear */
int support_error_count(void);            /* error_report calls since clear */
bool support_error_seen(const char *substring); /* in any kept message */
void support_error_clear(void);
void support_error_quiet(bool quiet);

/* qemu_system_shutdown_request() calls since start or last clear. */
int support_shutdown_requested(void);
void support_shutdown_clear(void);

/* bdrv_commit_all() calls since start. */
int support_bdrv_commit_all_count(void);

/*
 * Output written to a "vc" chardev created by the text_console_init()
 * stand-in: NUL-terminated, the first SUPPORT_VC_OUTPUT_MAX bytes only.
 */
#define SUPPORT_VC_OUTPUT_MAX 65536
const char *support_vc_output(CharDriverState *chr);
size_t support_vc_output_len(CharDriverState *chr);
void support_vc_output_clear(CharDriverState *chr);

#endif
