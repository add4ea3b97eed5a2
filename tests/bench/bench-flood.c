/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark: RSS while real peers and a guest flood chardevs for minutes. */

/*
 * Every flow below runs at the same time, for BENCH_FLOOD_SECONDS (default
 * 180), in this one process; the peers are child processes on real
 * sockets.  The question is whether any buffer grows with the traffic, so
 * the figures are the resident set size of this process:
 *
 *   flood-rss-warm    RSS once every flow is running (the reference,
 *                     taken after a quarter of the run, at most 20 s)
 *   flood-rss-peak    the largest RSS seen after that; goal: at most
 *                     1.1x the reference
 *   flood-rss-end     RSS at the end of the run; goal: the same
 *   *-queue-max       the largest output queue seen on a flow that drops,
 *                     against the bound documented in qemu-char.h (goal:
 *                     within it)
 *
 * (format in tests/bench-report.h; lower is better for all of them)
 *
 * Flows:
 *   in-tcp        a peer writes as fast as it can into a tcp server
 *                 chardev; the frontend takes everything
 *   in-stalled    the same on a unix socket, but the frontend takes
 *                 nothing for 3 s out of every 4 (the peer must block in
 *                 the kernel, not fill memory here)
 *   in-telnet     a peer floods a telnet server with random bytes
 *                 (IAC sequences included)
 *   out-drop      qemu_chr_write() of 16 KiB per ms towards a peer that
 *                 reads 400 KB/s: the queue stays bounded, drops counted
 *   out-nb        qemu_chr_write_nb() with the write-ready callback
 *                 towards the same kind of peer: nothing may be lost
 *   out-pty       qemu_chr_write() into a pty nobody opened
 *   guest-out     a guest writes to a virtserialport as fast as the
 *                 device takes it, towards a peer reading 400 KB/s
 *   guest-in      a peer floods a virtserialport whose guest stops
 *                 reading 3 s out of every 4
 */

#include <glib.h>
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

#define CHUNK 4096
#define SLOW_READ_BYTES 4096    /* per SLOW_READ_US: about 400 KB/s */
#define SLOW_READ_US 10000
#define OUTQ_BOUND (64 * 1024)  /* qemu_chr_write() queue (qemu-char.h) */
#define PTY_OUTQ_BOUND (1024 * 1024)
#define GUEST_RAM (16 * 1024 * 1024)

typedef struct Flow {
    const char *name;
    CharDriverState *chr;
    pid_t peer;
    int report_fd;          /* slow reader: its byte count, at EOF */
    bool stalls;            /* frontend or guest stops reading at times */
    bool stalled;
    bool nb;                /* writes with back-pressure */
    bool writable;
    int writes_per_tick;    /* 0: an input flow */
    uint64_t in;            /* bytes delivered to the frontend */
    uint64_t out;           /* bytes the chardev took */
    uint64_t peer_read;
    size_t queue_max;
    bool opened;            /* the peer is connected */
} Flow;

enum {
    IN_TCP, IN_STALLED, IN_TELNET, OUT_DROP, OUT_NB, OUT_PTY, GUEST_OUT,
    GUEST_IN, NR_FLOWS
};

static Flow flows[NR_FLOWS] = {
    [IN_TCP] = { .name = "in-tcp" },
    [IN_STALLED] = { .name = "in-stalled", .stalls = true },
    [IN_TELNET] = { .name = "in-telnet" },
    [OUT_DROP] = { .name = "out-drop", .writes_per_tick = 4 },
    [OUT_NB] = { .name = "out-nb", .nb = true, .writes_per_tick = 16 },
    [OUT_PTY] = { .name = "out-pty", .writes_per_tick = 4 },
    [GUEST_OUT] = { .name = "guest-out" },
    [GUEST_IN] = { .name = "guest-in", .stalls = true },
};

static uint8_t chunk[CHUNK];
static VGuest *guest;
static DeviceState *vser;

/* ---- peers: child processes that only use plain syscalls ---- */

typedef struct PeerAddr {
    bool is_unix;
    char path[108];
    int port;
} PeerAddr;

static int peer_connect(const PeerAddr *a)
{
    int fd = a->is_unix ? test_unix_connect(a->path)
                        : test_tcp_connect("127.0.0.1", a->port);

    if (fd < 0) {
        _exit(2);
    }
    return fd;
}

static void peer_close_inherited(int keep)
{
    int fd;

    /* the parent's sockets must see their peer leave when it does */
    for (fd = 3; fd < 1024; fd++) {
        if (fd != keep) {
            close(fd);
        }
    }
}

/* A peer that writes as fast as the kernel lets it, until killed. */
static pid_t peer_flood(const PeerAddr *a, bool random_bytes)
{
    pid_t pid = fork();
    uint8_t buf[65536];
    uint32_t x = 2463534242u;
    size_t i;
    int fd;

    g_assert(pid >= 0);
    if (pid > 0) {
        return pid;
    }
    peer_close_inherited(-1);
    fd = peer_connect(a);
    for (i = 0; i < sizeof(buf); i++) {
        /* xorshift: telnet gets every byte value, IAC included */
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = random_bytes ? x : 'a' + i % 26;
    }
    for (;;) {
        if (write(fd, buf, sizeof(buf)) < 0 && errno != EINTR) {
            _exit(0);
        }
    }
}

/* A peer that reads slowly and reports its byte count at end of file. */
static pid_t peer_slow_reader(const PeerAddr *a, int *report_fd)
{
    uint8_t buf[SLOW_READ_BYTES];
    uint64_t total = 0;
    pid_t pid = bench_fork_piped(report_fd);
    int fd;

    if (pid > 0) {
        return pid;
    }
    peer_close_inherited(*report_fd);
    fd = peer_connect(a);
    for (;;) {
        ssize_t n = bench_read(fd, buf, sizeof(buf));

        if (n == 0) {
            break;
        }
        if (n < 0) {
            _exit(3);
        }
        total += n;
        usleep(SLOW_READ_US);
    }
    if (write(*report_fd, &total, sizeof(total)) != sizeof(total)) {
        _exit(4);
    }
    _exit(0);
}

/* ---- frontends ---- */

static int fe_can_read(void *opaque)
{
    Flow *f = opaque;

    return f->stalled ? 0 : 65536;
}

static void fe_read(void *opaque, const uint8_t *buf, int size)
{
    Flow *f = opaque;

    f->in += size;
}

static void fe_event(void *opaque, int event)
{
    Flow *f = opaque;

    if (event == CHR_EVENT_OPENED) {
        f->opened = true;
    }
}

static void fe_write_ready(void *opaque)
{
    Flow *f = opaque;

    f->writable = true;
}

static CharDriverState *open_chr(const char *fmt, ...) GCC_FMT_ATTR(1, 2);

static CharDriverState *open_chr(const char *fmt, ...)
{
    CharDriverState *chr;
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    chr = test_chr_new(s);
    if (!chr) {
        fprintf(stderr, "bench-flood: cannot open %s\n", s);
        exit(1);
    }
    g_free(s);
    return chr;
}

static void attach(Flow *f, CharDriverState *chr)
{
    f->chr = chr;
    qemu_chr_add_handlers(chr, fe_can_read, fe_read, fe_event, f);
    if (f->nb) {
        qemu_chr_set_write_ready(chr, fe_write_ready, f);
        f->writable = true;
    }
}

static void unix_addr(PeerAddr *a, const char *name)
{
    a->is_unix = true;
    snprintf(a->path, sizeof(a->path), "%s/%s", test_tmpdir(), name);
}

static void setup_flows(void)
{
    PeerAddr a = { 0 };
    Flow *f;

    a.port = test_free_tcp_port();
    f = &flows[IN_TCP];
    attach(f, open_chr("socket,id=%s,host=127.0.0.1,port=%d,server,nowait",
                       f->name, a.port));
    f->peer = peer_flood(&a, false);

    unix_addr(&a, "in-stalled");
    f = &flows[IN_STALLED];
    attach(f, open_chr("socket,id=%s,path=%s,server,nowait", f->name,
                       a.path));
    f->peer = peer_flood(&a, false);

    memset(&a, 0, sizeof(a));
    a.port = test_free_tcp_port();
    f = &flows[IN_TELNET];
    attach(f, open_chr("socket,id=%s,host=127.0.0.1,port=%d,server,nowait,"
                       "telnet", f->name, a.port));
    f->peer = peer_flood(&a, true);

    unix_addr(&a, "out-drop");
    f = &flows[OUT_DROP];
    attach(f, open_chr("socket,id=%s,path=%s,server,nowait", f->name,
                       a.path));
    f->peer = peer_slow_reader(&a, &f->report_fd);

    unix_addr(&a, "out-nb");
    f = &flows[OUT_NB];
    attach(f, open_chr("socket,id=%s,path=%s,server,nowait", f->name,
                       a.path));
    f->peer = peer_slow_reader(&a, &f->report_fd);

    f = &flows[OUT_PTY];
    attach(f, open_chr("pty,id=%s", f->name));

    unix_addr(&a, "guest-out");
    f = &flows[GUEST_OUT];
    f->chr = open_chr("socket,id=%s,path=%s,server,nowait", f->name,
                      a.path);
    f->peer = peer_slow_reader(&a, &f->report_fd);

    unix_addr(&a, "guest-in");
    f = &flows[GUEST_IN];
    f->chr = open_chr("socket,id=%s,path=%s,server,nowait", f->name,
                      a.path);
    f->peer = peer_flood(&a, false);
}

/* ---- the guest: ports 1 (guest-out) and 2 (guest-in) ---- */

static void setup_guest(void)
{
    char *opt;

    vser = support_device_add("virtio-serial,id=fl,max_ports=4");
    g_assert(vser);
    opt = g_strdup_printf("virtserialport,chardev=%s,name=org.flood.out,"
                          "nr=1", flows[GUEST_OUT].name);
    g_assert(support_device_add(opt));
    g_free(opt);
    opt = g_strdup_printf("virtserialport,chardev=%s,name=org.flood.in,"
                          "nr=2", flows[GUEST_IN].name);
    g_assert(support_device_add(opt));
    g_free(opt);
    guest = vg_new(vser);
    vg_init(guest, 1u << VIRTIO_CONSOLE_F_MULTIPORT);
    /* hash what arrives rather than keep it: this process must not grow */
    vg_port(guest, 2)->rx_hash = g_checksum_new(G_CHECKSUM_SHA256);
    vg_port_open(guest, 1);
    vg_port_open(guest, 2);
}

static void guest_tick(void)
{
    Flow *out = &flows[GUEST_OUT], *in = &flows[GUEST_IN];
    VGuestPort *p1 = vg_port(guest, 1), *p2 = vg_port(guest, 2);

    vg_poll(guest);
    if (in->stalled != p2->rx_paused) {
        vg_port_set_rx_paused(guest, 2, in->stalled);
    }
    /* keep the tx ring full: the device takes what the peer drains */
    while (vg_port_write(guest, 1, chunk, sizeof(chunk)) > 0) {
        /* posted one more buffer */
    }
    out->out = p1->tx_total;
    in->in = p2->rx_total;
}

/* ---- the run ---- */

static bool all_connected(void)
{
    int i;

    for (i = 0; i < NR_FLOWS; i++) {
        if (flows[i].peer && i != GUEST_OUT && i != GUEST_IN &&
            !flows[i].opened) {
            return false;
        }
    }
    return vg_port(guest, 1)->host_connected &&
           vg_port(guest, 2)->host_connected;
}

static void write_tick(Flow *f)
{
    int i, n;

    for (i = 0; i < f->writes_per_tick; i++) {
        if (!f->nb) {
            qemu_chr_write(f->chr, chunk, sizeof(chunk));
            f->out += sizeof(chunk);
            continue;
        }
        if (!f->writable) {
            break;
        }
        n = qemu_chr_write_nb(f->chr, chunk, sizeof(chunk));
        if (n < 0) {
            fprintf(stderr, "bench-flood: %s: write error\n", f->name);
            exit(1);
        }
        f->out += n;
        if (n < (int)sizeof(chunk)) {
            /*
             * The rest of this chunk is not resent: the peer only counts
             * bytes, and what counts is that every byte taken arrives.
             */
            f->writable = false;
        }
    }
    f->queue_max = MAX(f->queue_max, qemu_chr_queued_bytes(f->chr));
}

static long rss_kib(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2) {
            resident = 0;
        }
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* One measurement: a figure of one round (format: bench-report.h). */
static void report(const char *name, double value, const char *unit,
                   const char *ref_name, double ref, double goal)
{
    BenchFigure *f = bench_figure_new(name, unit, false, ref_name, goal);

    bench_figure_add(f, value, ref_name ? ref : 0);
    bench_figure_report(f);
}

static uint64_t read_report(Flow *f)
{
    uint64_t total = 0;

    if (read(f->report_fd, &total, sizeof(total)) != sizeof(total)) {
        fprintf(stderr, "bench-flood: %s: the peer reported nothing\n",
                f->name);
        exit(1);
    }
    close(f->report_fd);
    return total;
}

static void print_progress(int64_t t_s, long rss)
{
    int i;

    printf("# t=%" PRId64 "s rss=%ld KiB", t_s, rss);
    for (i = 0; i < NR_FLOWS; i++) {
        printf(" %s=%" PRIu64 "MiB", flows[i].name,
               (flows[i].in + flows[i].out) >> 20);
    }
    printf("\n");
    fflush(stdout);
}

int main(int argc, char **argv)
{
    int seconds, warm_s, i, status;
    int64_t start, now, last_s = -1;
    long rss, rss_warm = 0, rss_peak = 0;
    bool ok = true;

    bench_start("bench-flood", "BENCH_FLOOD_SECONDS", 180, 8, &seconds, NULL,
                GUEST_RAM);
    warm_s = MIN(20, seconds / 4);
    memset(chunk, 'o', sizeof(chunk));

    setup_flows();
    setup_guest();

    /* the clock starts once every peer is connected */
    start = qemu_get_clock_ms(rt_clock);
    while (!all_connected()) {
        if (qemu_get_clock_ms(rt_clock) - start > 10000) {
            fprintf(stderr, "bench-flood: the peers did not connect\n");
            return 1;
        }
        vg_poll(guest);
        main_loop_wait(1);
        g_usleep(1000);
    }
    start = qemu_get_clock_ms(rt_clock);
    for (;;) {
        now = qemu_get_clock_ms(rt_clock) - start;
        if (now >= seconds * 1000) {
            break;
        }
        for (i = 0; i < NR_FLOWS; i++) {
            if (flows[i].stalls) {
                flows[i].stalled = (now / 1000) % 4 != 0;
            }
            if (flows[i].writes_per_tick) {
                write_tick(&flows[i]);
            }
        }
        guest_tick();
        main_loop_wait(1);
        if (now / 1000 != last_s) {
            last_s = now / 1000;
            rss = rss_kib();
            if (last_s == warm_s) {
                rss_warm = rss;
            } else if (last_s > warm_s) {
                rss_peak = MAX(rss_peak, rss);
            }
            if (last_s % 30 == 0) {
                print_progress(last_s, rss);
            }
        }
        /* a tick of about 1 ms: the writers' rates are per tick */
        g_usleep(1000);
    }
    rss = rss_kib();
    print_progress(seconds, rss);

    /* memory must not grow with the traffic; queues stay in bounds */
    report("flood-rss-warm", rss_warm, "KiB", NULL, 0, 0);
    report("flood-rss-peak", MAX(rss_peak, rss), "KiB", "flood-rss-warm",
           rss_warm, 1.1);
    report("flood-rss-end", rss, "KiB", "flood-rss-warm", rss_warm, 1.1);
    report("flood-out-drop-queue-max", flows[OUT_DROP].queue_max, "B",
           "64KiB-bound", OUTQ_BOUND, 1.0);
    report("flood-out-pty-queue-max", flows[OUT_PTY].queue_max, "B",
           "1MiB-bound", PTY_OUTQ_BOUND, 1.0);

    /* the peers that flood are killed; the readers drain and report */
    for (i = 0; i < NR_FLOWS; i++) {
        if (flows[i].peer && !flows[i].report_fd) {
            kill(flows[i].peer, SIGKILL);
        }
    }
    qdev_free(vser);
    g_checksum_free(vg_port(guest, 2)->rx_hash);
    vg_port(guest, 2)->rx_hash = NULL;
    vg_free(guest);
    for (i = 0; i < NR_FLOWS; i++) {
        Flow *f = &flows[i];
        uint64_t dropped = qemu_chr_dropped_bytes(f->chr);

        /* a closing chardev flushes what it can and counts the rest */
        qemu_chr_close(f->chr);
        if (f->report_fd) {
            f->peer_read = read_report(f);
        }
        if (f->peer) {
            waitpid(f->peer, &status, 0);
        }
        printf("# %s: %" PRIu64 " bytes in, %" PRIu64 " out, %" PRIu64
               " dropped before close, peer read %" PRIu64 "\n", f->name,
               f->in, f->out, dropped, f->peer_read);
        if ((f->nb || i == GUEST_OUT) &&
            (f->peer_read != f->out || dropped)) {
            fprintf(stderr, "bench-flood: %s lost data: %" PRIu64 " taken, "
                    "%" PRIu64 " arrived\n", f->name, f->out, f->peer_read);
            ok = false;
        }
        if (f->in + f->out == 0) {
            fprintf(stderr, "bench-flood: %s moved nothing\n", f->name);
            ok = false;
        }
    }
    bench_finish();
    return ok ? 0 : 1;
}
