/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the benchmarks share: start and end, CPU clocks, guest turns. */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libvirtio-guest.h"

/*
 * The start of every benchmark: the length of a measurement from
 * @seconds_env (@default_s when unset, at least @min_s), the rounds from
 * BENCH_REPS (3 when unset, at most 3, at least 1; @reps NULL: not read),
 * then SIGPIPE ignored, clocks, device models and @guest_ram bytes of
 * guest RAM.  A bad setting ends the program with status 1 and a line
 * naming @prog.
 */
void bench_start(const char *prog, const char *seconds_env, int default_s,
                 int min_s, int *seconds, int *reps, size_t guest_ram);
/*
 * The end: guest RAM and the temporary directory (test_tmpdir()) go,
 * and the "N goals met, N missed" line is printed; the number missed.
 */
int bench_finish(void);

/* CPU time of the process and of the calling thread, in seconds */
double bench_process_cpu_s(void);
double bench_thread_cpu_s(void);

/*
 * Turns of the main loop that do not sleep, for @ms: each takes the
 * device's work for @g (if any) as the guest would, then calls @turn (if
 * any).  The microseconds that passed.
 */
int64_t bench_drive(VGuest *g, int ms,
                    void (*turn)(VGuest *g, void *opaque), void *opaque);

/*
 * fork() with a pipe from the child to the parent: the parent gets the
 * child's pid and the read end in *@fd, the child 0 and the write end.
 */
pid_t bench_fork_piped(int *fd);

/* read() that goes on after EINTR: a peer's loop (0: end of file) */
ssize_t bench_read(int fd, void *buf, size_t len);

#endif
