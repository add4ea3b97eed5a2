/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark: socket chardev throughput, CPU with a slow peer, loop latency. */

/*
 * Output: one line per figure, "bench <name> <value> <unit> x<ratio>".
 *
 *   raw-unix-C        reference: a thread write()s C-byte chunks into a
 *                     unix socketpair, another reads it (64 KiB reads)
 *   fe-to-unix-C      the frontend writes C-byte chunks through a socket
 *                     chardev (unix, server) to a peer thread that reads
 *   unix-to-fe-C      a peer thread writes C-byte chunks, the chardev
 *                     delivers them to the frontend from the main loop
 *   *-ns-C            the same runs as time per C-byte call
 *   raw-slow-cpu,     CPU time per MiB (ms) spent by the writer while
 *   fe-slow-cpu       the reader drains 100x slower than raw writing goes
 *   max-iteration     longest single main-loop callback (chardev code)
 *                     during the chardev runs (wall time: a callback
 *                     preempted by another process counts in full)
 *   avg-iteration     average main-loop callback in the same runs (us)
 *
 * Throughput runs are repeated (BENCH_REPS) interleaved with their
 * reference and the best of each kept; the slow-reader runs keep the
 * least CPU.  The two iteration figures have the 1 ms goal as their
 * reference; every other ratio is to the raw reference at the same chunk
 * size (for MB/s higher is better, for ns and ms/MiB lower is better).
 *
 * Only the v0.15.0 qemu-char.h API (qemu_chr_open, qemu_chr_add_handlers,
 * qemu_chr_write) and main_loop_wait() are needed, so any implementation
 * of that API links.  The optional additions of this tree (back-pressure,
 * loop instrumentation) sit in the shim below; build with
 * -DBENCH_V015_ONLY to leave them out.
 */

#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-timer.h"
#include "sysemu.h"

#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>

/* ---------------------------------------------------------------- */
/* shim: optional additions beyond v0.15.0                          */
/* ---------------------------------------------------------------- */

static int bench_writable;

#ifndef BENCH_V015_ONLY
#include "support-test.h"

static void bench_write_ready(void *opaque)
{
    bench_writable = 1;
}

static void bench_shim_attach(CharDriverState *chr)
{
    qemu_chr_set_write_ready(chr, bench_write_ready, NULL);
}

/* Bytes taken now; 0 means "wait for bench_writable". */
static int bench_shim_write(CharDriverState *chr, const uint8_t *buf,
                            int len)
{
    int n = qemu_chr_write_nb(chr, buf, len);

    if (n <= 0) {
        bench_writable = 0;
        return n < 0 ? -1 : 0;
    }
    return n;
}

static void bench_shim_stats_reset(void)
{
    support_loop_stats_reset();
}

/* Longest callback since the last reset, in ns; -1 if unknown. */
static int64_t bench_shim_max_cb_ns(void)
{
    return support_cb_max_ns();
}

/* Add the callbacks since the last reset to the totals. */
static void bench_shim_cb_totals(uint64_t *count, int64_t *total_ns)
{
    *count += support_cb_count();
    *total_ns += support_cb_total_ns();
}
#else
static void bench_shim_attach(CharDriverState *chr)
{
}

/* v0.15.0: qemu_chr_write() takes what it takes; retry after a turn. */
static int bench_shim_write(CharDriverState *chr, const uint8_t *buf,
                            int len)
{
    int n = qemu_chr_write(chr, buf, len);

    if (n <= 0) {
        bench_writable = 1;
        return n < 0 ? -1 : 0;
    }
    return n;
}

static void bench_shim_stats_reset(void)
{
}

static int64_t bench_shim_max_cb_ns(void)
{
    return -1;
}

static void bench_shim_cb_totals(uint64_t *count, int64_t *total_ns)
{
}
#endif

/* ---------------------------------------------------------------- */
/* the benchmark proper: v0.15.0 API only                           */
/* ---------------------------------------------------------------- */

#define MiB (1024 * 1024)
#define PEER_READ_BUF 65536
/* repetitions of each throughput run; the best one counts */
#define BENCH_REPS 5
/* repetitions of the slow-reader CPU runs; the least CPU counts */
#define BENCH_SLOW_REPS 3

static const int chunk_sizes[] = { 1, 64, 4096, 65536 };

static int64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static double thread_cpu_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Enough bytes for a stable figure without a long run. */
static size_t total_for(int chunk)
{
    switch (chunk) {
    case 1:
        return MiB;
    case 64:
        return 16 * MiB;
    default:
        return 256 * MiB;
    }
}

static uint8_t pattern[65536];

/* A peer thread: writes or reads one fd. */
typedef struct Peer {
    int fd;
    int chunk;
    size_t total;
    double rate;            /* reader: bytes/s to pace at, 0: full speed */
    size_t done;            /* bytes moved so far (atomic: peer_done()) */
    int64_t end_ns;         /* when the last byte moved */
    double cpu_s;           /* thread CPU (writer) */
    pthread_t tid;
} Peer;

/* Progress of a peer thread, as seen from the main thread. */
static size_t peer_done(Peer *p)
{
    return __atomic_load_n(&p->done, __ATOMIC_ACQUIRE);
}

/* A peer thread is through: record it and wake the main loop. */
static void peer_finish(Peer *p, size_t done)
{
    p->end_ns = now_ns();
    __atomic_store_n(&p->done, done, __ATOMIC_RELEASE);
    qemu_notify_event();
}

static void *peer_writer(void *opaque)
{
    Peer *p = opaque;
    double cpu0 = thread_cpu_s();
    size_t done = 0;

    while (done < p->total) {
        size_t n = MIN((size_t)p->chunk, p->total - done);
        ssize_t r = write(p->fd, pattern, n);

        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("bench: peer write");
            exit(1);
        }
        done += r;
    }
    p->cpu_s = thread_cpu_s() - cpu0;
    peer_finish(p, done);
    return NULL;
}

static void *peer_reader(void *opaque)
{
    Peer *p = opaque;
    static uint8_t buf[PEER_READ_BUF];
    int64_t start = now_ns();
    size_t done = 0;

    while (done < p->total) {
        ssize_t r = read(p->fd, buf, sizeof(buf));

        if (r <= 0) {
            if (r < 0 && errno == EINTR) {
                continue;
            }
            fprintf(stderr, "bench: peer read ended early\n");
            exit(1);
        }
        done += r;
        if (p->rate > 0) {
            /* stay on the paced schedule */
            int64_t due = start + (int64_t)(done / p->rate * 1e9);
            int64_t wait = due - now_ns();

            if (wait > 0) {
                usleep(wait / 1000);
            }
        }
    }
    peer_finish(p, done);
    return NULL;
}

static void peer_start(Peer *p, void *(*fn)(void *))
{
    if (pthread_create(&p->tid, NULL, fn, p) != 0) {
        perror("bench: pthread_create");
        exit(1);
    }
}

static void report(const char *name, int chunk, double value,
                   const char *unit, double ref)
{
    char full[64];

    if (chunk > 0) {
        snprintf(full, sizeof(full), "%s-%d", name, chunk);
    } else {
        snprintf(full, sizeof(full), "%s", name);
    }
    printf("bench %s %.*f %s x%.2f\n", full, value < 10 ? 3 : 0, value, unit,
           ref > 0 ? value / ref : 0.0);
    fflush(stdout);
}

/* ---- raw reference ---- */

typedef struct RawResult {
    double mbs;
    double ns_per_call;
} RawResult;

static RawResult raw_run(int chunk)
{
    int sv[2];
    Peer w = { .chunk = chunk, .total = total_for(chunk) };
    Peer r = { .chunk = chunk, .total = total_for(chunk) };
    int64_t t0;
    RawResult res;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        perror("bench: socketpair");
        exit(1);
    }
    w.fd = sv[0];
    r.fd = sv[1];
    t0 = now_ns();
    peer_start(&r, peer_reader);
    peer_start(&w, peer_writer);
    pthread_join(w.tid, NULL);
    pthread_join(r.tid, NULL);
    res.mbs = r.total / 1e6 / ((r.end_ns - t0) / 1e9);
    res.ns_per_call = (double)(r.end_ns - t0) / (r.total / chunk);
    close(sv[0]);
    close(sv[1]);
    return res;
}

/* Writer CPU per MiB into a reader paced at rate bytes/s. */
static double raw_slow_cpu(size_t total, double rate)
{
    int sv[2];
    Peer w = { .chunk = 65536, .total = total };
    Peer r = { .chunk = 65536, .total = total, .rate = rate };

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        perror("bench: socketpair");
        exit(1);
    }
    w.fd = sv[0];
    r.fd = sv[1];
    peer_start(&r, peer_reader);
    peer_start(&w, peer_writer);
    pthread_join(w.tid, NULL);
    pthread_join(r.tid, NULL);
    close(sv[0]);
    close(sv[1]);
    return w.cpu_s / (total / (double)MiB);
}

/* ---- chardev runs ---- */

typedef struct Frontend {
    size_t received;
    int opened;
} Frontend;

static int fe_can_read(void *opaque)
{
    return 65536;
}

static void fe_read(void *opaque, const uint8_t *buf, int size)
{
    Frontend *fe = opaque;

    fe->received += size;
}

static void fe_event(void *opaque, int event)
{
    Frontend *fe = opaque;

    if (event == CHR_EVENT_OPENED) {
        fe->opened = 1;
    }
}

static char sock_path[108];

static int peer_connect(void)
{
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    snprintf(un.sun_path, sizeof(un.sun_path), "%s", sock_path);
    if (fd < 0 || connect(fd, (struct sockaddr *)&un, sizeof(un)) < 0) {
        perror("bench: connect");
        exit(1);
    }
    return fd;
}

/* A unix server chardev with one peer connected; returns the peer fd. */
static CharDriverState *chardev_open(Frontend *fe, int *peer_fd)
{
    static int seq;
    char label[32], name[160];
    CharDriverState *chr;

    snprintf(label, sizeof(label), "bench%d", seq++);
    snprintf(name, sizeof(name), "unix:%s,server,nowait", sock_path);
    chr = qemu_chr_open(label, name, NULL);
    if (!chr) {
        fprintf(stderr, "bench: cannot open %s\n", name);
        exit(1);
    }
    memset(fe, 0, sizeof(*fe));
    qemu_chr_add_handlers(chr, fe_can_read, fe_read, fe_event, fe);
    bench_shim_attach(chr);
    *peer_fd = peer_connect();
    while (!fe->opened) {
        main_loop_wait(0);
    }
    return chr;
}

/* Longest callback of the last chardev run (-1: not known). */
static int64_t run_cb_ns;
/* Callbacks and their time over all chardev runs. */
static uint64_t cb_count;
static int64_t cb_total_ns;

static void chardev_close(CharDriverState *chr, int peer_fd)
{
    run_cb_ns = bench_shim_max_cb_ns();
    bench_shim_cb_totals(&cb_count, &cb_total_ns);
    qemu_chr_add_handlers(chr, NULL, NULL, NULL, NULL);
    qemu_chr_close(chr);
    close(peer_fd);
}

/* Frontend writes everything; a peer reads (at rate, 0 = full speed). */
static void fe_to_unix(int chunk, size_t total, double rate,
                       double *mbs, double *ns_call, double *cpu_per_mib)
{
    Frontend fe;
    Peer r = { .chunk = chunk, .total = total, .rate = rate };
    CharDriverState *chr = chardev_open(&fe, &r.fd);
    size_t sent = 0, off = 0;
    int64_t t0;
    double cpu0;

    bench_shim_stats_reset();
    t0 = now_ns();
    cpu0 = thread_cpu_s();
    peer_start(&r, peer_reader);
    while (sent < total) {
        int want = MIN((size_t)chunk - off, total - sent);
        int n = bench_shim_write(chr, pattern + off, want);

        if (n < 0) {
            fprintf(stderr, "bench: chardev write failed\n");
            exit(1);
        }
        if (n == 0) {
            /* sleep in the main loop until the socket drains */
            do {
                main_loop_wait(0);
            } while (!bench_writable);
            continue;
        }
        sent += n;
        off = (off + n) % chunk;
    }
    /* anything still queued in the chardev goes out from the loop */
    while (peer_done(&r) < total) {
        main_loop_wait(0);
    }
    pthread_join(r.tid, NULL);
    *cpu_per_mib = (thread_cpu_s() - cpu0) / (total / (double)MiB);
    *mbs = total / 1e6 / ((r.end_ns - t0) / 1e9);
    *ns_call = (double)(r.end_ns - t0) / (total / chunk);
    chardev_close(chr, r.fd);
}

/* A peer writes everything; the chardev hands it to the frontend. */
static void unix_to_fe(int chunk, size_t total, double *mbs, double *ns_call)
{
    Frontend fe;
    Peer w = { .chunk = chunk, .total = total };
    CharDriverState *chr = chardev_open(&fe, &w.fd);
    int64_t t0, t1;

    bench_shim_stats_reset();
    t0 = now_ns();
    peer_start(&w, peer_writer);
    while (fe.received < total) {
        main_loop_wait(0);
    }
    t1 = now_ns();
    pthread_join(w.tid, NULL);
    *mbs = total / 1e6 / ((t1 - t0) / 1e9);
    *ns_call = (double)(t1 - t0) / (total / chunk);
    chardev_close(chr, w.fd);
}

int main(int argc, char **argv)
{
    RawResult raw[ARRAY_SIZE(chunk_sizes)];
    const char *tmp = getenv("TMPDIR");
    double mbs, ns, cpu, raw_cpu, fe_cpu, slow_rate;
    size_t slow_total = 16 * MiB;
    int64_t max_cb_ns = -1;
    unsigned i, rep;

    signal(SIGPIPE, SIG_IGN);
    init_clocks();
    snprintf(sock_path, sizeof(sock_path), "%s/bench-char-%d.sock",
             tmp && *tmp ? tmp : "/tmp", (int)getpid());
    for (i = 0; i < sizeof(pattern); i++) {
        pattern[i] = i * 131 + 7;
    }

    /*
     * 1. and 2.: the reference and both chardev directions, interleaved
     * and repeated; the best of each is kept, since other processes on
     * the machine can only make a run slower.  The longest callback is
     * taken from the least disturbed repetition of each run for the same
     * reason: the instrumentation counts wall time, preemption included.
     */
    for (i = 0; i < ARRAY_SIZE(chunk_sizes); i++) {
        int c = chunk_sizes[i];
        double fe_mbs = 0, fe_ns = 0, in_mbs = 0, in_ns = 0;
        int64_t fe_cb = INT64_MAX, in_cb = INT64_MAX;

        raw[i].mbs = 0;
        for (rep = 0; rep < BENCH_REPS; rep++) {
            RawResult r = raw_run(c);

            if (r.mbs > raw[i].mbs) {
                raw[i] = r;
            }
            fe_to_unix(c, total_for(c), 0, &mbs, &ns, &cpu);
            if (mbs > fe_mbs) {
                fe_mbs = mbs;
                fe_ns = ns;
            }
            fe_cb = MIN(fe_cb, run_cb_ns);
            unix_to_fe(c, total_for(c), &mbs, &ns);
            if (mbs > in_mbs) {
                in_mbs = mbs;
                in_ns = ns;
            }
            in_cb = MIN(in_cb, run_cb_ns);
        }
        max_cb_ns = MAX(max_cb_ns, MAX(fe_cb, in_cb));
        report("raw-unix", c, raw[i].mbs, "MB/s", raw[i].mbs);
        report("fe-to-unix", c, fe_mbs, "MB/s", raw[i].mbs);
        report("unix-to-fe", c, in_mbs, "MB/s", raw[i].mbs);
        report("raw-unix-ns", c, raw[i].ns_per_call, "ns",
               raw[i].ns_per_call);
        report("fe-to-unix-ns", c, fe_ns, "ns", raw[i].ns_per_call);
        report("unix-to-fe-ns", c, in_ns, "ns", raw[i].ns_per_call);
    }

    /* 3. a reader 100x slower than raw writing (least CPU of a few) */
    slow_rate = raw[ARRAY_SIZE(chunk_sizes) - 1].mbs * 1e6 / 100;
    raw_cpu = fe_cpu = 1e9;
    for (rep = 0; rep < BENCH_SLOW_REPS; rep++) {
        raw_cpu = MIN(raw_cpu, raw_slow_cpu(slow_total, slow_rate));
        fe_to_unix(65536, slow_total, slow_rate, &mbs, &ns, &cpu);
        fe_cpu = MIN(fe_cpu, cpu);
        max_cb_ns = MAX(max_cb_ns, run_cb_ns);
    }
    report("raw-slow-cpu", 0, raw_cpu * 1e3, "ms/MiB", raw_cpu * 1e3);
    report("fe-slow-cpu", 0, fe_cpu * 1e3, "ms/MiB", raw_cpu * 1e3);

    /*
     * 4. the longest main-loop callback seen in the chardev runs, and for
     * scale the average one (both against the 1 ms goal)
     */
    if (max_cb_ns >= 0) {
        report("max-iteration", 0, max_cb_ns / 1e6, "ms", 1.0);
    } else {
        printf("bench max-iteration unknown ms x0\n");
    }
    if (cb_count > 0) {
        report("avg-iteration", 0, cb_total_ns / 1e3 / cb_count, "us",
               1000.0);
    }
    unlink(sock_path);
    return 0;
}
