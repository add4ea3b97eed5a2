/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark: socket chardev throughput, CPU with a slow peer, loop latency. */

/*
 * Output: one line per figure (format in tests/bench-report.h), each the
 * median of BENCH_REPS rounds (default 11), then "N goals met, N missed".
 * A round runs each reference next to what it is compared with, in an
 * order that turns from round to round, so that neither side always
 * runs first (right after the previous figure) or last.
 *
 *   raw-unix-C        reference: a thread write()s C-byte chunks into a
 *                     unix socketpair, another reads it (64 KiB reads)
 *   fe-to-unix-C      the frontend writes C-byte chunks through a socket
 *                     chardev (unix, server) to a peer thread that reads;
 *                     goal: at least 0.9x raw-unix-C
 *   unix-to-fe-C      a peer thread writes C-byte chunks, the chardev
 *                     delivers them to the frontend from the main loop;
 *                     goal: at least 0.9x raw-unix-C
 *   raw-slow-cpu,     CPU time per MiB (ms) spent by the writer while
 *   fe-slow-cpu       the reader drains 100x slower than raw writing
 *                     goes; goal: at most 2x raw
 *   callback-max      longest single main-loop callback in a round of
 *                     chardev runs (wall time: preemption by another
 *                     process counts in full); goal: at most 1 ms
 *   bare-callback-avg reference: average callback of a bare
 *                     qemu_set_fd_handler() reader taking 4 KiB per main
 *                     loop turn from a socket a peer keeps full
 *   bare-recvmsg-callback-avg, bare-recvmsg-iteration
 *                     the bare reader again, with recvmsg() and room for
 *                     passed fds, as a unix socket chardev must read (a
 *                     peer may pass fds with the data, v0.15.0's getfd);
 *                     the ratio shows what that syscall costs over read()
 *   callback-avg      the same through a socket chardev whose frontend
 *                     takes 4 KiB per turn; goal: at most 1.1x the bare
 *                     recvmsg() reader, which makes the same syscalls
 *   bare-iteration,   the whole main-loop turn (thread CPU time) of the
 *   iteration         bare read() run and of the chardev run; goal: at
 *                     most 1.1x bare-recvmsg-iteration
 *
 * Only the v0.15.0 qemu-char.h API (qemu_chr_open, qemu_chr_add_handlers,
 * qemu_chr_write) and main_loop_wait() are needed, so any implementation
 * of that API links.  The optional additions of this tree (back-pressure,
 * loop instrumentation) sit in the shim below; build with
 * -DBENCH_V015_ONLY to leave them out (the callback figures then too).
 */

#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-timer.h"
#include "sysemu.h"
#include "bench-report.h"

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

/* Average callback since the last reset, in ns. */
static double bench_shim_cb_avg_ns(void)
{
    uint64_t n = support_cb_count();

    return n ? (double)support_cb_total_ns() / n : 0;
}

static bool bench_shim_has_stats(void)
{
    return true;
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

static double bench_shim_cb_avg_ns(void)
{
    return 0;
}

static bool bench_shim_has_stats(void)
{
    return false;
}
#endif

/* ---------------------------------------------------------------- */
/* the benchmark proper: v0.15.0 API only                           */
/* ---------------------------------------------------------------- */

#define MiB (1024 * 1024)
#define PEER_READ_BUF 65536
/* rounds of each figure (BENCH_REPS overrides) */
#define BENCH_REPS 11
/* the frontend of the callback runs takes this much per main loop turn */
#define FIFO_SIZE 4096
/* main loop turns of one callback run */
#define FIFO_TURNS 20000

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
        return 64 * 1024;
    case 64:
        return 4 * MiB;
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

static void chardev_close(CharDriverState *chr, int peer_fd)
{
    run_cb_ns = bench_shim_max_cb_ns();
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

/* ---- callback cost: a frontend that takes 4 KiB per main loop turn ---- */

static volatile int fill_stop;

/* Keep the socket full until told to stop or the other end goes away. */
static void *peer_filler(void *opaque)
{
    Peer *p = opaque;

    while (!fill_stop) {
        if (write(p->fd, pattern, sizeof(pattern)) < 0 && errno != EINTR) {
            break;
        }
    }
    return NULL;
}

static int fifo_used;
static uint8_t bare_buf[FIFO_SIZE];

static void bare_read(void *opaque)
{
    int fd = (intptr_t)opaque;

    if (read(fd, bare_buf, sizeof(bare_buf)) <= 0) {
        fprintf(stderr, "bench: bare reader: no data\n");
        exit(1);
    }
}

/*
 * Read like a unix socket chardev does: recvmsg() with room for passed
 * fds (none come here), which costs more than read() in the kernel.
 */
static void bare_recvmsg_read(void *opaque)
{
    int fd = (intptr_t)opaque;
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(16 * sizeof(int))];
    } control;
    struct iovec iov = { .iov_base = bare_buf, .iov_len = sizeof(bare_buf) };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = &control, .msg_controllen = sizeof(control),
    };

    if (recvmsg(fd, &msg, MSG_CMSG_CLOEXEC) <= 0) {
        fprintf(stderr, "bench: bare recvmsg reader: no data\n");
        exit(1);
    }
}

static int fifo_can_read(void *opaque)
{
    return FIFO_SIZE - fifo_used;
}

static void fifo_read(void *opaque, const uint8_t *buf, int size)
{
    fifo_used += size;
}

typedef struct LoopCost {
    double cb_avg_us;        /* average callback, wall time */
    double iter_us;          /* main loop turn, thread CPU time */
} LoopCost;

/* FIFO_TURNS main loop turns, each one FIFO_SIZE read. */
static LoopCost loop_turns(void)
{
    LoopCost c;
    double cpu0;
    int i;

    bench_shim_stats_reset();
    cpu0 = thread_cpu_s();
    for (i = 0; i < FIFO_TURNS; i++) {
        fifo_used = 0;
        main_loop_wait(0);
    }
    c.iter_us = (thread_cpu_s() - cpu0) * 1e6 / FIFO_TURNS;
    c.cb_avg_us = bench_shim_cb_avg_ns() / 1e3;
    return c;
}

static LoopCost bare_loop(IOHandler *reader)
{
    int sv[2];
    Peer w = { 0 };
    LoopCost c;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        perror("bench: socketpair");
        exit(1);
    }
    w.fd = sv[0];
    fill_stop = 0;
    peer_start(&w, peer_filler);
    qemu_set_fd_handler(sv[1], reader, NULL, (void *)(intptr_t)sv[1]);
    c = loop_turns();
    qemu_set_fd_handler(sv[1], NULL, NULL, NULL);
    fill_stop = 1;
    shutdown(sv[1], SHUT_RDWR);
    pthread_join(w.tid, NULL);
    close(sv[0]);
    close(sv[1]);
    return c;
}

static LoopCost chardev_loop(void)
{
    Frontend fe;
    Peer w = { 0 };
    CharDriverState *chr = chardev_open(&fe, &w.fd);
    LoopCost c;

    qemu_chr_add_handlers(chr, fifo_can_read, fifo_read, fe_event, &fe);
    fill_stop = 0;
    peer_start(&w, peer_filler);
    c = loop_turns();
    fill_stop = 1;
    shutdown(w.fd, SHUT_RDWR);
    pthread_join(w.tid, NULL);
    chardev_close(chr, w.fd);
    return c;
}

/* ---- the rounds ---- */

enum { RAW, FE_TO_UNIX, UNIX_TO_FE, NR_KINDS };
enum { LOOP_BARE, LOOP_BARE_RECVMSG, LOOP_CHARDEV, NR_LOOPS };

/* The run in @slot of round @rep: each round starts one run later. */
static int round_order(int rep, int slot, int nr)
{
    return (rep + slot) % nr;
}

int main(int argc, char **argv)
{
    static const char *const kind_names[NR_KINDS] = {
        "raw-unix", "fe-to-unix", "unix-to-fe"
    };
    BenchFigure *tp[ARRAY_SIZE(chunk_sizes)][NR_KINDS];
    BenchFigure *slow_raw, *slow_fe, *cb_max, *cb_bare, *cb_bare_rm, *cb_fe,
                *it_bare, *it_bare_rm, *it_fe;
    const char *tmp = getenv("TMPDIR");
    const char *reps_env = getenv("BENCH_REPS");
    int reps = reps_env ? atoi(reps_env) : BENCH_REPS;
    size_t slow_total = 16 * MiB;
    double raw_64k_mbs = 0;
    unsigned i, k;
    int rep;

    if (reps < 1) {
        fprintf(stderr, "bench: BENCH_REPS must be at least 1\n");
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    init_clocks();
    snprintf(sock_path, sizeof(sock_path), "%s/bench-char-%d.sock",
             tmp && *tmp ? tmp : "/tmp", (int)getpid());
    for (i = 0; i < sizeof(pattern); i++) {
        pattern[i] = i * 131 + 7;
    }

    for (i = 0; i < ARRAY_SIZE(chunk_sizes); i++) {
        for (k = 0; k < NR_KINDS; k++) {
            char name[64], ref[64];

            snprintf(name, sizeof(name), "%s-%d", kind_names[k],
                     chunk_sizes[i]);
            snprintf(ref, sizeof(ref), "raw-unix-%d", chunk_sizes[i]);
            tp[i][k] = bench_figure_new(name, "MB/s", true,
                                        k == RAW ? NULL : ref,
                                        k == RAW ? 0 : 0.9);
        }
    }
    slow_raw = bench_figure_new("raw-slow-cpu", "ms/MiB", false, NULL, 0);
    slow_fe = bench_figure_new("fe-slow-cpu", "ms/MiB", false,
                               "raw-slow-cpu", 2.0);
    cb_max = bench_figure_new("callback-max", "ms", false, "1ms", 1.0);
    cb_bare = bench_figure_new("bare-callback-avg", "us", false, NULL, 0);
    cb_bare_rm = bench_figure_new("bare-recvmsg-callback-avg", "us", false,
                                  "bare-callback-avg", 0);
    cb_fe = bench_figure_new("callback-avg", "us", false,
                             "bare-recvmsg-callback-avg", 1.1);
    it_bare = bench_figure_new("bare-iteration", "us", false, NULL, 0);
    it_bare_rm = bench_figure_new("bare-recvmsg-iteration", "us", false,
                                  "bare-iteration", 0);
    it_fe = bench_figure_new("iteration", "us", false,
                             "bare-recvmsg-iteration", 1.1);

    /*
     * Every round runs each reference next to what it is compared with,
     * so that a machine busy with other work, or a reference that is
     * fast in one process and slow in the next, moves both together.
     * The order turns from round to round: a run that always came first
     * or last would carry whatever the previous figure left behind.
     */
    for (rep = 0; rep < reps; rep++) {
        int64_t round_cb_max = 0;
        double raw_cpu, mbs, ns, cpu;
        LoopCost loop[NR_LOOPS];
        int slot;

        for (i = 0; i < ARRAY_SIZE(chunk_sizes); i++) {
            int c = chunk_sizes[i];
            double tp_mbs[NR_KINDS];

            for (slot = 0; slot < NR_KINDS; slot++) {
                switch (round_order(rep, slot, NR_KINDS)) {
                case RAW:
                    tp_mbs[RAW] = raw_run(c).mbs;
                    break;
                case FE_TO_UNIX:
                    fe_to_unix(c, total_for(c), 0, &tp_mbs[FE_TO_UNIX], &ns,
                               &cpu);
                    round_cb_max = MAX(round_cb_max, run_cb_ns);
                    break;
                case UNIX_TO_FE:
                    unix_to_fe(c, total_for(c), &tp_mbs[UNIX_TO_FE], &ns);
                    round_cb_max = MAX(round_cb_max, run_cb_ns);
                    break;
                }
            }
            bench_figure_add(tp[i][RAW], tp_mbs[RAW], 0);
            bench_figure_add(tp[i][FE_TO_UNIX], tp_mbs[FE_TO_UNIX],
                             tp_mbs[RAW]);
            bench_figure_add(tp[i][UNIX_TO_FE], tp_mbs[UNIX_TO_FE],
                             tp_mbs[RAW]);
            if (c == 65536 && raw_64k_mbs == 0) {
                raw_64k_mbs = tp_mbs[RAW];
            }
        }

        /* a reader 100x slower than raw writing at 64 KiB */
        raw_cpu = raw_slow_cpu(slow_total, raw_64k_mbs * 1e6 / 100);
        bench_figure_add(slow_raw, raw_cpu * 1e3, 0);
        fe_to_unix(65536, slow_total, raw_64k_mbs * 1e6 / 100, &mbs, &ns,
                   &cpu);
        bench_figure_add(slow_fe, cpu * 1e3, raw_cpu * 1e3);
        round_cb_max = MAX(round_cb_max, run_cb_ns);

        if (round_cb_max >= 0 && bench_shim_has_stats()) {
            bench_figure_add(cb_max, round_cb_max / 1e6, 1.0);
        }
        for (slot = 0; slot < NR_LOOPS; slot++) {
            int k = round_order(rep, slot, NR_LOOPS);

            loop[k] = k == LOOP_CHARDEV ? chardev_loop() :
                      bare_loop(k == LOOP_BARE ? bare_read :
                                bare_recvmsg_read);
        }
        if (bench_shim_has_stats()) {
            bench_figure_add(cb_bare, loop[LOOP_BARE].cb_avg_us, 0);
            bench_figure_add(cb_bare_rm, loop[LOOP_BARE_RECVMSG].cb_avg_us,
                             loop[LOOP_BARE].cb_avg_us);
            bench_figure_add(cb_fe, loop[LOOP_CHARDEV].cb_avg_us,
                             loop[LOOP_BARE_RECVMSG].cb_avg_us);
        }
        bench_figure_add(it_bare, loop[LOOP_BARE].iter_us, 0);
        bench_figure_add(it_bare_rm, loop[LOOP_BARE_RECVMSG].iter_us,
                         loop[LOOP_BARE].iter_us);
        bench_figure_add(it_fe, loop[LOOP_CHARDEV].iter_us,
                         loop[LOOP_BARE_RECVMSG].iter_us);
    }

    for (i = 0; i < ARRAY_SIZE(chunk_sizes); i++) {
        for (k = 0; k < NR_KINDS; k++) {
            bench_figure_report(tp[i][k]);
        }
    }
    bench_figure_report(slow_raw);
    bench_figure_report(slow_fe);
    bench_figure_report(cb_max);
    bench_figure_report(cb_bare);
    bench_figure_report(cb_bare_rm);
    bench_figure_report(cb_fe);
    bench_figure_report(it_bare);
    bench_figure_report(it_bare_rm);
    bench_figure_report(it_fe);
    unlink(sock_path);
    bench_summary();
    return 0;
}
