/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark: a guest streams into a slow reader behind virtio-serial. */

/*
 * A guest keeps a virtserialport's transmit ring full (it refills after
 * every main loop turn, as a guest blocked in write() refills when the
 * device's interrupt wakes it); the port's chardev is a unix socket server
 * whose client, a child process, reads 4 KiB at a time at READ_RATE
 * (256 KiB/s).  The reference is the same reader fed by a minimal writer:
 * one fd write handler on a non-blocking socket that writes guest-sized
 * chunks until the kernel refuses one.  What the chardev and virtio-serial
 * path adds on top of that is what QEMU's monitor waits for in a
 * single-threaded main loop, so the figures are per MiB delivered:
 *
 *   slow-raw-wakeups     main loop turns per MiB, minimal writer
 *                        (reference)
 *   slow-vser-wakeups    the same through virtio-serial; goal: at most
 *                        1.5x the reference
 *   slow-raw-cpu         CPU ms of this process per MiB, minimal writer
 *                        (reference)
 *   slow-vser-cpu        the same through virtio-serial (the simulated
 *                        guest's copies included); goal: at most 2x
 *   slow-vser-irqs       interrupts the guest gets per MiB, against the
 *                        guest buffers per MiB (one interrupt per buffer
 *                        would be x1.00); goal: at most 0.1x
 *   slow-raw-cb-max      longest single main loop callback in ms (wall
 *                        time), minimal writer; no goal, it shows what
 *                        the machine itself adds
 *   slow-vser-cb-max     the same through virtio-serial: the longest a
 *                        monitor command waits behind this traffic in a
 *                        single-threaded loop; goal: at most 1 ms
 *
 * (format in tests/bench-report.h).  BENCH_SLOW_SECONDS (default 3) is the
 * length of each measurement, after one second for the socket buffers to
 * fill; BENCH_REPS (at most 3) the rounds, raw and virtio-serial
 * alternating.
 */

#include <glib.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-timer.h"
#include "module.h"
#include "qemu_socket.h"
#include "sysemu.h"
#include "support-test.h"
#include "support-virtio.h"
#include "libvirtio-guest.h"
#include "char-test-util.h"
#include "bench-report.h"
#include "bench-util.h"

#define READ_RATE (256 * 1024)
#define READ_CHUNK 4096
#define GUEST_RAM (16 * 1024 * 1024)
#define WARMUP_MS 1000
#define MIB (1024.0 * 1024.0)

typedef struct SlowResult {
    double wakeups;         /* per MiB */
    double cpu_ms;          /* per MiB */
    double irqs;            /* per MiB */
    double cb_max_us;
    double kib_s;
} SlowResult;

static int seconds;
/* bytes the reader got, shared with it: what the writer side counts
 * includes whatever is still filling socket buffers */
static volatile uint64_t *reader_total;
static uint8_t chunk[READ_CHUNK];

/* The peer: connects to @path and reads READ_RATE bytes/s until EOF. */
static pid_t slow_reader(const char *path)
{
    uint8_t buf[READ_CHUNK];
    int64_t due;
    pid_t pid;
    int fd;

    pid = fork();
    g_assert(pid >= 0);
    if (pid > 0) {
        return pid;
    }
    fd = test_unix_connect(path);
    if (fd < 0) {
        _exit(2);
    }
    /* never faster than READ_RATE, even after waiting for data */
    due = g_get_monotonic_time();
    for (;;) {
        int64_t now = g_get_monotonic_time();
        ssize_t n;

        if (due > now) {
            g_usleep(due - now);
        } else {
            due = now;
        }
        n = bench_read(fd, buf, sizeof(buf));
        if (n == 0) {
            break;
        }
        if (n < 0) {
            _exit(3);
        }
        *reader_total += n;
        due += n * G_USEC_PER_SEC / READ_RATE;
    }
    _exit(0);
}

static void reap(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* ---- the reference: a plain socket and one write handler ---- */

typedef struct RawWriter {
    int fd;
} RawWriter;

static void raw_write(void *opaque)
{
    RawWriter *w = opaque;

    for (;;) {
        ssize_t n = write(w->fd, chunk, sizeof(chunk));

        if (n <= 0) {
            g_assert(n < 0 && (errno == EAGAIN || errno == EINTR));
            return;
        }
    }
}

static void keep_ring_full(VGuest *g, void *opaque)
{
    while (vg_port_write(g, 1, chunk, sizeof(chunk)) > 0) {
        continue;
    }
}

/* With @g, through its port 1; without, the raw writer's socket. */
static SlowResult measure(VGuest *g)
{
    void (*turn)(VGuest *g, void *opaque) = g ? keep_ring_full : NULL;
    SlowResult r;
    int64_t us;
    uint64_t b0, it0, irq0;
    double cpu0;

    bench_drive(g, WARMUP_MS, turn, NULL);
    support_loop_stats_reset();
    b0 = *reader_total;
    irq0 = g ? g->irqs : 0;
    it0 = support_loop_iterations();
    cpu0 = bench_process_cpu_s();
    us = bench_drive(g, seconds * 1000, turn, NULL);
    r.kib_s = (*reader_total - b0) / 1024.0 / (us / 1e6);
    r.wakeups = (support_loop_iterations() - it0) * MIB /
                MAX(*reader_total - b0, 1);
    r.cpu_ms = (bench_process_cpu_s() - cpu0) * 1e3 * MIB /
               MAX(*reader_total - b0, 1);
    r.irqs = g ? (g->irqs - irq0) * MIB / MAX(*reader_total - b0, 1) : 0;
    r.cb_max_us = support_cb_max_ns() / 1e3;
    return r;
}

static SlowResult raw_run(void)
{
    char *path = test_tmp_path("raw.sock");
    RawWriter w = { 0 };
    SlowResult r;
    int lfd;
    pid_t pid;

    lfd = unix_listen(path, NULL, 0);
    g_assert(lfd >= 0);
    pid = slow_reader(path);
    w.fd = qemu_accept(lfd, NULL, NULL);
    g_assert(w.fd >= 0);
    socket_set_nonblock(w.fd);
    qemu_set_fd_handler(w.fd, NULL, raw_write, &w);
    r = measure(NULL);
    qemu_set_fd_handler(w.fd, NULL, NULL, NULL);
    close(w.fd);
    close(lfd);
    reap(pid);
    unlink(path);
    g_free(path);
    return r;
}

/* ---- through a virtserialport ---- */

static bool port_open(VGuest *g, void *opaque)
{
    return vg_port(g, 1)->host_connected == (opaque != NULL);
}

static SlowResult vser_run(void)
{
    char *path = test_tmp_path("vser.sock");
    char *opt = g_strdup_printf("socket,id=slow,path=%s,server,nowait",
                                path);
    CharDriverState *chr;
    DeviceState *dev;
    VGuest *g;
    SlowResult r;
    pid_t pid;

    chr = test_chr_new(opt);
    g_assert(chr);
    dev = support_device_add("virtio-serial,id=sl,max_ports=2");
    g_assert(dev);
    g_assert(support_device_add("virtserialport,chardev=slow,"
                                "name=org.bench.slow,nr=1"));
    g = vg_new(dev);
    vg_init(g, 1u << VIRTIO_CONSOLE_F_MULTIPORT);
    vg_port_open(g, 1);
    pid = slow_reader(path);
    if (!vg_run_until(g, port_open, g, 10000)) {
        fprintf(stderr, "bench-slow-reader: the reader did not connect\n");
        exit(1);
    }
    r = measure(g);
    reap(pid);
    vg_run_until(g, port_open, NULL, 10000);
    qdev_free(dev);
    vg_free(g);
    qemu_chr_close(chr);
    g_free(opt);
    g_free(path);
    return r;
}

int main(int argc, char **argv)
{
    BenchFigure *raw_wk, *vser_wk, *raw_cpu, *vser_cpu, *irqs;
    BenchFigure *raw_cb, *vser_cb;
    int reps, rep;

    bench_start("bench-slow-reader", "BENCH_SLOW_SECONDS", 3, 1, &seconds,
                &reps, GUEST_RAM);
    reader_total = mmap(NULL, sizeof(*reader_total), PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    g_assert(reader_total != MAP_FAILED);
    memset(chunk, 's', sizeof(chunk));

    raw_wk = bench_figure_new("slow-raw-wakeups", "per-MiB", false, NULL, 0);
    vser_wk = bench_figure_new("slow-vser-wakeups", "per-MiB", false,
                               "slow-raw-wakeups", 1.5);
    raw_cpu = bench_figure_new("slow-raw-cpu", "ms/MiB", false, NULL, 0);
    vser_cpu = bench_figure_new("slow-vser-cpu", "ms/MiB", false,
                                "slow-raw-cpu", 2.0);
    irqs = bench_figure_new("slow-vser-irqs", "per-MiB", false,
                            "guest-buffers", 0.1);
    raw_cb = bench_figure_new("slow-raw-cb-max", "ms", false, "1ms", 0);
    vser_cb = bench_figure_new("slow-vser-cb-max", "ms", false, "1ms", 1.0);
    for (rep = 0; rep < reps; rep++) {
        SlowResult raw = raw_run();
        SlowResult vser = vser_run();

        printf("# round %d: raw %.0f KiB/s, %.0f wakeups/MiB, %.1f ms/MiB; "
               "virtio-serial %.0f KiB/s, %.0f wakeups/MiB, %.1f ms/MiB, "
               "%.1f irqs/MiB\n", rep + 1, raw.kib_s, raw.wakeups,
               raw.cpu_ms, vser.kib_s, vser.wakeups, vser.cpu_ms,
               vser.irqs);
        bench_figure_add(raw_wk, raw.wakeups, 0);
        bench_figure_add(vser_wk, vser.wakeups, raw.wakeups);
        bench_figure_add(raw_cpu, raw.cpu_ms, 0);
        bench_figure_add(vser_cpu, vser.cpu_ms, raw.cpu_ms);
        bench_figure_add(irqs, vser.irqs, MIB / READ_CHUNK);
        bench_figure_add(raw_cb, raw.cb_max_us / 1e3, 1.0);
        bench_figure_add(vser_cb, vser.cb_max_us / 1e3, 1.0);
    }
    bench_figure_report(raw_wk);
    bench_figure_report(vser_wk);
    bench_figure_report(raw_cpu);
    bench_figure_report(vser_cpu);
    bench_figure_report(irqs);
    bench_figure_report(raw_cb);
    bench_figure_report(vser_cb);

    munmap((void *)reader_total, sizeof(*reader_total));
    bench_finish();
    return 0;
}
