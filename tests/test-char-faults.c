/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fault injection for the chardev backends: dying, stalling, odd peers. */
#include <glib.h>
#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-config.h"
#include "qemu-error.h"
#include "qemu_socket.h"
#include "module.h"
#include "sysemu.h"
#include "support-test.h"
#include "support-virtio.h"
#include "char-test-util.h"
#include "libvirtio-guest.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define TIMEOUT_MS 10000
/* the stream every writer sends: offset s carries pattern[s % PAT_LEN] */
#define PAT_LEN (1024 * 1024)
/* bounds of the core and the pty backend (qemu-char.c) */
#define OUTQ_LIMIT (64 * 1024)
#define PTY_OUTQ_LIMIT (1024 * 1024)

static uint8_t *pattern;

/* ---- peers: forked children that talk to a chardev ---- */

enum {
    PEER_TCP,           /* connect to 127.0.0.1:port */
    PEER_UNIX,          /* connect to path */
    PEER_UNIX_LISTEN,   /* listen on path, take one client */
    PEER_PTY,           /* open the pty slave at path */
};

typedef struct PeerArgs {
    int kind;
    char path[108];
    int port;
    int read_size;          /* bytes per read (default 4096) */
    int read_pause_us;      /* pause after each read */
    bool write_back;        /* send 256 bytes every 8 reads */
    bool trickle;           /* 1 byte per read until SIGUSR1 */
    bool small_rcvbuf;      /* tcp: keep the kernel from absorbing a storm */
    int trickle_pause_us;
    char sink[256];         /* write what arrives to this file */
} PeerArgs;

static volatile sig_atomic_t peer_fast;

static void peer_usr1(int sig)
{
    peer_fast = 1;
}

static int peer_open(const PeerArgs *a)
{
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    struct sockaddr_in in = { .sin_family = AF_INET };
    int fd, lfd;

    switch (a->kind) {
    case PEER_TCP:
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (a->small_rcvbuf) {
            /* set before connect: the window is fixed at the handshake */
            int sz = 4096;

            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
        }
        in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        in.sin_port = htons(a->port);
        if (connect(fd, (struct sockaddr *)&in, sizeof(in)) < 0) {
            return -1;
        }
        return fd;
    case PEER_UNIX:
        return test_unix_connect(a->path);
    case PEER_UNIX_LISTEN:
        lfd = socket(AF_UNIX, SOCK_STREAM, 0);
        pstrcpy(un.sun_path, sizeof(un.sun_path), a->path);
        if (bind(lfd, (struct sockaddr *)&un, sizeof(un)) < 0 ||
            listen(lfd, 1) < 0) {
            return -1;
        }
        return lfd;
    case PEER_PTY:
        return open(a->path, O_RDWR | O_NOCTTY);
    }
    return -1;
}

static void peer_write_all(int fd, const uint8_t *buf, ssize_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            _exit(3);
        }
        buf += n;
        len -= n;
    }
}

/* The child: set up, say so on @ready, then read until end of file. */
static void G_GNUC_NORETURN peer_main(const PeerArgs *a, int ready)
{
    static uint8_t buf[65536];
    uint8_t back[256];
    struct sigaction sa = { .sa_handler = peer_usr1 };
    size_t size = a->read_size ? a->read_size : 4096;
    uint64_t reads = 0;
    int fd, out = -1;

    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_DFL);
    fd = peer_open(a);
    if (fd < 0) {
        _exit(2);
    }
    if (a->sink[0]) {
        out = open(a->sink, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    }
    if (a->kind == PEER_UNIX_LISTEN) {
        int lfd = fd;

        /* ready once it listens: the chardev connects at its open */
        peer_write_all(ready, (const uint8_t *)"L", 1);
        fd = accept(lfd, NULL, NULL);
        close(lfd);
        if (fd < 0) {
            _exit(2);
        }
    } else {
        peer_write_all(ready, (const uint8_t *)"R", 1);
    }
    close(ready);
    memset(back, 'b', sizeof(back));
    for (;;) {
        bool slow = a->trickle && !peer_fast;
        ssize_t n = read(fd, buf, slow ? 1 : MIN(size, sizeof(buf)));

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        if (out >= 0) {
            peer_write_all(out, buf, n);
        }
        if (a->write_back && ++reads % 8 == 0) {
            peer_write_all(fd, back, sizeof(back));
        }
        if (slow) {
            usleep(a->trickle_pause_us);
        } else if (a->read_pause_us) {
            usleep(a->read_pause_us);
        }
    }
    if (out >= 0) {
        close(out);
    }
    _exit(0);
}

/*
 * Fork a peer.  It keeps none of our fds (a copy of a chardev's socket
 * would keep the connection alive after we close it).  Returns once the
 * peer has done its setup (for PEER_UNIX_LISTEN: once it listens).
 */
static pid_t peer_spawn(const PeerArgs *a)
{
    int p[2];
    pid_t pid;
    char c;

    g_assert_cmpint(pipe2(p, O_CLOEXEC), ==, 0);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        /* a test that aborts must not leave its peer holding make's pipe */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() == 1 ||
            dup2(p[1], 3) < 0) {
            _exit(2);
        }
        close_range(4, ~0u, 0);
        peer_main(a, 3);
    }
    close(p[1]);
    g_assert(test_fd_readable(p[0], TIMEOUT_MS));
    g_assert_cmpint(read(p[0], &c, 1), ==, 1);
    close(p[0]);
    return pid;
}

/* Wait for a peer to exit on its own; its exit status. */
static int peer_wait(pid_t pid, int timeout_ms)
{
    gint64 end = g_get_monotonic_time() + timeout_ms * 1000LL;
    int status;

    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (g_get_monotonic_time() > end) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            g_error("peer %d did not finish in time", (int)pid);
        }
        support_run_for(5);
    }
    return status;
}

static void peer_kill(pid_t pid)
{
    int status;

    kill(pid, SIGKILL);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert(WIFSIGNALED(status));
}

/* ---- small helpers ---- */

/* Write the stream from *off; returns what the chardev accepted. */
static int write_stream(CharDriverState *chr, uint64_t *off, size_t len,
                        bool nb, GByteArray *accepted)
{
    size_t at = *off % PAT_LEN;
    int n;

    len = MIN(len, PAT_LEN - at);
    n = nb ? qemu_chr_write_nb(chr, pattern + at, len)
           : qemu_chr_write(chr, pattern + at, len);
    if (n > 0) {
        *off += n;
        if (accepted) {
            g_byte_array_append(accepted, pattern + at, n);
        }
    }
    return n;
}

/* The stream's bytes [0, len) hashed. */
static char *stream_sha256(uint64_t len)
{
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    char *s;

    while (len > 0) {
        size_t n = MIN(len, PAT_LEN);

        g_checksum_update(sum, pattern, n);
        len -= n;
    }
    s = g_strdup(g_checksum_get_string(sum));
    g_checksum_free(sum);
    return s;
}

static double thread_cpu_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the chardevs of the table-driven cases ---- */

/*
 * One chardev of a fault case and the peer that talks to it: in @opts,
 * @PATH@ is the file @sock in the test directory and @PORT@ a free tcp
 * port, which the peer is given too.
 */
typedef struct FaultRow {
    const char *path;       /* GTest path */
    int peer;               /* PEER_* */
    const char *opts;
    const char *sock;
    bool server;            /* kill: a new peer must be accepted after */
    bool small_rcvbuf;      /* storm: see PeerArgs */
    size_t chunk, limit;    /* storm: bytes per write, the queue bound */
} FaultRow;

/* The chardev options of @r; fills in the peer's @a and the path. */
static char *fault_row_opts(const FaultRow *r, PeerArgs *a, char **path)
{
    char *port, *opts;

    memset(a, 0, sizeof(*a));
    a->kind = r->peer;
    a->small_rcvbuf = r->small_rcvbuf;
    *path = r->sock ? test_tmp_path(r->sock) : NULL;
    if (*path) {
        pstrcpy(a->path, sizeof(a->path), *path);
    }
    if (strstr(r->opts, "@PORT@")) {
        a->port = test_free_tcp_port();
    }
    port = g_strdup_printf("%d", a->port);
    opts = test_subst(r->opts, "@PATH@", *path ? *path : "", "@PORT@", port,
                      NULL);
    g_free(port);
    return opts;
}

/* ---- 1. the peer is killed mid-transfer ---- */

typedef struct KillCase {
    const char *opts;       /* -chardev options */
    PeerArgs peer;
    bool server;            /* a new peer must be accepted afterwards */
    bool pty;
} KillCase;

static void kill_mid_transfer(KillCase *k)
{
    CharDriverState *chr;
    TestFrontend fe;
    uint64_t off = 0, dropped0, offered = 0, accepted = 0;
    size_t queued;
    gint64 t0, end;
    pid_t pid = 0;
    int i;

    k->peer.read_pause_us = 1000;
    k->peer.write_back = true;
    if (k->peer.kind == PEER_UNIX_LISTEN) {
        /* a client chardev connects at open: the peer listens first */
        pid = peer_spawn(&k->peer);
    }
    chr = test_chr_new(k->opts);
    g_assert(chr);
    test_fe_attach(&fe, chr);
    if (k->pty) {
        pstrcpy(k->peer.path, sizeof(k->peer.path), chr->filename + 4);
    }
    if (!pid) {
        pid = peer_spawn(&k->peer);
    }
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, TIMEOUT_MS));

    /* data both ways, and more output than the slow peer takes */
    end = g_get_monotonic_time() + TIMEOUT_MS * 1000LL;
    while (qemu_chr_queued_bytes(chr) == 0 || fe.input->len == 0) {
        g_assert_cmpint(write_stream(chr, &off, 16384, false, NULL), >, 0);
        support_run_for(1);
        g_assert_cmpint(g_get_monotonic_time(), <, end);
    }
    queued = qemu_chr_queued_bytes(chr);
    dropped0 = qemu_chr_dropped_bytes(chr);
    peer_kill(pid);

    support_loop_stats_reset();
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_CLOSED, TIMEOUT_MS));
    g_assert_cmpint(support_loop_iterations(), <, 100);
    g_assert_cmpint(test_fe_count_events(&fe, CHR_EVENT_CLOSED), ==, 1);
    if (k->pty) {
        /* kept for the next client */
        g_assert_cmpuint(qemu_chr_queued_bytes(chr), ==, queued);
    } else {
        /* a socket peer is gone for good: what it did not get is counted */
        g_assert_cmpuint(qemu_chr_queued_bytes(chr), ==, 0);
        g_assert_cmpuint(qemu_chr_dropped_bytes(chr) - dropped0, ==,
                         queued);
    }

    /* writing on: never blocks, never spins, and drops are accounted */
    dropped0 = qemu_chr_dropped_bytes(chr);
    t0 = g_get_monotonic_time();
    for (i = 0; i < 128; i++) {
        int n = write_stream(chr, &off, 16384, false, NULL);
        int nb;

        g_assert_cmpint(n, >=, 0);
        offered += 16384;
        accepted += n;
        nb = qemu_chr_write_nb(chr, pattern, 512);
        g_assert(nb == -1 || (nb >= 0 && nb <= 512));
    }
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 1000000);
    support_loop_stats_reset();
    support_run_for(200);
    g_assert_cmpint(support_loop_iterations(), <, 50);
    if (k->pty) {
        g_assert_cmpuint(qemu_chr_queued_bytes(chr), <=, PTY_OUTQ_LIMIT);
        g_assert_cmpuint(qemu_chr_dropped_bytes(chr) - dropped0, ==,
                         offered - accepted);
        g_assert_cmpuint(qemu_chr_dropped_bytes(chr), >, 0);
    } else {
        /* without a peer the v0.15.0 contract discards: nothing queues */
        g_assert_cmpuint(qemu_chr_queued_bytes(chr), ==, 0);
    }

    if (k->server || k->pty) {
        /* the next peer gets a working chardev */
        k->peer.read_pause_us = 0;
        pid = peer_spawn(&k->peer);
        end = g_get_monotonic_time() + TIMEOUT_MS * 1000LL;
        while (test_fe_count_events(&fe, CHR_EVENT_OPENED) < 2) {
            g_assert_cmpint(g_get_monotonic_time(), <, end);
            support_run_for(5);
        }
        /* what was kept for it drains, and new output flows */
        g_assert(test_chr_wait_drained(chr, TIMEOUT_MS));
        fe.input->len = 0;
        for (i = 0; i < 16; i++) {
            g_assert_cmpint(write_stream(chr, &off, 4096, false, NULL), ==,
                            4096);
            support_run_for(1);
        }
        g_assert(test_fe_wait_input(&fe, 256, TIMEOUT_MS));
        peer_kill(pid);
        g_assert(test_fe_wait_event(&fe, CHR_EVENT_CLOSED, TIMEOUT_MS));
        end = g_get_monotonic_time() + TIMEOUT_MS * 1000LL;
        while (test_fe_count_events(&fe, CHR_EVENT_CLOSED) < 2) {
            g_assert_cmpint(g_get_monotonic_time(), <, end);
            support_run_for(5);
        }
    }
    test_fe_close_chr(&fe);
    if (k->peer.kind == PEER_UNIX_LISTEN) {
        unlink(k->peer.path);
    }
}

static void test_kill(gconstpointer data)
{
    const FaultRow *r = data;
    KillCase k = { .server = r->server, .pty = r->peer == PEER_PTY };
    char *path, *opts = fault_row_opts(r, &k.peer, &path);

    k.opts = opts;
    kill_mid_transfer(&k);
    if (r->server && path) {
        g_assert(access(path, F_OK) != 0);
    }
    g_free(opts);
    g_free(path);
}

/* ---- 2. the peer stalls (SIGSTOP) and resumes ---- */

typedef struct NbWriter {
    CharDriverState *chr;
    uint64_t off, total;
    uint64_t wakeups;
} NbWriter;

static void nb_writer_push(void *opaque)
{
    NbWriter *w = opaque;

    w->wakeups++;
    while (w->off < w->total) {
        int n = write_stream(w->chr, &w->off,
                             MIN(w->total - w->off, 65536), true, NULL);

        g_assert_cmpint(n, >=, 0);
        if (n == 0) {
            break;
        }
    }
}

static bool nb_writer_done(void *opaque)
{
    NbWriter *w = opaque;

    return w->off >= w->total;
}

static char *file_sha256(const char *path, size_t *len)
{
    gchar *data;
    gsize n;
    char *s;

    g_assert(g_file_get_contents(path, &data, &n, NULL));
    s = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)data, n);
    *len = n;
    g_free(data);
    return s;
}

/*
 * The unix server chardev @id at <name>.sock in the test directory, and a
 * peer (@a, made a PEER_UNIX) connected to it that writes what it reads
 * to the file <name>.out (*@sink).  The peer's pid.
 */
static pid_t sink_peer_start(const char *name, const char *id, PeerArgs *a,
                             CharDriverState **chr, char **sink)
{
    char *file = g_strdup_printf("%s.sock", name);
    char *path = test_tmp_path(file);
    char *opts = g_strdup_printf("socket,id=%s,path=%s,server,nowait", id,
                                 path);
    pid_t pid;

    *chr = test_chr_new(opts);
    g_assert(*chr);
    g_free(file);
    file = g_strdup_printf("%s.out", name);
    *sink = test_tmp_path(file);
    a->kind = PEER_UNIX;
    pstrcpy(a->path, sizeof(a->path), path);
    pstrcpy(a->sink, sizeof(a->sink), *sink);
    pid = peer_spawn(a);
    support_run_for(20);
    g_free(file);
    g_free(opts);
    g_free(path);
    return pid;
}

static void test_stall_backpressure(void)
{
    PeerArgs a = { .read_size = 65536, .read_pause_us = 2000 };
    NbWriter w = { .total = 32 << 20 };
    CharDriverState *chr;
    char *sink, *want, *got;
    uint64_t at_stop, iters;
    double cpu;
    size_t len;
    pid_t pid;

    pid = sink_peer_start("stall-bp", "sbp", &a, &chr, &sink);
    w.chr = chr;
    qemu_chr_set_write_ready(chr, nb_writer_push, &w);
    nb_writer_push(&w);
    support_run_for(100);

    /* the peer stops: the writer waits, and so does the loop */
    kill(pid, SIGSTOP);
    at_stop = w.off;
    g_assert_cmpuint(at_stop, <, w.total);
    support_run_for(50);
    at_stop = w.off;
    support_loop_stats_reset();
    cpu = thread_cpu_seconds();
    support_run_for(2000);
    iters = support_loop_iterations();
    cpu = thread_cpu_seconds() - cpu;
    g_test_message("stopped 2 s: %" PRIu64 " iterations, %.3f s CPU, "
                   "%" PRIu64 " bytes written meanwhile", iters, cpu,
                   w.off - at_stop);
    g_assert_cmpuint(iters, <, 50);
    g_assert_cmpfloat(cpu, <, 0.2);
    /* a stopped peer's socket takes nothing more */
    g_assert_cmpuint(w.off, ==, at_stop);

    kill(pid, SIGCONT);
    g_assert(support_run_until(nb_writer_done, &w, 60000));
    g_assert_cmpuint(qemu_chr_dropped_bytes(chr), ==, 0);
    g_assert_cmpuint(qemu_chr_queued_bytes(chr), ==, 0);
    /* closing hands the peer its end of file */
    qemu_chr_close(chr);
    g_assert_cmpint(peer_wait(pid, 30000), ==, 0);

    want = stream_sha256(w.total);
    got = file_sha256(sink, &len);
    g_assert_cmpuint(len, ==, w.total);
    g_assert_cmpstr(got, ==, want);
    unlink(sink);
    g_free(want);
    g_free(got);
    g_free(sink);
}

typedef struct DropWriter {
    CharDriverState *chr;
    uint64_t off, offered;
    GByteArray *accepted;
    size_t max_queued;
    uint64_t calls;
} DropWriter;

/* qemu_chr_write for @ms: 32 KiB every 5 ms. */
static void drop_writer_run(DropWriter *d, int ms)
{
    gint64 end = g_get_monotonic_time() + ms * 1000LL;

    while (g_get_monotonic_time() < end) {
        uint64_t before = d->off;
        size_t len = MIN(32768, PAT_LEN - d->off % PAT_LEN);
        int n = write_stream(d->chr, &d->off, len, false, d->accepted);

        g_assert_cmpint(n, >=, 0);
        g_assert_cmpuint(d->off - before, ==, n);
        /* the part that is dropped is the tail of this write, counted */
        d->offered += len;
        if (n < (int)len) {
            d->off += len - n;
        }
        d->max_queued = MAX(d->max_queued, qemu_chr_queued_bytes(d->chr));
        d->calls++;
        support_run_for(5);
    }
}

static void test_stall_no_backpressure(void)
{
    PeerArgs a = { .read_size = 65536 };
    DropWriter d = { 0 };
    CharDriverState *chr;
    uint64_t calls, iters;
    gchar *data, *sink;
    gsize len;
    double cpu;
    pid_t pid;

    pid = sink_peer_start("stall-drop", "sdr", &a, &chr, &sink);
    d.chr = chr;
    d.accepted = g_byte_array_new();

    drop_writer_run(&d, 200);
    g_assert_cmpuint(qemu_chr_dropped_bytes(chr), ==, 0);
    kill(pid, SIGSTOP);
    calls = d.calls;
    support_loop_stats_reset();
    cpu = thread_cpu_seconds();
    drop_writer_run(&d, 2000);
    iters = support_loop_iterations();
    cpu = thread_cpu_seconds() - cpu;
    calls = d.calls - calls;
    g_test_message("stopped 2 s: %" PRIu64 " writes, %" PRIu64
                   " iterations, %.3f s CPU, %" PRIu64 " bytes dropped",
                   calls, iters, cpu, qemu_chr_dropped_bytes(chr));
    /* one or two iterations per 5 ms nap, no spinning */
    g_assert_cmpuint(iters, <, 3 * calls + 20);
    g_assert_cmpfloat(cpu, <, 0.5);
    kill(pid, SIGCONT);
    drop_writer_run(&d, 200);
    g_assert(test_chr_wait_drained(chr, TIMEOUT_MS));

    /* every byte offered was either accepted or counted as dropped */
    g_assert_cmpuint(qemu_chr_dropped_bytes(chr), >, 0);
    g_assert_cmpuint(d.accepted->len + qemu_chr_dropped_bytes(chr), ==,
                     d.offered);
    g_assert_cmpuint(d.max_queued, <=, OUTQ_LIMIT);
    qemu_chr_close(chr);
    g_assert_cmpint(peer_wait(pid, 30000), ==, 0);

    /* what arrived is exactly the accepted prefixes, in order */
    g_assert(g_file_get_contents(sink, &data, &len, NULL));
    g_assert_cmpuint(len, ==, d.accepted->len);
    g_assert(memcmp(data, d.accepted->data, len) == 0);
    g_free(data);
    unlink(sink);
    g_byte_array_free(d.accepted, TRUE);
    g_free(sink);
}

/* ---- 3. accept() fails with EMFILE ---- */

static bool under_valgrind(void)
{
    const char *preload = g_getenv("LD_PRELOAD");

    return preload && strstr(preload, "vgpreload");
}

/*
 * The highest fd below @limit (valgrind keeps fds of its own above the
 * limit it reports).
 */
static int highest_open_fd(rlim_t limit)
{
    GHashTable *fds = test_fd_snapshot();
    GHashTableIter it;
    gpointer key;
    int max = 0;

    g_hash_table_iter_init(&it, fds);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        int fd = GPOINTER_TO_INT(key);

        if ((rlim_t)fd < limit) {
            max = MAX(max, fd);
        }
    }
    g_hash_table_unref(fds);
    return max;
}

static void emfile_case(const char *opts, const char *unix_path, int port)
{
    CharDriverState *chr = test_chr_new(opts);
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    struct sockaddr_in in = { .sin_family = AF_INET };
    struct rlimit saved, low;
    int fillers[256], nfill = 0, cfd, fd, i;
    TestFrontend fe;
    uint64_t iters;
    char buf[8];

    g_assert(chr);
    test_fe_attach(&fe, chr);
    support_run_for(10);
    cfd = socket(unix_path ? AF_UNIX : AF_INET, SOCK_STREAM | SOCK_CLOEXEC,
                 0);
    g_assert_cmpint(cfd, >=, 0);

    /* no fd number is left: the next accept() fails with EMFILE */
    g_assert_cmpint(getrlimit(RLIMIT_NOFILE, &saved), ==, 0);
    low = saved;
    low.rlim_cur = highest_open_fd(saved.rlim_cur) + 1;
    g_assert_cmpint(setrlimit(RLIMIT_NOFILE, &low), ==, 0);
    while ((fd = dup(0)) >= 0) {
        g_assert_cmpint(nfill, <, G_N_ELEMENTS(fillers));
        fillers[nfill++] = fd;
    }
    g_assert_cmpint(errno, ==, EMFILE);

    if (unix_path) {
        pstrcpy(un.sun_path, sizeof(un.sun_path), unix_path);
        g_assert_cmpint(connect(cfd, (struct sockaddr *)&un, sizeof(un)),
                        ==, 0);
    } else {
        in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        in.sin_port = htons(port);
        g_assert_cmpint(connect(cfd, (struct sockaddr *)&in, sizeof(in)),
                        ==, 0);
    }
    support_error_clear();
    support_error_quiet(true);
    support_loop_stats_reset();
    support_run_for(400);
    iters = support_loop_iterations();
    support_error_quiet(false);
    g_test_message("EMFILE for 400 ms: %" PRIu64 " iterations, %d errors",
                   iters, support_error_count());
    /* it said so, once, and then it waited instead of retrying at once */
    g_assert(support_error_seen("Too many open files"));
    g_assert_cmpint(support_error_count(), ==, 1);
    g_assert_cmpuint(iters, <, 50);
    g_assert_cmpint(fe.nr_events, ==, 0);

    for (i = 0; i < nfill; i++) {
        close(fillers[i]);
    }
    g_assert_cmpint(setrlimit(RLIMIT_NOFILE, &saved), ==, 0);
    if (under_valgrind()) {
        /*
         * valgrind's accept() takes the connection and closes the fd it
         * cannot hand out, so that client is gone: bring a new one.
         */
        close(cfd);
        cfd = unix_path ? test_unix_connect(unix_path)
                        : test_tcp_connect("127.0.0.1", port);
        g_assert_cmpint(cfd, >=, 0);
    }
    /* the pause is about a second; then the pending client is taken */
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 3000));
    g_assert_cmpint(write(cfd, "up", 2), ==, 2);
    g_assert(test_fe_wait_input(&fe, 2, TIMEOUT_MS));
    g_assert(memcmp(fe.input->data, "up", 2) == 0);
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"ok", 2), ==, 2);
    support_run_for(1);
    g_assert(test_read_full(cfd, buf, 2, TIMEOUT_MS));
    g_assert(memcmp(buf, "ok", 2) == 0);
    close(cfd);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_CLOSED, TIMEOUT_MS));
    test_fe_close_chr(&fe);
}

static void test_emfile(gconstpointer data)
{
    const FaultRow *r = data;
    PeerArgs a;
    char *path, *opts = fault_row_opts(r, &a, &path);

    emfile_case(opts, path, a.port);
    g_free(opts);
    g_free(path);
}

/* ---- 4. the unix socket path is removed while listening ---- */

static void test_unix_path_removed(void)
{
    char *path = test_tmp_path("removed.sock");
    char *opts = g_strdup_printf("socket,id=rm,path=%s,server,nowait",
                                 path);
    CharDriverState *chr = test_chr_new(opts);
    struct stat before, after;
    TestFrontend fe;
    char buf[8];
    int peer, other, probe;

    g_assert(chr);
    test_fe_attach(&fe, chr);
    peer = test_unix_connect(path);
    g_assert_cmpint(peer, >=, 0);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, TIMEOUT_MS));

    g_assert_cmpint(unlink(path), ==, 0);
    /* the connected client does not care */
    g_assert(test_write_full(peer, "still", 5, TIMEOUT_MS));
    g_assert(test_fe_wait_input(&fe, 5, TIMEOUT_MS));
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"here", 4), ==, 4);
    support_run_for(1);
    g_assert(test_read_full(peer, buf, 4, TIMEOUT_MS));
    g_assert(memcmp(buf, "here", 4) == 0);

    /* somebody else takes the name */
    other = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    {
        struct sockaddr_un un = { .sun_family = AF_UNIX };

        pstrcpy(un.sun_path, sizeof(un.sun_path), path);
        g_assert_cmpint(bind(other, (struct sockaddr *)&un, sizeof(un)),
                        ==, 0);
        g_assert_cmpint(listen(other, 1), ==, 0);
    }
    g_assert_cmpint(stat(path, &before), ==, 0);

    /* our client leaves; the server goes on waiting, unharmed */
    close(peer);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_CLOSED, TIMEOUT_MS));
    support_loop_stats_reset();
    support_run_for(100);
    g_assert_cmpuint(support_loop_iterations(), <, 20);

    /* closing does not fail and leaves the other server's file alone */
    support_error_clear();
    test_fe_close_chr(&fe);
    g_assert_cmpint(support_error_count(), ==, 0);
    g_assert_cmpint(stat(path, &after), ==, 0);
    g_assert_cmpuint(after.st_ino, ==, before.st_ino);
    probe = test_unix_connect(path);
    g_assert_cmpint(probe, >=, 0);
    close(probe);
    close(other);
    unlink(path);

    /* and with nothing at the path at all, close is quiet too */
    chr = test_chr_new(opts);
    g_assert(chr);
    g_assert_cmpint(unlink(path), ==, 0);
    support_run_for(5);
    qemu_chr_close(chr);
    g_assert_cmpint(support_error_count(), ==, 0);
    g_assert(access(path, F_OK) != 0);
    g_free(opts);
    g_free(path);
}

/* ---- 5. EAGAIN storm: a peer that takes one byte at a time ---- */

typedef struct SinkWait {
    const char *path;
    size_t len;
} SinkWait;

static bool sink_has(void *opaque)
{
    SinkWait *w = opaque;
    struct stat st;

    return stat(w->path, &st) == 0 && (size_t)st.st_size >= w->len;
}

/*
 * qemu_chr_write() of @chunk bytes every millisecond for 1.5 s to a peer
 * that reads one byte at a time: each read frees a sliver of room, so the
 * backend keeps hitting EAGAIN (and, for a pty, wakes up for every few
 * bytes).  The loop must not spin, the queue must stay within @limit and
 * every byte offered is accepted or counted as dropped.
 */
static void storm_case(const char *opts, PeerArgs *a, size_t chunk,
                       size_t limit)
{
    char *sink = test_tmp_path("storm.out");
    CharDriverState *chr = test_chr_new(opts);
    uint64_t off = 0, offered = 0, dropped0, iters, cbs;
    GByteArray *accepted = g_byte_array_new();
    size_t max_queued = 0;
    TestFrontend fe;
    gint64 end;
    double cpu;
    gchar *data;
    gsize len;
    pid_t pid;

    g_assert(chr);
    test_fe_attach(&fe, chr);
    if (a->kind == PEER_PTY) {
        pstrcpy(a->path, sizeof(a->path), chr->filename + 4);
    }
    a->read_size = 65536;
    a->trickle = true;
    a->trickle_pause_us = 20;
    pstrcpy(a->sink, sizeof(a->sink), sink);
    pid = peer_spawn(a);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, TIMEOUT_MS));
    dropped0 = qemu_chr_dropped_bytes(chr);

    support_loop_stats_reset();
    cpu = thread_cpu_seconds();
    end = g_get_monotonic_time() + 1500000;
    while (g_get_monotonic_time() < end) {
        size_t n = MIN(chunk, PAT_LEN - off % PAT_LEN);
        uint64_t before = off;
        int ret = write_stream(chr, &off, n, false, accepted);

        g_assert_cmpint(ret, >=, 0);
        g_assert_cmpuint(off - before, ==, ret);
        /* the tail that did not fit is dropped: the stream skips it */
        off += n - ret;
        offered += n;
        max_queued = MAX(max_queued, qemu_chr_queued_bytes(chr));
        support_run_for(1);
    }
    cpu = thread_cpu_seconds() - cpu;
    iters = support_loop_iterations();
    cbs = support_cb_count();
    g_test_message("storm 1.5 s: %" PRIu64 " offered, %u accepted, %"
                   PRIu64 " iterations, %" PRIu64 " callbacks, %.3f s CPU, "
                   "max queue %zu", offered, accepted->len, iters, cbs, cpu,
                   max_queued);
    g_assert_cmpuint(max_queued, <=, limit);
    g_assert_cmpuint(qemu_chr_dropped_bytes(chr) - dropped0, >, 0);
    g_assert_cmpuint(accepted->len + qemu_chr_dropped_bytes(chr) - dropped0,
                     ==, offered);
    /*
     * About one iteration per 1 ms write plus the wakeups the peer's
     * reads cause (at most one per byte it took): no spin.
     */
    g_assert_cmpuint(iters, <, 3000 + accepted->len);
    g_assert_cmpfloat(cpu, <, 0.75);

    /* the peer speeds up: every accepted byte arrives, in order */
    kill(pid, SIGUSR1);
    g_assert(test_chr_wait_drained(chr, 30000));
    g_assert_cmpuint(accepted->len + qemu_chr_dropped_bytes(chr) - dropped0,
                     ==, offered);
    /*
     * Closing a pty master throws away what its client has not read yet,
     * so wait until the peer has it all.
     */
    g_assert(support_run_until(sink_has, &(SinkWait){ sink, accepted->len },
                               30000));
    test_fe_close_chr(&fe);
    if (a->kind == PEER_PTY) {
        int status;

        /* the slave hangs up when the master closes: EIO ends the peer */
        g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    } else {
        g_assert_cmpint(peer_wait(pid, 30000), ==, 0);
    }
    g_assert(g_file_get_contents(sink, &data, &len, NULL));
    g_assert_cmpuint(len, ==, accepted->len);
    g_assert(memcmp(data, accepted->data, len) == 0);
    g_free(data);
    unlink(sink);
    g_byte_array_free(accepted, TRUE);
    g_free(sink);
}

static void test_storm(gconstpointer data)
{
    const FaultRow *r = data;
    PeerArgs a;
    char *path, *opts = fault_row_opts(r, &a, &path);

    storm_case(opts, &a, r->chunk, r->limit);
    g_free(opts);
    g_free(path);
}

/* ---- 6. the chardev is closed from inside a frontend callback ---- */

typedef struct Closer {
    CharDriverState *chr;
    int closed;             /* qemu_chr_close calls made */
    int reads;
    int events[8];
    int nr_events;
    bool close_in_read;
    bool close_on_closed;
    GByteArray *input;
} Closer;

static void closer_close(Closer *c)
{
    CharDriverState *chr = c->chr;

    if (!chr) {
        return;
    }
    c->chr = NULL;
    c->closed++;
    qemu_chr_close(chr);
}

static int closer_can_read(void *opaque)
{
    return 4096;
}

static void closer_read(void *opaque, const uint8_t *buf, int size)
{
    Closer *c = opaque;

    g_assert(c->chr);
    g_byte_array_append(c->input, buf, size);
    c->reads++;
    if (c->close_in_read) {
        closer_close(c);
    }
}

static void closer_event(void *opaque, int event)
{
    Closer *c = opaque;

    if (c->nr_events < G_N_ELEMENTS(c->events)) {
        c->events[c->nr_events++] = event;
    }
    if (event == CHR_EVENT_CLOSED && c->close_on_closed) {
        closer_close(c);
    }
}

static void closer_write_ready(void *opaque)
{
    closer_close(opaque);
}

static void closer_attach(Closer *c, CharDriverState *chr)
{
    memset(c, 0, sizeof(*c));
    c->chr = chr;
    c->input = g_byte_array_new();
    qemu_chr_add_handlers(chr, closer_can_read, closer_read, closer_event,
                          c);
}

static bool closer_done(void *opaque)
{
    Closer *c = opaque;

    return c->closed > 0;
}

/* The last event the frontend heard was CLOSED, after one OPENED. */
static void closer_check(Closer *c)
{
    g_assert_cmpint(c->closed, ==, 1);
    g_assert_cmpint(c->nr_events, >=, 1);
    g_assert_cmpint(c->events[0], ==, CHR_EVENT_OPENED);
    g_assert_cmpint(c->events[c->nr_events - 1], ==, CHR_EVENT_CLOSED);
    g_byte_array_free(c->input, TRUE);
}

static bool peer_sees_eof(int fd)
{
    char buf[4096];
    gint64 end = g_get_monotonic_time() + TIMEOUT_MS * 1000LL;

    while (g_get_monotonic_time() < end) {
        ssize_t n;

        if (!test_fd_readable(fd, 100)) {
            continue;
        }
        n = read(fd, buf, sizeof(buf));
        if (n == 0 || (n < 0 && errno == ECONNRESET)) {
            return true;
        }
    }
    return false;
}

static void test_close_in_write_ready(void)
{
    char *path;
    CharDriverState *chr = test_unix_server_new(test_tmpdir(), "cwr", &path);
    uint64_t off = 0;
    gint64 end;
    Closer c;
    int peer;

    g_assert(chr);
    closer_attach(&c, chr);
    peer = test_unix_connect(path);
    g_assert_cmpint(peer, >=, 0);
    support_run_for(20);
    /* fill the socket, plus some queued output from qemu_chr_write */
    while (write_stream(chr, &off, 65536, true, NULL) > 0) {
        continue;
    }
    g_assert_cmpint(write_stream(chr, &off, 4096, false, NULL), ==, 4096);
    qemu_chr_set_write_ready(chr, closer_write_ready, &c);
    support_run_for(20);
    g_assert_cmpint(c.closed, ==, 0);

    /* the peer drains; the frontend closes the chardev when told */
    socket_set_nonblock(peer);
    end = g_get_monotonic_time() + TIMEOUT_MS * 1000LL;
    while (!c.closed) {
        char buf[65536];

        g_assert_cmpint(g_get_monotonic_time(), <, end);
        while (read(peer, buf, sizeof(buf)) > 0) {
            continue;
        }
        support_run_until(closer_done, &c, 10);
    }
    g_assert(peer_sees_eof(peer));
    close(peer);
    closer_check(&c);
    g_assert(access(path, F_OK) != 0);
    g_free(path);
}

/* Input from @peer_fd makes the frontend close the chardev. */
static void close_in_read_case(CharDriverState *chr, int peer_fd,
                               const void *data, size_t len, bool on_closed)
{
    Closer c;

    g_assert(chr);
    closer_attach(&c, chr);
    c.close_in_read = !on_closed;
    c.close_on_closed = on_closed;
    support_run_for(20);
    g_assert(test_write_full(peer_fd, data, len, TIMEOUT_MS));
    g_assert(support_run_until(closer_done, &c, TIMEOUT_MS));
    g_assert_cmpint(c.reads, >=, 1);
    support_run_for(10);
    closer_check(&c);
}

static void test_close_in_read_socket(void)
{
    char *path;
    CharDriverState *chr = test_unix_server_new(test_tmpdir(), "crd", &path);
    uint8_t big[32768];
    int peer;

    g_assert(chr);
    peer = test_unix_connect(path);
    g_assert_cmpint(peer, >=, 0);
    test_fill_pattern(big, sizeof(big), 6);
    /* more than one read's worth is waiting when the frontend closes */
    close_in_read_case(chr, peer, big, sizeof(big), false);
    g_assert(peer_sees_eof(peer));
    close(peer);
    g_free(path);
}

static void test_close_in_read_telnet(void)
{
    static const uint8_t data[] = {
        'a', 'b', 255, 243, 'c', 'd', 255, 243, 'e',
    };
    int port = test_free_tcp_port();
    char *opts = g_strdup_printf("socket,id=crt,host=127.0.0.1,port=%d,"
                                 "server,nowait,telnet", port);
    CharDriverState *chr = test_chr_new(opts);
    int peer;

    g_assert(chr);
    peer = test_tcp_connect("127.0.0.1", port);
    g_assert_cmpint(peer, >=, 0);
    /* data, then BREAK, then more data, in one segment */
    close_in_read_case(chr, peer, data, sizeof(data), false);
    g_assert(peer_sees_eof(peer));
    close(peer);
    g_free(opts);
}

static void test_close_in_read_pipe(void)
{
    TestFifos f;
    CharDriverState *chr = test_pipe_chr_new(&f, "crp");
    int wfd;

    wfd = open(f.in, O_WRONLY | O_CLOEXEC);
    g_assert_cmpint(wfd, >=, 0);
    close_in_read_case(chr, wfd, "0123456789", 10, false);
    close(wfd);
    test_fifos_free(&f);
}

static void test_close_in_read_pty(void)
{
    CharDriverState *chr = test_chr_new("pty,id=crpty");
    int slave;

    g_assert(chr);
    slave = open(chr->filename + 4, O_RDWR | O_NOCTTY | O_CLOEXEC);
    g_assert_cmpint(slave, >=, 0);
    close_in_read_case(chr, slave, "pty-input", 9, false);
    close(slave);
}

/* A frontend that closes the chardev when it hears the peer left. */
static void test_close_on_hangup(void)
{
    char *path;
    CharDriverState *chr = test_unix_server_new(test_tmpdir(), "chup", &path);
    uint64_t off = 0;
    Closer c;
    int peer;

    g_assert(chr);
    closer_attach(&c, chr);
    c.close_on_closed = true;
    peer = test_unix_connect(path);
    g_assert_cmpint(peer, >=, 0);
    support_run_for(20);
    /* output is queued when the peer goes: it is dropped on the way */
    while (write_stream(chr, &off, 65536, false, NULL) == 65536) {
        continue;
    }
    g_assert_cmpuint(qemu_chr_queued_bytes(chr), >, 0);
    close(peer);
    g_assert(support_run_until(closer_done, &c, TIMEOUT_MS));
    support_run_for(10);
    closer_check(&c);
    g_free(path);
}

/* ---- 7. a virtio-serial port is unplugged during a transfer ---- */

#define WANT_FEATURES ((1u << VIRTIO_CONSOLE_F_MULTIPORT) | \
                       (1u << VIRTIO_RING_F_INDIRECT_DESC))

static int guest_closes, guest_opens;

static void count_guest_open(CharDriverState *chr)
{
    guest_opens++;
}

static void count_guest_close(CharDriverState *chr)
{
    guest_closes++;
}

static bool cond_connected(VGuest *g, void *opaque)
{
    return vg_port(g, 1)->host_connected;
}

static bool cond_removed(VGuest *g, void *opaque)
{
    return !vg_port(g, 1)->present;
}

static bool cond_tx_back(VGuest *g, void *opaque)
{
    return vg_port(g, 1)->tx_inflight == 0;
}

/* Peer side of the transfer: read some, write some, never block. */
static void unplug_peer_step(int peer, uint64_t *got, uint64_t *sent,
                             bool read_all)
{
    uint8_t buf[8192];
    ssize_t n;

    n = read(peer, buf, read_all ? sizeof(buf) : 1024);
    if (n > 0) {
        *got += n;
    }
    n = write(peer, pattern + *sent % PAT_LEN, 4096);
    if (n > 0) {
        *sent += n;
    }
}

static void test_virtio_unplug(void)
{
    char *path;
    CharDriverState *chr = test_unix_server_new(test_tmpdir(), "uplug", &path);
    uint64_t got = 0, sent = 0, iters;
    DeviceState *vser, *port;
    VirtIOSerialPort *vport;
    gint64 end;
    VGuest *g;
    int peer, i;

    g_assert(chr);
    vser = support_device_add("virtio-serial,id=uvser,max_ports=2");
    g_assert(vser);
    g = vg_new(vser);
    port = support_device_add("virtserialport,id=up1,chardev=uplug,nr=1,"
                              "bus=uvser.0");
    g_assert(port);
    vport = DO_UPCAST(VirtIOSerialPort, dev, port);
    guest_opens = guest_closes = 0;
    chr->chr_guest_open = count_guest_open;
    chr->chr_guest_close = count_guest_close;

    peer = test_unix_connect(path);
    g_assert_cmpint(peer, >=, 0);
    socket_set_nonblock(peer);
    vg_init(g, WANT_FEATURES);
    g_assert(vg_run_until(g, cond_connected, NULL, TIMEOUT_MS));
    vg_port_open(g, 1);
    vg_run_for(g, 5);
    g_assert_cmpint(guest_opens, ==, 1);

    /* both ways at once; the host peer reads slower than the guest sends */
    end = g_get_monotonic_time() + 300000;
    while (g_get_monotonic_time() < end) {
        vg_port_write(g, 1, pattern, 4096);
        unplug_peer_step(peer, &got, &sent, false);
        vg_run_for(g, 1);
    }
    g_test_message("before unplug: host got %" PRIu64 ", guest got %"
                   PRIu64 ", port throttled %d, guest buffers out %zu",
                   got, vg_port(g, 1)->rx_total, vport->throttled,
                   vg_port(g, 1)->tx_inflight);
    g_assert_cmpuint(got, >, 0);
    g_assert_cmpuint(vg_port(g, 1)->rx_total, >, 0);
    g_assert_cmpuint(vg_port(g, 1)->tx_inflight, >, 0);

    g_assert_cmpint(support_device_del("up1"), ==, 0);
    g_assert_cmpint(guest_closes, ==, 1);
    g_assert(vg_run_until(g, cond_removed, NULL, TIMEOUT_MS));
    /* the guest gets back every buffer it had handed to the port */
    g_assert(vg_run_until(g, cond_tx_back, NULL, TIMEOUT_MS));
    g_assert_cmpint(vg_ctrl_count(g, VIRTIO_CONSOLE_PORT_REMOVE, 1), ==, 1);

    /* the peer goes on both ways: nothing crashes, nothing spins */
    support_loop_stats_reset();
    for (i = 0; i < 100; i++) {
        unplug_peer_step(peer, &got, &sent, true);
        vg_run_for(g, 2);
    }
    iters = support_loop_iterations();
    g_assert_cmpuint(iters, <, 1000);
    g_assert_cmpint(guest_closes, ==, 1);
    g_assert_cmpint(chr->avail_connections, ==, 1);

    /* the freed chardev serves a new port */
    port = support_device_add("virtserialport,id=up1b,chardev=uplug,nr=1");
    g_assert(port);
    g_assert(vg_run_until(g, cond_connected, NULL, TIMEOUT_MS));
    vg_port_open(g, 1);
    vg_run_for(g, 5);
    g_assert_cmpint(guest_opens, ==, 2);

    qdev_free(vser);
    vg_free(g);
    g_assert_cmpint(guest_closes, ==, 2);
    close(peer);
    qemu_chr_close(chr);
    g_free(path);
}

static const FaultRow kill_rows[] = {
    { "/char/faults/kill/tcp-server", PEER_TCP,
      "socket,id=ktcp,host=127.0.0.1,port=@PORT@,server,nowait",
      .server = true },
    { "/char/faults/kill/unix-server", PEER_UNIX,
      "socket,id=kus,path=@PATH@,server,nowait", "kill-server.sock",
      .server = true },
    { "/char/faults/kill/unix-client", PEER_UNIX_LISTEN,
      "socket,id=kuc,path=@PATH@", "kill-client.sock" },
    { "/char/faults/kill/pty", PEER_PTY, "pty,id=kpty" },
};

static const FaultRow emfile_rows[] = {
    { "/char/faults/emfile/unix", PEER_UNIX,
      "socket,id=emu,path=@PATH@,server,nowait", "emfile.sock" },
    { "/char/faults/emfile/tcp", PEER_TCP,
      "socket,id=emt,host=127.0.0.1,port=@PORT@,server,nowait" },
};

static const FaultRow storm_rows[] = {
    { "/char/faults/eagain-storm/unix", PEER_UNIX,
      "socket,id=stu,path=@PATH@,server,nowait", "storm.sock",
      .chunk = 1024, .limit = OUTQ_LIMIT },
    /*
     * Loopback tcp buffers grow to megabytes: big chunks and a small
     * receive window make the storm overrun them even on a loaded machine.
     */
    { "/char/faults/eagain-storm/tcp", PEER_TCP,
      "socket,id=stt,host=127.0.0.1,port=@PORT@,server,nowait",
      .small_rcvbuf = true, .chunk = 65536, .limit = OUTQ_LIMIT },
    { "/char/faults/eagain-storm/pty", PEER_PTY, "pty,id=stp",
      .chunk = 4096, .limit = PTY_OUTQ_LIMIT },
};

static void add_rows(const FaultRow *rows, size_t n, GTestDataFunc fn)
{
    size_t i;

    for (i = 0; i < n; i++) {
        g_test_add_data_func(rows[i].path, &rows[i], fn);
    }
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    signal(SIGPIPE, SIG_IGN);
    test_machine_init(64 * 1024 * 1024);
    pattern = g_malloc(PAT_LEN);
    test_fill_pattern(pattern, PAT_LEN, 8);

    add_rows(kill_rows, ARRAY_SIZE(kill_rows), test_kill);
    g_test_add_func("/char/faults/stall/back-pressure",
                    test_stall_backpressure);
    g_test_add_func("/char/faults/stall/no-back-pressure",
                    test_stall_no_backpressure);
    add_rows(emfile_rows, ARRAY_SIZE(emfile_rows), test_emfile);
    g_test_add_func("/char/faults/unix-path-removed",
                    test_unix_path_removed);
    add_rows(storm_rows, ARRAY_SIZE(storm_rows), test_storm);
    g_test_add_func("/char/faults/close/in-write-ready",
                    test_close_in_write_ready);
    g_test_add_func("/char/faults/close/in-read/socket",
                    test_close_in_read_socket);
    g_test_add_func("/char/faults/close/in-read/telnet",
                    test_close_in_read_telnet);
    g_test_add_func("/char/faults/close/in-read/pipe",
                    test_close_in_read_pipe);
    g_test_add_func("/char/faults/close/in-read/pty",
                    test_close_in_read_pty);
    g_test_add_func("/char/faults/close/on-hangup", test_close_on_hangup);
    g_test_add_func("/char/faults/virtio-unplug", test_virtio_unplug);

    ret = test_run_fd_checked();
    g_free(pattern);
    support_guest_ram_free();
    return ret;
}
