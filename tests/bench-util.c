/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the benchmarks share: start and end, CPU clocks, guest turns. */
#include <glib.h>
#include <signal.h>
#include <time.h>

#include "qemu-common.h"
#include "qemu-timer.h"
#include "module.h"
#include "sysemu.h"
#include "support-test.h"
#include "support-virtio.h"
#include "char-test-util.h"
#include "bench-report.h"
#include "bench-util.h"

void bench_start(const char *prog, const char *seconds_env, int default_s,
                 int min_s, int *seconds, int *reps, size_t guest_ram)
{
    const char *env = getenv(seconds_env);
    const char *reps_env = getenv("BENCH_REPS");

    *seconds = env ? atoi(env) : default_s;
    if (*seconds < min_s) {
        fprintf(stderr, "%s: %s must be at least %d\n", prog, seconds_env,
                min_s);
        exit(1);
    }
    if (reps) {
        *reps = reps_env ? MIN(atoi(reps_env), 3) : 3;
        if (*reps < 1) {
            fprintf(stderr, "%s: BENCH_REPS must be at least 1\n", prog);
            exit(1);
        }
    }
    signal(SIGPIPE, SIG_IGN);
    init_clocks();
    module_call_init(MODULE_INIT_DEVICE);
    qdev_machine_creation_done();
    support_guest_ram_init(guest_ram);
}

int bench_finish(void)
{
    support_guest_ram_free();
    test_tmpdir_remove();
    return bench_summary();
}

static double clock_s(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

double bench_process_cpu_s(void)
{
    return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

double bench_thread_cpu_s(void)
{
    return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

int64_t bench_drive(VGuest *g, int ms,
                    void (*turn)(VGuest *g, void *opaque), void *opaque)
{
    int64_t t0 = g_get_monotonic_time(), now;

    do {
        main_loop_wait(0);
        if (g) {
            while (vg_poll(g)) {
                /* take what the device delivered, post new buffers */
            }
        }
        if (turn) {
            turn(g, opaque);
        }
        now = g_get_monotonic_time();
    } while (now - t0 < ms * 1000LL);
    return now - t0;
}

pid_t bench_fork_piped(int *fd)
{
    int p[2];
    pid_t pid;

    g_assert(pipe(p) == 0);
    pid = fork();
    g_assert(pid >= 0);
    close(p[pid > 0 ? 1 : 0]);
    *fd = p[pid > 0 ? 0 : 1];
    return pid;
}

ssize_t bench_read(int fd, void *buf, size_t len)
{
    ssize_t n;

    do {
        n = read(fd, buf, len);
    } while (n < 0 && errno == EINTR);
    return n;
}
