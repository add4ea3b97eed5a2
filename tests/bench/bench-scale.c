/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark: the cost of many idle chardevs, and 31 ports streaming at once. */

/*
 * Figures (format in tests/bench-report.h, summary line last):
 *
 *   scale-mem-N          heap bytes per chardev with N chardevs open (a
 *                        mix of the four kinds below, a frontend on each);
 *                        reference: the same at 1
 *   scale-idle-cpu-N     CPU of this process while the N chardevs sit
 *                        idle, in % of one core; goal: below 2 %
 *   scale-iteration-N    thread CPU time of one main loop turn with
 *                        nothing to do but poll the N chardevs' fds;
 *                        reference: the same at 1
 *   scale-idle-wakeups-N main loop turns per second while idle (the
 *                        reconnecting clients' timers wake it); reference:
 *                        the same at 1
 *   vser-1-port          MB/s into the guest through one virtserialport
 *                        (reference)
 *   vser-31-ports        aggregate MB/s of 31 ports (v0.15.0's default
 *                        max_ports: the console at 0 and 30
 *                        virtserialports) streaming at once; goal: at
 *                        least one port's
 *   vser-31-fairness     slowest port's MB/s against the fastest's in the
 *                        same run; goal: at least 0.5
 *
 * The ports' peers are one writer thread each, in a child process.
 *
 * Kinds of chardev, in turn: a pty nobody opened, a unix server waiting
 * for a client, a tcp client reconnecting every second to a port where
 * nobody listens, and a unix server with an idle client connected (the
 * clients live in a child process).  BENCH_SCALE_SECONDS (default 3) is
 * the length of each idle and streaming measurement.
 */

#include <glib.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-timer.h"
#include "module.h"
#include "sysemu.h"
#include "support-test.h"
#include "support-virtio.h"
#include "libvirtio-guest.h"
#include "char-test-util.h"
#include "bench-report.h"
#include "bench-util.h"

#define NR_PORTS 31
#define GUEST_RAM (64 * 1024 * 1024)
#define ITER_TURNS 2000
#define FLOOD_CHUNK 65536

static const int scale_counts[] = { 1, 100, 500 };
static int seconds;
static uint64_t can_read_calls;

static int fe_can_read(void *opaque)
{
    can_read_calls++;
    return 4096;
}

static void fe_read(void *opaque, const uint8_t *buf, int size)
{
}

static void fe_event(void *opaque, int event)
{
}

/* A child that connects to every path and keeps the connections idle. */
static pid_t idle_clients(GPtrArray *paths, int *ready_fd)
{
    pid_t pid = bench_fork_piped(ready_fd);
    guint i;

    if (pid > 0) {
        return pid;
    }
    for (i = 0; i < paths->len; i++) {
        if (test_unix_connect(g_ptr_array_index(paths, i)) < 0) {
            _exit(2);
        }
    }
    /* ready; then wait to be killed */
    if (write(*ready_fd, "r", 1) != 1) {
        _exit(3);
    }
    for (;;) {
        pause();
    }
}

/* Hundreds of ptys print "char device redirected to ...": not figures. */
static void stderr_quiet(bool quiet)
{
    static int saved = -1;

    fflush(stderr);
    if (quiet && saved < 0) {
        int null_fd = open("/dev/null", O_WRONLY);

        saved = dup(STDERR_FILENO);
        dup2(null_fd, STDERR_FILENO);
        close(null_fd);
    } else if (!quiet && saved >= 0) {
        dup2(saved, STDERR_FILENO);
        close(saved);
        saved = -1;
    }
}

static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();

    return mi.uordblks + mi.hblkhd;
}

typedef struct ScaleResult {
    double mem_per_chr;
    double idle_cpu_pct;
    double iter_us;
    double wakeups;
} ScaleResult;

static bool all_opened(void *opaque)
{
    int *pending = opaque;

    return *pending == 0;
}

static int opened_pending;

static void fe_event_count(void *opaque, int event)
{
    if (event == CHR_EVENT_OPENED) {
        opened_pending--;
    }
}

static ScaleResult scale_run(int n, int closed_port)
{
    CharDriverState **chrs = g_new0(CharDriverState *, n);
    GPtrArray *client_paths = g_ptr_array_new_with_free_func(g_free);
    ScaleResult r;
    size_t heap0;
    double cpu0, wall0;
    uint64_t turns;
    pid_t clients = 0;
    int i, ready_fd = -1;
    char c;

    support_run_for(10);
    heap0 = heap_in_use();
    opened_pending = 0;
    stderr_quiet(true);
    for (i = 0; i < n; i++) {
        char *opt;

        switch (i % 4) {
        case 0:
            opt = g_strdup_printf("pty,id=sc%d", i);
            break;
        case 1:
            opt = g_strdup_printf("socket,id=sc%d,path=%s/w%d,server,nowait",
                                  i, test_tmpdir(), i);
            break;
        case 2:
            opt = g_strdup_printf("socket,id=sc%d,host=127.0.0.1,port=%d,"
                                  "reconnect=1", i, closed_port);
            break;
        default:
            opt = g_strdup_printf("socket,id=sc%d,path=%s/c%d,server,nowait",
                                  i, test_tmpdir(), i);
            g_ptr_array_add(client_paths,
                            g_strdup_printf("%s/c%d", test_tmpdir(), i));
            opened_pending++;
            break;
        }
        chrs[i] = test_chr_new(opt);
        if (!chrs[i]) {
            stderr_quiet(false);
            fprintf(stderr, "bench-scale: cannot open %s\n", opt);
            exit(1);
        }
        g_free(opt);
        qemu_chr_add_handlers(chrs[i], fe_can_read, fe_read,
                              i % 4 == 3 ? fe_event_count : fe_event, NULL);
    }
    stderr_quiet(false);
    if (client_paths->len) {
        clients = idle_clients(client_paths, &ready_fd);
        if (read(ready_fd, &c, 1) != 1 ||
            !support_run_until(all_opened, &opened_pending, 10000)) {
            fprintf(stderr, "bench-scale: the idle clients did not connect\n");
            exit(1);
        }
    }
    support_run_for(200);
    r.mem_per_chr = (double)(heap_in_use() - heap0) / n;

    /* idle: the loop sleeps until something is due */
    support_loop_stats_reset();
    cpu0 = bench_process_cpu_s();
    wall0 = g_get_monotonic_time() / 1e6;
    support_run_for(seconds * 1000);
    r.idle_cpu_pct = (bench_process_cpu_s() - cpu0) * 100 /
                     (g_get_monotonic_time() / 1e6 - wall0);
    r.wakeups = support_loop_iterations() / (double)seconds;

    /* turns that do not sleep: the cost of polling n chardevs */
    turns = 0;
    cpu0 = bench_thread_cpu_s();
    while (turns < ITER_TURNS) {
        main_loop_wait(1);
        turns++;
    }
    r.iter_us = (bench_thread_cpu_s() - cpu0) * 1e6 / turns;

    if (clients) {
        kill(clients, SIGKILL);
        waitpid(clients, NULL, 0);
        close(ready_fd);
    }
    for (i = 0; i < n; i++) {
        qemu_chr_close(chrs[i]);
    }
    support_run_for(10);
    g_free(chrs);
    g_ptr_array_free(client_paths, TRUE);
    return r;
}

/* ---- 31 virtserialports streaming into the guest ---- */

static VGuest *guest;
static DeviceState *vser;
static CharDriverState *port_chr[NR_PORTS];
static char *port_path[NR_PORTS];

/* Port 0 is the console (v0.15.0 keeps it for one), 1..30 serial ports. */
static void setup_ports(void)
{
    int i;

    vser = support_device_add("virtio-serial,id=sv,max_ports=31");
    g_assert(vser);
    for (i = 0; i < NR_PORTS; i++) {
        char *opt;

        port_path[i] = g_strdup_printf("%s/port%d", test_tmpdir(), i);
        opt = g_strdup_printf("socket,id=p%d,path=%s,server,nowait", i,
                              port_path[i]);
        port_chr[i] = test_chr_new(opt);
        g_assert(port_chr[i]);
        g_free(opt);
        opt = g_strdup_printf("%s,chardev=p%d,name=org.bench.%d,nr=%d",
                              i ? "virtserialport" : "virtconsole", i, i, i);
        g_assert(support_device_add(opt));
        g_free(opt);
    }
    guest = vg_new(vser);
    vg_init(guest, 1u << VIRTIO_CONSOLE_F_MULTIPORT);
    for (i = 0; i < NR_PORTS; i++) {
        /*
         * Read every byte, as a reader in the guest would, but into one
         * small buffer: piling each port's data up until the end of the
         * turn would make the guest model's own footprint grow with the
         * number of ports streaming, which is not what is measured.
         */
        vg_port(guest, i)->rx_discard = true;
        vg_port_open(guest, i);
    }
}

/* One peer per port, as separate programs would be: a blocking writer. */
static void *port_writer(void *opaque)
{
    static uint8_t buf[FLOOD_CHUNK];
    int fd = (intptr_t)opaque;

    memset(buf, 'v', sizeof(buf));
    while (write(fd, buf, sizeof(buf)) > 0 || errno == EINTR) {
        continue;
    }
    _exit(0);
}

/* A child with one writer thread per port first..first+nr-1. */
static pid_t port_flooder(int first, int nr)
{
    pid_t pid = fork();
    pthread_t tid;
    int i;

    g_assert(pid >= 0);
    if (pid > 0) {
        return pid;
    }
    for (i = 0; i < nr; i++) {
        int fd = test_unix_connect(port_path[first + i]);

        if (fd < 0 ||
            pthread_create(&tid, NULL, port_writer, (void *)(intptr_t)fd)) {
            _exit(2);
        }
    }
    for (;;) {
        pause();
    }
}

typedef struct PortRange {
    int first, nr;
} PortRange;

static bool ports_connected(VGuest *g, void *opaque)
{
    PortRange *r = opaque;
    int i;

    for (i = r->first; i < r->first + r->nr; i++) {
        if (!vg_port(g, i)->host_connected) {
            return false;
        }
    }
    return true;
}

static bool ports_disconnected(VGuest *g, void *opaque)
{
    int i;

    for (i = 0; i < NR_PORTS; i++) {
        if (vg_port(g, i)->host_connected) {
            return false;
        }
    }
    return true;
}

/* Stream into ports first..first+nr-1 for the run; MB/s of each. */
static void stream_run(int first, int nr, double *mbs)
{
    PortRange range = { first, nr };
    uint64_t start[NR_PORTS];
    pid_t pid = port_flooder(first, nr);
    uint64_t bytes = 0, irqs;
    int64_t us;
    double cpu0, cpu;
    int i;

    if (!vg_run_until(guest, ports_connected, &range, 10000)) {
        fprintf(stderr, "bench-scale: the port peers did not connect\n");
        exit(1);
    }
    vg_run_for(guest, 200);
    for (i = first; i < first + nr; i++) {
        start[i] = vg_port(guest, i)->rx_total;
    }
    irqs = guest->irqs;
    cpu0 = bench_process_cpu_s();
    support_loop_stats_reset();
    us = bench_drive(guest, seconds * 1000, NULL, NULL);
    cpu = bench_process_cpu_s() - cpu0;
    for (i = first; i < first + nr; i++) {
        bytes += vg_port(guest, i)->rx_total - start[i];
        mbs[i - first] = (vg_port(guest, i)->rx_total - start[i]) /
                         (double)us;
    }
    /*
     * Not figures, but what tells a slower code path from a loaded or
     * memory-bound machine: this process's CPU per MB moved, and how
     * many turns, callbacks and guest interrupts that took.
     */
    printf("# %d port(s): %.0f%% CPU, %.3f ms CPU/MB; %" PRIu64
           " main loop turns, %" PRIu64 " callbacks, %" PRIu64
           " guest interrupts for %.0f MB\n", nr, cpu * 1e8 / us,
           bytes ? cpu * 1e9 / bytes : 0.0, support_loop_iterations(),
           support_cb_count(), guest->irqs - irqs, bytes / 1e6);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    vg_run_until(guest, ports_disconnected, NULL, 10000);
}

int main(int argc, char **argv)
{
    BenchFigure *mem[ARRAY_SIZE(scale_counts)];
    BenchFigure *cpu[ARRAY_SIZE(scale_counts)];
    BenchFigure *iter[ARRAY_SIZE(scale_counts)];
    BenchFigure *cbs[ARRAY_SIZE(scale_counts)];
    BenchFigure *one, *all, *fair;
    int closed_port, reps, rep, i, k;

    bench_start("bench-scale", "BENCH_SCALE_SECONDS", 3, 1, &seconds, &reps,
                GUEST_RAM);
    /* error_report() of the clients that cannot reconnect: not figures */
    support_error_quiet(true);
    closed_port = test_free_tcp_port();

    for (k = 0; k < (int)ARRAY_SIZE(scale_counts); k++) {
        char name[64];
        int n = scale_counts[k];

        snprintf(name, sizeof(name), "scale-mem-%d", n);
        mem[k] = bench_figure_new(name, "B", false, k ? "scale-mem-1" : NULL,
                                  0);
        snprintf(name, sizeof(name), "scale-idle-cpu-%d", n);
        cpu[k] = bench_figure_new(name, "%", false, "2%", 1.0);
        snprintf(name, sizeof(name), "scale-iteration-%d", n);
        iter[k] = bench_figure_new(name, "us", false,
                                   k ? "scale-iteration-1" : NULL, 0);
        snprintf(name, sizeof(name), "scale-idle-wakeups-%d", n);
        cbs[k] = bench_figure_new(name, "per-s", false,
                                  k ? "scale-idle-wakeups-1" : NULL, 0);
    }
    for (rep = 0; rep < reps; rep++) {
        ScaleResult base = { 0 };

        for (k = 0; k < (int)ARRAY_SIZE(scale_counts); k++) {
            ScaleResult r = scale_run(scale_counts[k], closed_port);

            if (k == 0) {
                base = r;
            }
            bench_figure_add(mem[k], r.mem_per_chr, k ? base.mem_per_chr : 0);
            bench_figure_add(cpu[k], r.idle_cpu_pct, 2.0);
            bench_figure_add(iter[k], r.iter_us, k ? base.iter_us : 0);
            bench_figure_add(cbs[k], r.wakeups, k ? base.wakeups : 0);
        }
    }
    for (k = 0; k < (int)ARRAY_SIZE(scale_counts); k++) {
        bench_figure_report(mem[k]);
        bench_figure_report(cpu[k]);
        bench_figure_report(iter[k]);
        bench_figure_report(cbs[k]);
    }

    setup_ports();
    one = bench_figure_new("vser-1-port", "MB/s", true, NULL, 0);
    all = bench_figure_new("vser-31-ports", "MB/s", true, "vser-1-port",
                           1.0);
    fair = bench_figure_new("vser-31-fairness", "x", true, "fastest-port",
                            0.5);
    for (rep = 0; rep < reps; rep++) {
        double single, sum = 0, lo = 1e18, hi = 0;
        double mbs[NR_PORTS];

        stream_run(1, 1, mbs);
        single = mbs[0];
        stream_run(0, NR_PORTS, mbs);
        for (i = 0; i < NR_PORTS; i++) {
            sum += mbs[i];
            lo = MIN(lo, mbs[i]);
            hi = MAX(hi, mbs[i]);
        }
        printf("# round %d: one port %.0f MB/s; 31 ports %.0f MB/s, "
               "slowest %.1f, fastest %.1f\n", rep + 1, single, sum, lo, hi);
        bench_figure_add(one, single, 0);
        bench_figure_add(all, sum, single);
        bench_figure_add(fair, hi > 0 ? lo / hi : 0, 1.0);
    }
    bench_figure_report(one);
    bench_figure_report(all);
    bench_figure_report(fair);

    qdev_free(vser);
    vg_free(guest);
    for (i = 0; i < NR_PORTS; i++) {
        qemu_chr_close(port_chr[i]);
        g_free(port_path[i]);
    }
    bench_finish();
    return 0;
}
