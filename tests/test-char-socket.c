/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of the socket and udp chardev backends against real peers. */
#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-config.h"
#include "qemu-error.h"
#include "qemu-objects.h"
#include "qemu_socket.h"
#include "qemu-timer.h"
#include "monitor.h"
#include "sysemu.h"
#include "support-monitor.h"
#include "support-test.h"
#include "char-test-util.h"

#include <poll.h>
#include <sys/wait.h>
#include <sys/resource.h>
#include <sys/stat.h>

/* ---- peers ---- */

/*
 * Frontend -> peer and peer -> frontend with a fresh pattern each way,
 * in pieces small enough for the socket buffers (the test is one thread).
 */
static void ping_pong(TestFrontend *fe, int peer, size_t len)
{
    uint8_t *out = g_malloc(len), *in = g_malloc(len);
    size_t base = fe->input->len;
    size_t off, n;

    test_fill_pattern(out, len, len);
    for (off = 0; off < len; off += n) {
        n = MIN(len - off, 32768);
        g_assert_cmpint(qemu_chr_write(fe->chr, out + off, n), ==, n);
        support_run_for(1);
        g_assert(test_read_full(peer, in + off, n, 5000));
    }
    g_assert(memcmp(in, out, len) == 0);

    test_fill_pattern(out, len, len + 1);
    for (off = 0; off < len; off += n) {
        n = MIN(len - off, 32768);
        g_assert(test_write_full(peer, out + off, n, 5000));
        g_assert(test_fe_wait_input(fe, base + off + n, 5000));
    }
    g_assert(memcmp(fe->input->data + base, out, len) == 0);
    g_free(out);
    g_free(in);
}

/* ---- tcp and unix, both roles ---- */

static void server_pingpong(const char *opts_fmt, const char *host,
                            const char *unix_path)
{
    int port = test_free_tcp_port();
    char *opts = g_strdup_printf(opts_fmt, unix_path ? unix_path : host,
                                 port);
    CharDriverState *chr = test_chr_new(opts);
    TestFrontend fe;
    int peer;

    g_assert(chr);
    test_fe_attach(&fe, chr);
    support_run_for(10);
    g_assert_cmpint(fe.nr_events, ==, 0);

    peer = unix_path ? test_unix_connect(unix_path)
                     : test_tcp_connect(host, port);
    g_assert_cmpint(peer, >=, 0);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 5000));
    ping_pong(&fe, peer, 5);
    ping_pong(&fe, peer, 200000);

    close(peer);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_CLOSED, 5000));
    g_assert_cmpint(fe.events[0], ==, CHR_EVENT_OPENED);
    g_assert_cmpint(fe.events[1], ==, CHR_EVENT_CLOSED);
    test_fe_close_chr(&fe);
    g_free(opts);
}

static void test_tcp_server(void)
{
    server_pingpong("socket,id=ts,host=%s,port=%d,server,nowait",
                    "127.0.0.1", NULL);
}

static void test_tcp6_server(void)
{
    server_pingpong("socket,id=ts6,host=%s,port=%d,server,nowait,ipv6",
                    "::1", NULL);
}

static void test_unix_server(void)
{
    char *path = test_tmp_path("us.sock");
    char *opts = g_strdup_printf("socket,id=us,path=%s,server,nowait",
                                 path);

    server_pingpong(opts, NULL, path);
    /* the socket file goes away with the chardev */
    g_assert(access(path, F_OK) != 0);
    g_free(opts);
    g_free(path);
}

static void client_pingpong(int lfd, const char *opts)
{
    CharDriverState *chr = test_chr_new(opts);
    TestFrontend fe;
    int peer;

    g_assert(chr);
    peer = test_accept(lfd, 5000);
    g_assert_cmpint(peer, >=, 0);
    test_fe_attach(&fe, chr);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 5000));
    ping_pong(&fe, peer, 3);
    ping_pong(&fe, peer, 300000);

    /* the server goes away: CLOSED, and writes are simply discarded */
    close(peer);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_CLOSED, 5000));
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"x", 1), ==, 1);
    test_fe_close_chr(&fe);
}

static void test_tcp_client(void)
{
    int port = test_free_tcp_port();
    int lfd = test_tcp_listen("127.0.0.1", port);
    char *opts = g_strdup_printf("socket,id=tc,host=127.0.0.1,port=%d",
                                 port);

    client_pingpong(lfd, opts);
    close(lfd);
    g_free(opts);
}

static void test_tcp6_client(void)
{
    int port = test_free_tcp_port();
    int lfd = test_tcp_listen("::1", port);
    char *opts = g_strdup_printf("socket,id=tc6,host=::1,port=%d", port);

    client_pingpong(lfd, opts);
    close(lfd);
    g_free(opts);
}

static void test_unix_client(void)
{
    char *path = test_tmp_path("uc.sock");
    int lfd = test_unix_listen(path);
    char *opts = g_strdup_printf("socket,id=uc,path=%s", path);

    client_pingpong(lfd, opts);
    close(lfd);
    unlink(path);
    g_free(opts);
    g_free(path);
}

/* ---- socat as the peer ---- */

/* The child's stdout and stdin as the two ends of one conversation. */
static void socat_exchange(TestFrontend *fe, TestChild *c)
{
    uint8_t buf[16];

    g_assert_cmpint(qemu_chr_write(fe->chr, (const uint8_t *)"to-socat", 8),
                    ==, 8);
    support_run_for(1);
    g_assert(test_read_full(c->out, buf, 8, 5000));
    g_assert(memcmp(buf, "to-socat", 8) == 0);
    g_assert(test_write_full(c->in, "from-socat", 10, 5000));
    g_assert(test_fe_wait_input(fe, 10, 5000));
    g_assert(memcmp(fe->input->data, "from-socat", 10) == 0);
}

static void test_socat_tcp_server(void)
{
    int port = test_free_tcp_port();
    char *opts = g_strdup_printf("socket,id=sts,host=127.0.0.1,port=%d,"
                                 "server,nowait", port);
    char *addr = g_strdup_printf("TCP:127.0.0.1:%d", port);
    const char *argv[] = { "socat", "-", addr, NULL };
    CharDriverState *chr = test_chr_new(opts);
    TestFrontend fe;
    TestChild c;

    g_assert(chr);
    test_fe_attach(&fe, chr);
    test_child_spawn(&c, argv);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 5000));
    socat_exchange(&fe, &c);
    /* socat ends the connection when its stdin ends */
    close(c.in);
    c.in = -1;
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_CLOSED, 5000));
    test_child_finish(&c);
    test_fe_close_chr(&fe);
    g_free(addr);
    g_free(opts);
}

static void test_socat_unix_client(void)
{
    char *path = test_tmp_path("socat.sock");
    char *opts = g_strdup_printf("socket,id=suc,path=%s", path);
    char *addr = g_strdup_printf("UNIX-LISTEN:%s", path);
    const char *argv[] = { "socat", addr, "-", NULL };
    CharDriverState *chr = NULL;
    TestFrontend fe;
    TestChild c;
    int i;

    test_child_spawn(&c, argv);
    /*
     * socat binds, then listens: the socket file exists a moment before a
     * connect to it can succeed, so retry a refused open for up to 5 s.
     */
    for (i = 0; i < 500 && !chr; i++) {
        support_error_quiet(true);
        chr = test_chr_new(opts);
        support_error_quiet(false);
        if (!chr) {
            g_usleep(10000);
        }
    }
    g_assert(chr);
    test_fe_attach(&fe, chr);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 5000));
    socat_exchange(&fe, &c);
    test_child_finish(&c);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_CLOSED, 5000));
    test_fe_close_chr(&fe);
    unlink(path);
    g_free(addr);
    g_free(opts);
    g_free(path);
}

/* ---- server,wait ---- */

/* Capture what open prints on stdout. */
static CharDriverState *open_capturing_stdout(const char *opts, char **out)
{
    char *file = test_tmp_path("stdout.txt");
    int fd = open(file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int saved;
    CharDriverState *chr;

    fflush(stdout);
    saved = dup(1);
    dup2(fd, 1);
    chr = test_chr_new(opts);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(fd);
    g_assert(g_file_get_contents(file, out, NULL, NULL));
    unlink(file);
    g_free(file);
    return chr;
}

static void test_server_wait_socat(void)
{
    char *path = test_tmp_path("wait.sock");
    char *opts = g_strdup_printf("socket,id=sw,path=%s,server", path);
    char *addr = g_strdup_printf("UNIX-CONNECT:%s,retry=100,interval=0.05",
                                 path);
    const char *argv[] = { "socat", "-", addr, NULL };
    char *expect = g_strdup_printf("QEMU waiting for connection on: "
                                   "unix:%s,server\n", path);
    CharDriverState *chr;
    TestFrontend fe;
    char *out;
    TestChild c;

    /* the client starts first and retries until the server listens */
    test_child_spawn(&c, argv);
    chr = open_capturing_stdout(opts, &out);
    g_assert(chr);
    g_assert_cmpstr(out, ==, expect);
    /* open returned only with the client there: OPENED is pending */
    test_fe_attach(&fe, chr);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 1000));
    socat_exchange(&fe, &c);
    test_child_finish(&c);
    test_fe_close_chr(&fe);
    g_free(out);
    g_free(expect);
    g_free(addr);
    g_free(opts);
    g_free(path);
}

typedef struct {
    int port;
    int fd;
} WaitClient;

static gpointer wait_client_thread(gpointer opaque)
{
    WaitClient *w = opaque;
    int i;

    for (i = 0; i < 500; i++) {
        w->fd = test_tcp_connect("127.0.0.1", w->port);
        if (w->fd >= 0) {
            break;
        }
        g_usleep(10000);
    }
    return NULL;
}

static void test_server_wait_tcp(void)
{
    WaitClient w = { .port = test_free_tcp_port(), .fd = -1 };
    char *opts = g_strdup_printf("socket,id=swt,host=127.0.0.1,port=%d,"
                                 "server", w.port);
    char *expect = g_strdup_printf("QEMU waiting for connection on: "
                                   "tcp:127.0.0.1:%d,server\n", w.port);
    GThread *t = g_thread_new("client", wait_client_thread, &w);
    CharDriverState *chr;
    TestFrontend fe;
    char *out;

    chr = open_capturing_stdout(opts, &out);
    g_thread_join(t);
    g_assert(chr);
    g_assert_cmpstr(out, ==, expect);
    g_assert_cmpint(w.fd, >=, 0);
    /* "info chardev" shows the same name */
    g_assert(strncmp(chr->filename, expect + 32, strlen(expect) - 33) == 0);
    g_assert_cmpint(strlen(chr->filename), ==, strlen(expect) - 33);
    test_fe_attach(&fe, chr);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 1000));
    ping_pong(&fe, w.fd, 100);
    close(w.fd);
    test_fe_close_chr(&fe);
    g_free(out);
    g_free(expect);
    g_free(opts);
}

static void test_server_nowait_silent(void)
{
    char *path = test_tmp_path("nowait.sock");
    char *opts = g_strdup_printf("socket,id=snw,path=%s,server,nowait",
                                 path);
    CharDriverState *chr;
    char *out;

    chr = open_capturing_stdout(opts, &out);
    g_assert(chr);
    g_assert_cmpstr(out, ==, "");
    qemu_chr_close(chr);
    g_free(out);
    g_free(opts);
    g_free(path);
}

/* Output without a peer is discarded, as in v0.15.0, but never silently. */
static void test_no_peer_counts_drops(void)
{
    char *path;
    CharDriverState *chr = test_unix_server_new(test_tmpdir(), "np", &path);
    TestFrontend fe;
    uint8_t buf[8];
    int peer;

    test_fe_attach(&fe, chr);
    qemu_chr_write(chr, (const uint8_t *)"lost", 4);
    g_assert_cmpint(qemu_chr_write_nb(chr, (const uint8_t *)"gone", 4), ==,
                    4);
    g_assert_cmpuint(qemu_chr_dropped_bytes(chr), ==, 8);
    g_assert_cmpuint(qemu_chr_queued_bytes(chr), ==, 0);
    /* once a peer is there, output arrives and the count stays */
    peer = test_unix_connect(path);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 5000));
    qemu_chr_write(chr, (const uint8_t *)"kept", 4);
    g_assert(test_pump_read(peer, buf, 4, 5000));
    g_assert_cmpmem(buf, 4, "kept", 4);
    g_assert_cmpuint(qemu_chr_dropped_bytes(chr), ==, 8);
    close(peer);
    test_fe_close_chr(&fe);
    g_free(path);
}

/*
 * A frontend that takes one byte at a time (the monitor) gets a command in
 * one main loop turn, not one turn per byte, but a flood is handed over in
 * bounded slices: vcpus and timers must not wait for every command the
 * peer sent.
 */
#define SMALL_READ_BUDGET 512

static void test_byte_reader_yields(void)
{
    char *path;
    CharDriverState *chr = test_unix_server_new(test_tmpdir(), "byte", &path);
    TestFrontend fe;
    uint8_t burst[4 * SMALL_READ_BUDGET];
    int peer, turns = 0;

    test_fe_attach(&fe, chr);
    fe.can_read = 1;
    peer = test_unix_connect(path);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 5000));
    test_fill_pattern(burst, sizeof(burst), 3);
    g_assert(test_write_full(peer, burst, sizeof(burst), 5000));
    /* the whole burst is readable before the first turn */
    while (fe.input->len < sizeof(burst)) {
        size_t before = fe.input->len;

        main_loop_wait(0);
        g_assert_cmpuint(fe.input->len - before, <=, SMALL_READ_BUDGET);
        /* a monitor command's worth arrives in the first turn */
        if (turns == 0) {
            g_assert_cmpuint(fe.input->len, >=, 64);
        }
        g_assert_cmpint(++turns, <, 10000);
    }
    g_assert_cmpint(turns, >=, 4);
    g_assert_cmpmem(fe.input->data, sizeof(burst), burst, sizeof(burst));
    close(peer);
    test_fe_close_chr(&fe);
    g_free(path);
}

/*
 * qemu_chr_write() output still queued when the chardev closes gets a last
 * chance: a peer that drained its socket meanwhile receives all of it.
 */
static void test_close_flushes_queue(void)
{
    char *path;
    CharDriverState *chr = test_unix_server_new(test_tmpdir(), "cq", &path);
    size_t total = 1024 * 1024, got = 0;
    uint8_t *out = g_malloc(total), *in = g_malloc(total);
    TestFrontend fe;
    uint64_t taken;
    int peer;

    g_assert(chr);
    test_fill_pattern(out, total, 7);
    test_fe_attach(&fe, chr);
    peer = test_unix_connect(path);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 5000));
    /* the peer reads nothing yet: the kernel buffer and the queue fill */
    qemu_chr_write(chr, out, total);
    g_assert_cmpuint(qemu_chr_queued_bytes(chr), >, 0);
    taken = total - qemu_chr_dropped_bytes(chr);
    /* drain the kernel buffer without running the main loop, then close */
    for (;;) {
        ssize_t n = recv(peer, in + got, total - got, MSG_DONTWAIT);

        if (n <= 0) {
            break;
        }
        got += n;
    }
    g_assert_cmpuint(got, <, taken);
    test_fe_close_chr(&fe);
    g_assert(test_read_full(peer, in + got, taken - got, 5000));
    /* what was taken is a prefix of what was written, nothing after it */
    g_assert_cmpmem(in, taken, out, taken);
    g_assert_cmpint(recv(peer, in, 1, 0), ==, 0);
    close(peer);
    g_free(in);
    g_free(out);
    g_free(path);
}

/* ---- one client at a time ---- */

static void test_second_client_waits(void)
{
    char *path;
    CharDriverState *chr = test_unix_server_new(test_tmpdir(), "two", &path);
    TestFrontend fe;
    int a, b;
    uint8_t buf[8];

    test_fe_attach(&fe, chr);
    a = test_unix_connect(path);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 5000));
    b = test_unix_connect(path);
    g_assert_cmpint(b, >=, 0);
    g_assert(test_write_full(b, "B", 1, 1000));

    /* b is queued: its byte does not arrive, output goes to a only */
    support_run_for(100);
    g_assert_cmpint(fe.input->len, ==, 0);
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"1", 1), ==, 1);
    support_run_for(1);
    g_assert(test_read_full(a, buf, 1, 1000));
    g_assert(buf[0] == '1');
    g_assert(!test_fd_readable(b, 50));

    /* a leaves: CLOSED, then b is taken and its byte arrives */
    close(a);
    g_assert(test_fe_wait_input(&fe, 1, 5000));
    g_assert(fe.input->data[0] == 'B');
    g_assert_cmpint(fe.nr_events, ==, 3);
    g_assert_cmpint(fe.events[1], ==, CHR_EVENT_CLOSED);
    g_assert_cmpint(fe.events[2], ==, CHR_EVENT_OPENED);
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"2", 1), ==, 1);
    support_run_for(1);
    g_assert(test_read_full(b, buf, 1, 1000));
    g_assert(buf[0] == '2');

    /* b leaves: the server listens again for a third client */
    close(b);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_CLOSED, 5000));
    support_run_for(10);
    a = test_unix_connect(path);
    g_assert_cmpint(a, >=, 0);
    support_run_for(10);
    g_assert_cmpint(test_fe_count_events(&fe, CHR_EVENT_OPENED), ==, 3);
    ping_pong(&fe, a, 10);
    close(a);
    test_fe_close_chr(&fe);
    g_free(path);
}

/* ---- peer sends and closes at once ---- */

static void test_send_then_close(void)
{
    int port = test_free_tcp_port();
    char *opts = g_strdup_printf("socket,id=stc,host=127.0.0.1,port=%d,"
                                 "server,nowait", port);
    CharDriverState *chr = test_chr_new(opts);
    size_t len = 300000;
    uint8_t *data = g_malloc(len);
    TestFrontend fe;
    int peer;

    g_assert(chr);
    test_fe_attach(&fe, chr);
    /* a frontend that takes little at a time */
    fe.can_read = 100;
    test_fill_pattern(data, len, 7);
    peer = test_tcp_connect("127.0.0.1", port);
    g_assert(test_write_full(peer, data, len, 5000));
    close(peer);

    g_assert(test_fe_wait_event(&fe, CHR_EVENT_CLOSED, 20000));
    /* CLOSED came after every byte */
    g_assert_cmpint(fe.input->len, ==, len);
    g_assert(memcmp(fe.input->data, data, len) == 0);
    test_fe_close_chr(&fe);
    g_free(data);
    g_free(opts);
}

/* ---- reconnect ---- */

static void test_reconnect(void)
{
    int port = test_free_tcp_port();
    int lfd = test_tcp_listen("127.0.0.1", port);
    char *opts = g_strdup_printf("socket,id=rc,host=127.0.0.1,port=%d,"
                                 "reconnect=1", port);
    CharDriverState *chr = test_chr_new(opts);
    size_t big = 100000, lim;
    uint8_t *data = g_malloc(big), *got = g_malloc(big);
    TestFrontend fe;
    int peer;

    g_assert(chr);
    test_fe_attach(&fe, chr);
    peer = test_accept(lfd, 5000);
    g_assert_cmpint(peer, >=, 0);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 5000));
    ping_pong(&fe, peer, 10);

    /* the server goes away entirely */
    close(peer);
    close(lfd);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_CLOSED, 5000));

    /* meanwhile writes are queued, bounded, the excess counted */
    test_fill_pattern(data, big, 9);
    g_assert_cmpint(qemu_chr_write(chr, data, big), <, big);
    lim = qemu_chr_queued_bytes(chr);
    g_assert_cmpint(lim, >, 0);
    g_assert_cmpint(qemu_chr_dropped_bytes(chr), ==, big - lim);

    /* retries (refused) run in the background without blocking the loop */
    support_loop_stats_reset();
    support_run_for(1500);
    g_assert_cmpint(support_cb_max_ns(), <, 500 * 1000000);
    g_assert_cmpint(test_fe_count_events(&fe, CHR_EVENT_OPENED), ==, 1);

    /* the server restarts: the client comes back and flushes its queue */
    lfd = test_tcp_listen("127.0.0.1", port);
    fe.nr_events = 0;
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 5000));
    peer = test_accept(lfd, 5000);
    g_assert_cmpint(peer, >=, 0);
    support_run_for(20);
    g_assert(test_read_full(peer, got, lim, 5000));
    g_assert(memcmp(got, data, lim) == 0);
    g_assert_cmpint(qemu_chr_queued_bytes(chr), ==, 0);
    ping_pong(&fe, peer, 1000);

    close(peer);
    close(lfd);
    test_fe_close_chr(&fe);
    g_free(data);
    g_free(got);
    g_free(opts);
}

static void test_reconnect_unix_first_attempt(void)
{
    char *path = test_tmp_path("rc.sock");
    char *opts = g_strdup_printf("socket,id=rcu,path=%s,reconnect=1", path);
    CharDriverState *chr = test_chr_new(opts);
    TestFrontend fe;
    int lfd, peer;

    /* no server yet: with reconnect that is not an error */
    g_assert(chr);
    test_fe_attach(&fe, chr);
    support_run_for(50);
    g_assert_cmpint(fe.nr_events, ==, 0);
    lfd = test_unix_listen(path);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 5000));
    peer = test_accept(lfd, 5000);
    ping_pong(&fe, peer, 64);
    close(peer);
    close(lfd);
    test_fe_close_chr(&fe);
    unlink(path);
    g_free(opts);
    g_free(path);
}

/*
 * vl.c's order with "-monitor unix:PATH,reconnect=1" and "-chardev
 * socket,...,reconnect=1" while nothing listens: both chardevs open in the
 * startup phase (no alarm timer yet; v0.15.0 crashed there), the monitor
 * attaches after init_timer_alarm(), the main loop runs; once servers
 * appear both connect, and the monitor greets its peer.
 */
static void test_reconnect_at_startup(void)
{
    char *path = test_tmp_path("startup-mon.sock");
    char *legacy = g_strdup_printf("unix:%s,reconnect=1", path);
    int port = test_free_tcp_port();
    char *opts = g_strdup_printf("socket,id=rst,host=127.0.0.1,port=%d,"
                                 "reconnect=1", port);
    QemuOpts *mon_opts = qemu_chr_parse_compat("compat_monitor0", legacy);
    CharDriverState *mon_chr, *chr;
    Monitor *mon;
    TestFrontend fe;
    char banner[16];
    int ulfd, tlfd, upeer, tpeer;

    g_assert_false(support_timers_started());
    g_assert(mon_opts);
    mon_chr = qemu_chr_open_opts(mon_opts, NULL);
    chr = test_chr_new(opts);
    g_assert(mon_chr);
    g_assert(chr);

    init_timer_alarm();
    monitor_init(mon_chr, MONITOR_USE_READLINE);
    mon = support_monitor_last();
    test_fe_attach(&fe, chr);
    support_run_for(50);
    g_assert_cmpint(fe.nr_events, ==, 0);
    g_assert_cmpint(support_monitor_event_count(mon), ==, 0);

    ulfd = test_unix_listen(path);
    tlfd = test_tcp_listen("127.0.0.1", port);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 5000));
    tpeer = test_accept(tlfd, 5000);
    g_assert_cmpint(tpeer, >=, 0);
    ping_pong(&fe, tpeer, 64);
    upeer = test_accept_looping(ulfd, 5000);
    g_assert_cmpint(upeer, >=, 0);
    g_assert(test_pump_read(upeer, banner, 4, 5000));
    g_assert(memcmp(banner, "QEMU", 4) == 0);

    support_monitor_free(mon);
    qemu_chr_close(mon_chr);
    test_fe_close_chr(&fe);
    close(upeer);
    close(tpeer);
    close(ulfd);
    close(tlfd);
    unlink(path);
    qemu_opts_del(mon_opts);
    g_free(opts);
    g_free(legacy);
    g_free(path);
}

/*
 * The unix server at @path leaves, after sending @left (if not NULL), and
 * a new one at the same path takes the chardev's next connect: its end.
 */
static int server_replace(const char *path, int *lfd, int peer,
                          const char *left)
{
    if (left) {
        g_assert(test_write_full(peer, left, strlen(left), 1000));
        support_run_for(20);
    }
    close(peer);
    close(*lfd);
    *lfd = test_unix_listen(path);
    return test_accept_looping(*lfd, 5000);
}

/*
 * A reconnect= client with no frontend still notices its server leaving
 * and connects to the next one: once when the server just closes, once
 * when it leaves input behind that nobody could read (that is reported).
 */
static void test_reconnect_no_frontend(void)
{
    char *path = test_tmp_path("rc-nofe.sock");
    char *opts = g_strdup_printf("socket,id=rcnf,path=%s,reconnect=1", path);
    CharDriverState *chr;
    int lfd, peer;

    lfd = test_unix_listen(path);
    chr = test_chr_new(opts);
    g_assert(chr);
    peer = test_accept_looping(lfd, 5000);
    g_assert_cmpint(peer, >=, 0);
    support_run_for(20);

    /* the server goes away; a new one comes */
    peer = server_replace(path, &lfd, peer, NULL);
    g_assert_cmpint(peer, >=, 0);
    support_run_for(20);

    /* again, leaving bytes behind for a frontend that is not there */
    support_error_clear();
    support_error_quiet(true);
    peer = server_replace(path, &lfd, peer, "abc");
    support_error_quiet(false);
    g_assert_cmpint(peer, >=, 0);
    g_assert_cmpint(support_error_count(), ==, 1);
    g_assert_cmpstr(support_error_last(), ==, "chardev \"rcnf\": the peer "
                    "left; 3 bytes it sent were never read (no frontend "
                    "attached; said once)");

    /* a peer that does it again does not flood the log */
    support_error_clear();
    support_error_quiet(true);
    peer = server_replace(path, &lfd, peer, "def");
    support_error_quiet(false);
    g_assert_cmpint(peer, >=, 0);
    g_assert_cmpint(support_error_count(), ==, 0);

    qemu_chr_close(chr);
    close(peer);
    close(lfd);
    unlink(path);
    g_free(opts);
    g_free(path);
}

/*
 * A connect that stays in progress (the server's accept queue is full, so
 * its SYNs are dropped): open and the main loop go on meanwhile, and the
 * connection completes once the server accepts.
 */
static void test_reconnect_in_progress(void)
{
    int port = test_free_tcp_port();
    int lfd = test_tcp_listen("127.0.0.1", port);
    char *opts = g_strdup_printf("socket,id=rcp,host=127.0.0.1,port=%d,"
                                 "reconnect=1", port);
    struct sockaddr_in a = { .sin_family = AF_INET };
    int fill[8], acc[10], nr_acc = 0, i, mine = -1;
    CharDriverState *chr;
    TestFrontend fe;
    gint64 t0;
    uint8_t c;

    /* fill the backlog with connections nobody accepts */
    listen(lfd, 0);
    socket_set_nonblock(lfd);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    for (i = 0; i < 8; i++) {
        fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                         0);
        connect(fill[i], (struct sockaddr *)&a, sizeof(a));
    }
    g_usleep(100000);

    t0 = g_get_monotonic_time();
    chr = test_chr_new(opts);
    g_assert(chr);
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 500000);
    test_fe_attach(&fe, chr);
    support_loop_stats_reset();
    support_run_for(300);
    g_assert_cmpint(support_cb_max_ns(), <, 100 * 1000000);
    g_assert_cmpint(test_fe_count_events(&fe, CHR_EVENT_OPENED), ==, 0);

    /* the server catches up: the pending connect completes */
    t0 = g_get_monotonic_time();
    while (test_fe_count_events(&fe, CHR_EVENT_OPENED) == 0 &&
           g_get_monotonic_time() - t0 < 20000000) {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

        if (fd >= 0) {
            g_assert_cmpint(nr_acc, <, 10);
            acc[nr_acc++] = fd;
        }
        support_run_for(10);
    }
    g_assert_cmpint(test_fe_count_events(&fe, CHR_EVENT_OPENED), ==, 1);
    for (i = 0; i < 20 && nr_acc < 10; i++) {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

        if (fd >= 0) {
            acc[nr_acc++] = fd;
        }
        support_run_for(5);
    }
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"!", 1), ==, 1);
    support_run_for(20);
    for (i = 0; i < nr_acc; i++) {
        if (read(acc[i], &c, 1) == 1) {
            g_assert(c == '!');
            mine = acc[i];
        }
    }
    g_assert_cmpint(mine, >=, 0);
    for (i = 0; i < nr_acc; i++) {
        close(acc[i]);
    }
    for (i = 0; i < 8; i++) {
        close(fill[i]);
    }
    close(lfd);
    test_fe_close_chr(&fe);
    g_free(opts);
}

/* ---- fd passing ---- */

typedef struct {
    TestFrontend fe;
    int fds[4];
    int nr_fds;
    bool take;
} FdFrontend;

static int fdfe_can_read(void *opaque)
{
    return 4096;
}

static void fdfe_read(void *opaque, const uint8_t *buf, int size)
{
    FdFrontend *f = opaque;
    int fd;

    g_byte_array_append(f->fe.input, buf, size);
    if (!f->take) {
        return;
    }
    fd = qemu_chr_get_msgfd(f->fe.chr);
    if (fd >= 0 && f->nr_fds < 4) {
        f->fds[f->nr_fds++] = fd;
        /* handed out once */
        g_assert_cmpint(qemu_chr_get_msgfd(f->fe.chr), ==, -1);
    }
}

static void send_with_fds(int sock, const char *data, const int *fds, int n)
{
    char control[CMSG_SPACE(4 * sizeof(int))];
    struct iovec iov = { .iov_base = (void *)data, .iov_len = strlen(data) };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control, .msg_controllen = CMSG_SPACE(n * sizeof(int)),
    };
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

    memset(control, 0, sizeof(control));
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(n * sizeof(int));
    memcpy(CMSG_DATA(cmsg), fds, n * sizeof(int));
    g_assert_cmpint(sendmsg(sock, &msg, 0), ==, strlen(data));
}

static void test_fd_passing(void)
{
    char *path = test_tmp_path("fd.sock");
    char *opts = g_strdup_printf("socket,id=fdp,path=%s,server,nowait",
                                 path);
    int before = support_count_open_fds();
    CharDriverState *chr = test_chr_new(opts);
    FdFrontend f;
    int peer, p[2], three[3];
    char c;

    g_assert(chr);
    memset(&f, 0, sizeof(f));
    f.fe.chr = chr;
    f.fe.input = g_byte_array_new();
    f.take = true;
    qemu_chr_add_handlers(chr, fdfe_can_read, fdfe_read, NULL, &f);
    peer = test_unix_connect(path);
    support_run_for(10);

    /* a pipe's write end travels to the frontend, close-on-exec */
    g_assert_cmpint(pipe2(p, O_CLOEXEC), ==, 0);
    send_with_fds(peer, "f", &p[1], 1);
    close(p[1]);
    g_assert(test_fe_wait_input(&f.fe, 1, 5000));
    g_assert_cmpint(f.nr_fds, ==, 1);
    g_assert(support_fd_is_cloexec(f.fds[0]));
    g_assert_cmpint(write(f.fds[0], "z", 1), ==, 1);
    g_assert_cmpint(read(p[0], &c, 1), ==, 1);
    g_assert(c == 'z');
    close(f.fds[0]);
    close(p[0]);

    /* unconsumed fds, several per message: none of them leaks */
    f.take = false;
    g_assert_cmpint(pipe2(p, O_CLOEXEC), ==, 0);
    three[0] = p[0];
    three[1] = p[1];
    three[2] = dup(p[0]);
    send_with_fds(peer, "g", three, 3);
    send_with_fds(peer, "h", three, 2);
    close(p[0]);
    close(p[1]);
    close(three[2]);
    g_assert(test_fe_wait_input(&f.fe, 3, 5000));
    /* the one kept for the frontend goes with the connection */
    close(peer);
    support_run_for(50);
    qemu_chr_add_handlers(chr, NULL, NULL, NULL, NULL);
    qemu_chr_close(chr);
    g_byte_array_free(f.fe.input, TRUE);
    g_assert_cmpint(support_count_open_fds(), ==, before);
    g_free(opts);
    g_free(path);
}

/* ---- qemu_chr_add_client ---- */

static void test_add_client(void)
{
    int port = test_free_tcp_port();
    char *opts = g_strdup_printf("socket,id=ac,host=127.0.0.1,port=%d,"
                                 "server,nowait", port);
    CharDriverState *chr = test_chr_new(opts);
    TestFrontend fe;
    int sv[2], other[2], late;

    g_assert(chr);
    test_fe_attach(&fe, chr);
    test_socketpair(sv);
    g_assert_cmpint(qemu_chr_add_client(chr, sv[0]), ==, 0);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 5000));
    ping_pong(&fe, sv[1], 77);

    /* a second one is refused and left to the caller */
    test_socketpair(other);
    g_assert_cmpint(qemu_chr_add_client(chr, other[0]), ==, -1);
    g_assert_cmpint(fcntl(other[0], F_GETFD), >=, 0);
    close(other[0]);
    close(other[1]);
    /* and so is a tcp client meanwhile: it waits in the backlog */
    late = test_tcp_connect("127.0.0.1", port);
    support_run_for(20);
    g_assert_cmpint(test_fe_count_events(&fe, CHR_EVENT_OPENED), ==, 1);
    ping_pong(&fe, sv[1], 5);

    close(sv[1]);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_CLOSED, 5000));
    fe.nr_events = 0;
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 5000));
    ping_pong(&fe, late, 5);
    close(late);
    test_fe_close_chr(&fe);
    g_free(opts);
}

/* ---- telnet ---- */

static int find_local_end(int peer);

static const uint8_t telnet_neg[] = {
    0xff, 0xfb, 0x01, 0xff, 0xfb, 0x03, 0xff, 0xfb, 0x00, 0xff, 0xfd, 0x00,
};

static void test_telnet_raw(void)
{
    int port = test_free_tcp_port();
    char *opts = g_strdup_printf("socket,id=tn,host=127.0.0.1,port=%d,"
                                 "server,nowait,telnet", port);
    CharDriverState *chr = test_chr_new(opts);
    static const uint8_t in[] = {
        'a', 0xff, 0xff, 'b',       /* IAC IAC: one 0xff */
        0xff, 0xfd, 0x01, 'c',      /* IAC DO ECHO */
        0xff, 0xf1, 'd',            /* IAC NOP: two bytes only */
        0xff, 0xfa, 0x18, 0x01, 0xff, 0xf0, 'e',  /* subnegotiation */
        0xff, 0xf3, 'f',            /* IAC BREAK */
    };
    static const uint8_t want[] = { 'a', 0xff, 'b', 'c', 'd', 'e', 'f' };
    uint8_t neg[sizeof(telnet_neg)], out[6];
    char *name = g_strdup_printf("telnet:127.0.0.1:%d,server", port);
    TestFrontend fe;
    int peer;

    g_assert(chr);
    g_assert_cmpstr(chr->filename, ==, name);
    g_free(name);
    test_fe_attach(&fe, chr);
    peer = test_tcp_connect("127.0.0.1", port);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 5000));
    g_assert(test_read_full(peer, neg, sizeof(neg), 5000));
    g_assert(memcmp(neg, telnet_neg, sizeof(neg)) == 0);
    g_assert(!test_fd_readable(peer, 20));

    /* split at every position: the parser keeps its state across reads */
    g_assert(test_write_full(peer, in, 5, 1000));
    support_run_for(20);
    g_assert(test_write_full(peer, in + 5, sizeof(in) - 5, 1000));
    g_assert(test_fe_wait_input(&fe, sizeof(want), 5000));
    support_run_for(20);
    g_assert_cmpint(fe.input->len, ==, sizeof(want));
    g_assert(memcmp(fe.input->data, want, sizeof(want)) == 0);
    g_assert_cmpint(test_fe_count_events(&fe, CHR_EVENT_BREAK), ==, 1);

    /* output: an 0xff from the frontend is data, so it goes out doubled */
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"a\xff" "b\xff", 4),
                    ==, 4);
    support_run_for(1);
    g_assert(test_read_full(peer, out, 6, 5000));
    g_assert(memcmp(out, "a\xff\xff" "b\xff\xff", 6) == 0);
    g_assert(!test_fd_readable(peer, 20));
    close(peer);
    test_fe_close_chr(&fe);
    g_free(opts);
}

/*
 * Much output, a quarter of it 0xff, through a socket that keeps filling
 * up: whatever the split points, the client gets every byte, IAC doubled.
 */
static void test_telnet_output_escaping(void)
{
    int port = test_free_tcp_port();
    char *opts = g_strdup_printf("socket,id=tno,host=127.0.0.1,port=%d,"
                                 "server,nowait,telnet", port);
    CharDriverState *chr = test_chr_new(opts);
    size_t len = 512 * 1024, sent = 0, i, j;
    uint8_t *data = g_malloc(len);
    GByteArray *wire = g_byte_array_new();
    uint8_t buf[4096];
    TestFrontend fe;
    int peer, sndbuf;

    g_assert(chr);
    test_fe_attach(&fe, chr);
    test_fill_pattern(data, len, 11);
    for (i = 0; i < len; i++) {
        /* a quarter of 0xff, and a run of nothing else at the end */
        if ((data[i] & 3) == 0 || i >= len - 65536) {
            data[i] = 0xff;
        }
    }
    peer = test_tcp_connect("127.0.0.1", port);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 5000));
    socket_set_nonblock(peer);
    /* a small send buffer fills often, also between the two bytes of a pair */
    sndbuf = 4096;
    g_assert_cmpint(setsockopt(find_local_end(peer), SOL_SOCKET, SO_SNDBUF,
                               &sndbuf, sizeof(sndbuf)), ==, 0);
    for (;;) {
        ssize_t n;

        if (sent < len) {
            int w = qemu_chr_write_nb(chr, data + sent,
                                      MIN(len - sent, 100000));

            g_assert_cmpint(w, >=, 0);
            sent += w;
        }
        n = read(peer, buf, sizeof(buf));
        if (n > 0) {
            g_byte_array_append(wire, buf, n);
        } else {
            support_run_for(1);
        }
        if (sent == len && qemu_chr_queued_bytes(chr) == 0 &&
            !test_fd_readable(peer, 100)) {
            break;
        }
    }
    /* undo the doubling after the option bytes */
    g_assert(memcmp(wire->data, telnet_neg, sizeof(telnet_neg)) == 0);
    for (i = sizeof(telnet_neg), j = 0; i < wire->len; i++, j++) {
        g_assert_cmpint(j, <, len);
        g_assert_cmpint(wire->data[i], ==, data[j]);
        if (data[j] == 0xff) {
            i++;
            g_assert_cmpint(i, <, wire->len);
            g_assert_cmpint(wire->data[i], ==, 0xff);
        }
    }
    g_assert_cmpint(j, ==, len);
    close(peer);
    test_fe_close_chr(&fe);
    g_byte_array_free(wire, TRUE);
    g_free(data);
    g_free(opts);
}

/* busybox telnet: a real client answering the negotiation */
static void test_telnet_busybox(void)
{
    int port = test_free_tcp_port();
    char *opts = g_strdup_printf("socket,id=tnb,host=127.0.0.1,port=%d,"
                                 "server,nowait,telnet", port);
    char *sport = g_strdup_printf("%d", port);
    const char *argv[] = { "busybox", "telnet", "127.0.0.1", sport, NULL };
    CharDriverState *chr;
    TestFrontend fe;
    uint8_t buf[16] = "";
    unsigned got = 0;
    char *bb = g_find_program_in_path("busybox");
    TestChild c;

    g_free(bb);
    if (!bb) {
        g_test_skip("busybox not installed");
        g_free(opts);
        g_free(sport);
        return;
    }
    chr = test_chr_new(opts);
    g_assert(chr);
    test_fe_attach(&fe, chr);
    test_child_spawn(&c, argv);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 5000));
    /* its answers to our options are stripped; 0xff typed stays 0xff */
    g_assert(test_write_full(c.in, "hi\xffthere", 8, 1000));
    g_assert(test_fe_wait_input(&fe, 8, 5000));
    support_run_for(50);
    g_assert_cmpint(fe.input->len, ==, 8);
    g_assert(memcmp(fe.input->data, "hi\xffthere", 8) == 0);
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"hello", 5), ==, 5);
    support_run_for(1);
    /* it may print a line break of its own when it goes char-at-a-time */
    do {
        g_assert(test_read_full(c.out, buf + got, 1, 5000));
        got++;
    } while (got < sizeof(buf) - 1 && !g_strstr_len((char *)buf, got,
                                                    "hello"));
    g_test_message("busybox printed %u bytes", got);
    g_assert(g_str_has_suffix((char *)buf, "hello"));
    test_child_finish(&c);
    test_fe_close_chr(&fe);
    g_free(opts);
    g_free(sport);
}

/* ---- options ---- */

typedef struct LocalEnd {
    int peer, found;
    struct sockaddr_storage want;
    socklen_t wlen;
} LocalEnd;

static void local_end_match(int fd, const char *target, void *opaque)
{
    LocalEnd *l = opaque;
    struct sockaddr_storage got;
    socklen_t glen = sizeof(got);

    if (fd != l->peer &&
        getpeername(fd, (struct sockaddr *)&got, &glen) == 0 &&
        glen == l->wlen && memcmp(&got, &l->want, l->wlen) == 0) {
        l->found = fd;
    }
}

/* The chardev's end of the connection whose other end is peer. */
static int find_local_end(int peer)
{
    LocalEnd l = { .peer = peer, .found = -1, .wlen = sizeof(l.want) };

    g_assert(getsockname(peer, (struct sockaddr *)&l.want, &l.wlen) == 0);
    test_fd_foreach(local_end_match, &l);
    return l.found;
}

static int nodelay_of(const char *extra, bool server)
{
    int port = test_free_tcp_port();
    int lfd = server ? -1 : test_tcp_listen("127.0.0.1", port);
    char *opts = g_strdup_printf("socket,id=nd,host=127.0.0.1,port=%d%s%s",
                                 port, server ? ",server,nowait" : "",
                                 extra);
    CharDriverState *chr = test_chr_new(opts);
    int peer, fd, val = -1;
    socklen_t len = sizeof(val);

    g_assert(chr);
    if (server) {
        peer = test_tcp_connect("127.0.0.1", port);
        support_run_for(20);
    } else {
        peer = test_accept(lfd, 5000);
        close(lfd);
    }
    fd = find_local_end(peer);
    g_assert_cmpint(fd, >=, 0);
    g_assert(support_fd_is_cloexec(fd));
    g_assert_cmpint(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &val, &len),
                    ==, 0);
    close(peer);
    qemu_chr_close(chr);
    g_free(opts);
    return val;
}

static void test_nodelay(void)
{
    g_assert_cmpint(nodelay_of("", true), ==, 0);
    g_assert_cmpint(nodelay_of(",delay=off", true), !=, 0);
    g_assert_cmpint(nodelay_of("", false), ==, 0);
    g_assert_cmpint(nodelay_of(",nodelay", false), !=, 0);
}

static void test_to_range(void)
{
    int port = test_free_tcp_port();
    int busy = test_tcp_listen("127.0.0.1", port);
    char *opts = g_strdup_printf("socket,id=rng,host=127.0.0.1,port=%d,"
                                 "to=%d,server,nowait", port, port + 3);
    char *want = NULL;
    CharDriverState *chr = test_chr_new(opts);
    int i;

    g_assert(chr);
    /* the next port up is the one in use, as "info chardev" shows */
    for (i = 1; i <= 3 && !want; i++) {
        char *f = g_strdup_printf("tcp:127.0.0.1:%d,server", port + i);

        if (strcmp(f, chr->filename) == 0) {
            want = f;
        } else {
            g_free(f);
        }
    }
    g_assert(want);
    qemu_chr_close(chr);
    close(busy);
    g_free(want);
    g_free(opts);
}

static void test_filenames(void)
{
    int port = test_free_tcp_port();
    int lfd = test_tcp_listen("127.0.0.1", port);
    char *path = test_tmp_path("name.sock");
    char *o1 = g_strdup_printf("socket,id=n1,path=%s,server,nowait", path);
    char *o2 = g_strdup_printf("socket,id=n2,path=%s", path);
    char *o3 = g_strdup_printf("socket,id=n3,host=localhost,port=%d", port);
    char *w1 = g_strdup_printf("unix:%s,server", path);
    char *w2 = g_strdup_printf("unix:%s", path);
    char *w3 = g_strdup_printf("tcp:localhost:%d", port);
    CharDriverState *c1 = test_chr_new(o1);
    CharDriverState *c2 = test_chr_new(o2);
    CharDriverState *c3 = test_chr_new(o3);
    CharDriverState *c4 = qemu_chr_open("n4", "tcp::0,server,nowait", NULL);
    CharDriverState *c5 = qemu_chr_open("n5", "telnet:[::1]:0,server,nowait",
                                        NULL);

    g_assert(c1 && c2 && c3 && c4 && c5);
    g_assert_cmpstr(c1->filename, ==, w1);
    g_assert_cmpstr(c2->filename, ==, w2);
    g_assert_cmpstr(c3->filename, ==, w3);
    /* the address bound and the port the kernel chose */
    g_assert(g_str_has_prefix(c4->filename, "tcp:0.0.0.0:"));
    g_assert(g_str_has_suffix(c4->filename, ",server"));
    g_assert_cmpint(atoi(c4->filename + 12), >, 0);
    g_assert(g_str_has_prefix(c5->filename, "telnet:::1:"));
    qemu_chr_close(c1);
    qemu_chr_close(c2);
    qemu_chr_close(c3);
    qemu_chr_close(c4);
    qemu_chr_close(c5);
    close(lfd);
    g_free(o1);
    g_free(o2);
    g_free(o3);
    g_free(w1);
    g_free(w2);
    g_free(w3);
    g_free(path);
}

/* every socket here: the chardevs' and the test's own */
static void socket_cloexec(int fd, const char *target, void *opaque)
{
    if (g_str_has_prefix(target, "socket:")) {
        if (!support_fd_is_cloexec(fd)) {
            g_test_message("fd %d (%s) is not close-on-exec", fd, target);
        }
        g_assert(support_fd_is_cloexec(fd));
        (*(int *)opaque)++;
    }
}

static void test_cloexec_all(void)
{
    char *path = test_tmp_path("cx.sock");
    char *opts = g_strdup_printf("socket,id=cx,path=%s,server,nowait", path);
    CharDriverState *chr = test_chr_new(opts);
    CharDriverState *u = test_chr_new("udp,id=cxu,host=127.0.0.1,port=9");
    int peer, checked = 0;

    g_assert(chr && u);
    peer = test_unix_connect(path);
    support_run_for(20);
    test_fd_foreach(socket_cloexec, &checked);
    g_assert_cmpint(checked, >=, 4);
    close(peer);
    qemu_chr_close(chr);
    qemu_chr_close(u);
    g_free(opts);
    g_free(path);
}

/* ---- errors: one line each, naming id, option and cause ---- */

/*
 * In the rows, @PORT@ is a port where a tcp peer listens, @REFUSED@ one
 * where nobody does, @FILE@ a plain file and @LONG@ 120 letters.
 */
static const TestOpenError open_errors[] = {
    { "/char/socket/errors/cannot-resolve",
      "socket,id=e1,host=nosuch.invalid,port=1",
      "chardev \"e1\": backend \"socket\": host: cannot resolve "
      "\"nosuch.invalid\" port \"1\": ", true },
    { "/char/socket/errors/refused",
      "socket,id=e2,host=127.0.0.1,port=@REFUSED@",
      "chardev \"e2\": backend \"socket\": host: cannot connect to "
      "127.0.0.1:@REFUSED@: Connection refused" },
    { "/char/socket/errors/port-in-use",
      "socket,id=e3,host=127.0.0.1,port=@PORT@,server,nowait",
      "chardev \"e3\": backend \"socket\": port: cannot listen on "
      "127.0.0.1:@PORT@: Address already in use" },
    { "/char/socket/errors/no-address", "socket,id=e4",
      "chardev \"e4\": backend \"socket\": path: missing (socket needs "
      "path=<unix socket> or host=/port=)" },
    { "/char/socket/errors/path-too-long", "socket,id=e5,path=/tmp/@LONG@",
      "chardev \"e5\": backend \"socket\": path: too long (125 bytes, at "
      "most 107): \"/tmp/@LONG@\"" },
    { "/char/socket/errors/to-below-port",
      "socket,id=e6,host=127.0.0.1,port=5000,to=4000,server",
      "chardev \"e6\": backend \"socket\": to: 4000 is not a port in "
      "5000..65535" },
    { "/char/socket/errors/server-reconnect",
      "socket,id=e7,host=127.0.0.1,port=5000,server,reconnect=2",
      "chardev \"e7\": backend \"socket\": reconnect: only for clients; a "
      "server listens again by itself" },
    { "/char/socket/errors/no-such-dir",
      "socket,id=e8,path=/nonexistent-dir/s",
      "chardev \"e8\": backend \"socket\": path: cannot connect to "
      "/nonexistent-dir/s: No such file or directory" },
    { "/char/socket/errors/not-a-socket",
      "socket,id=e9,path=@FILE@,server,nowait",
      "chardev \"e9\": backend \"socket\": path: \"@FILE@\" exists and is "
      "not a socket" },
    { "/char/socket/errors/range-of-one-in-use",
      "socket,id=e10,host=127.0.0.1,port=@PORT@,to=@PORT@,server,nowait",
      "chardev \"e10\": backend \"socket\": port: cannot listen on "
      "127.0.0.1:@PORT@: Address already in use" },
    { "/char/socket/errors/no-port", "socket,id=e11,host=127.0.0.1",
      "chardev \"e11\": backend \"socket\": port: missing (tcp needs "
      "port=<port>)" },
    { "/char/socket/errors/no-host", "socket,id=e12,port=80",
      "chardev \"e12\": backend \"socket\": host: missing (a client needs "
      "the host to connect to)" },
    { "/char/socket/errors/to-needs-number",
      "socket,id=e13,host=127.0.0.1,port=http,to=90,server",
      "chardev \"e13\": backend \"socket\": to: needs a numeric port, not "
      "\"http\"" },
    { "/char/udp/errors/no-port", "udp,id=e14,host=127.0.0.1",
      "chardev \"e14\": backend \"udp\": port: missing (udp needs "
      "port=<remote port>)" },
    { "/char/udp/errors/cannot-resolve",
      "udp,id=e15,host=nosuch.invalid,port=9",
      "chardev \"e15\": backend \"udp\": host: cannot resolve "
      "\"nosuch.invalid\" port \"9\": ", true },
    { "/char/socket/errors/reconnect-too-big",
      "socket,id=e18,host=127.0.0.1,port=1,reconnect=99999999999",
      "chardev \"e18\": backend \"socket\": reconnect: 99999999999 is not "
      "a number of seconds (0 = off)" },
    /* negative numbers wrap in the option parser: no busy timer */
    { "/char/socket/errors/reconnect-negative",
      "socket,id=e20,host=127.0.0.1,port=1,reconnect=-1",
      "chardev \"e20\": backend \"socket\": reconnect: -1 is negative" },
    { "/char/socket/errors/to-negative",
      "socket,id=e21,host=127.0.0.1,port=5000,to=-1,server",
      "chardev \"e21\": backend \"socket\": to: -1 is negative" },
    { "/char/socket/errors/empty-path", "socket,id=e19,path=",
      "chardev \"e19\": backend \"socket\": path: empty (a unix socket "
      "needs path=<socket file>)" },
};

static void test_error_row(gconstpointer data)
{
    const TestOpenError *row = data;
    int port = test_free_tcp_port();
    int busy = test_tcp_listen("127.0.0.1", port);
    char *sport = g_strdup_printf("%d", port);
    char *refused = g_strdup_printf("%d", test_free_tcp_port());
    char *file = test_tmp_path("plain-file");
    char *longp = g_strnfill(120, 'x');
    char *opts, *error;

    g_assert(g_file_set_contents(file, "x", 1, NULL));
    opts = test_subst(row->opts, "@PORT@", sport, "@REFUSED@", refused,
                      "@FILE@", file, "@LONG@", longp, NULL);
    error = test_subst(row->error, "@PORT@", sport, "@REFUSED@", refused,
                       "@FILE@", file, "@LONG@", longp, NULL);
    test_assert_open_error(opts, error, row->prefix);
    close(busy);
    unlink(file);
    g_free(opts);
    g_free(error);
    g_free(sport);
    g_free(refused);
    g_free(file);
    g_free(longp);
}

/* A unix path where a server listens is not taken over. */
static void test_error_path_in_use(void)
{
    char *live = test_tmp_path("live.sock");
    int lfd = test_unix_listen(live);
    char *o = g_strdup_printf("socket,id=e20,path=%s,server,nowait", live);
    char *w = g_strdup_printf("chardev \"e20\": backend \"socket\": path: "
                              "\"%s\" is in use by a listening server",
                              live);
    int c;

    test_assert_open_error(o, w, false);
    /* and the server there still gets its clients */
    c = test_unix_connect(live);
    g_assert_cmpint(c, >=, 0);
    close(c);
    g_free(o);
    g_free(w);
    close(lfd);
    /* once it is gone, its stale socket file is replaced */
    o = g_strdup_printf("socket,id=e21,path=%s,server,nowait", live);
    g_assert(test_chr_new(o));
    qemu_chr_close(qemu_chr_find("e21"));
    g_assert(access(live, F_OK) != 0);
    g_free(o);
    g_free(live);
}

/* The range case: every port in it busy. */
static void test_error_range_busy(void)
{
    int port = test_free_tcp_port();
    int busy = test_tcp_listen("127.0.0.1", port);
    int busy2 = test_tcp_listen("127.0.0.1", port + 1);
    char *o = g_strdup_printf("socket,id=e17,host=127.0.0.1,port=%d,to=%d,"
                              "server,nowait", port, port + 1);
    char *w = g_strdup_printf("chardev \"e17\": backend \"socket\": to: no "
                              "free port in %d..%d (last tried "
                              "127.0.0.1:%d): Address already in use",
                              port, port + 1, port + 1);

    test_assert_open_error(o, w, false);
    g_free(o);
    g_free(w);
    close(busy2);
    close(busy);
}

/* ---- slow reader: 64 MiB, back-pressure, no loss, bounded CPU ---- */

typedef struct {
    int fd;
    size_t len;
    GChecksum *sum;
    size_t got;
} SlowReader;

static gpointer slow_reader_thread(gpointer opaque)
{
    SlowReader *r = opaque;
    uint8_t *buf = g_malloc(65536);

    while (r->got < r->len) {
        ssize_t n = read(r->fd, buf, 65536);

        if (n <= 0) {
            break;
        }
        g_checksum_update(r->sum, buf, n);
        r->got += n;
        /* about 10 MB/s: far slower than the writer */
        g_usleep(n * 100 / 1024);
    }
    g_free(buf);
    return NULL;
}

typedef struct {
    CharDriverState *chr;
    uint8_t *chunk;
    size_t chunk_len;
    size_t len, sent;
    GChecksum *sum;
    uint64_t wakeups;
} NbSource;

static void nb_source_push(void *opaque)
{
    NbSource *w = opaque;

    w->wakeups++;
    while (w->sent < w->len) {
        size_t off = w->sent % w->chunk_len;
        int n = qemu_chr_write_nb(w->chr, w->chunk + off,
                                  MIN(w->chunk_len - off, w->len - w->sent));

        g_assert_cmpint(n, >=, 0);
        if (n == 0) {
            break;
        }
        g_checksum_update(w->sum, w->chunk + off, n);
        w->sent += n;
    }
}

static double thread_cpu_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool slow_done(void *opaque)
{
    SlowReader *r = opaque;

    return r->got >= r->len;
}

static void test_slow_reader_64m(void)
{
    char *path;
    CharDriverState *chr = test_unix_server_new(test_tmpdir(), "slow", &path);
    NbSource w = { .chr = chr, .chunk_len = 1 << 20, .len = 64 << 20 };
    SlowReader r = { .len = 64 << 20 };
    double cpu0, cpu;
    gint64 t0, wall;
    uint64_t iters;
    GThread *t;

    g_assert(chr);
    w.chunk = g_malloc(w.chunk_len);
    test_fill_pattern(w.chunk, w.chunk_len, 64);
    w.sum = g_checksum_new(G_CHECKSUM_SHA256);
    r.sum = g_checksum_new(G_CHECKSUM_SHA256);
    r.fd = test_unix_connect(path);
    support_run_for(10);
    qemu_chr_set_write_ready(chr, nb_source_push, &w);

    t0 = g_get_monotonic_time();
    cpu0 = thread_cpu_seconds();
    support_loop_stats_reset();
    t = g_thread_new("slow", slow_reader_thread, &r);
    nb_source_push(&w);
    g_assert(support_run_until(slow_done, &r, 60000));
    g_thread_join(t);
    cpu = thread_cpu_seconds() - cpu0;
    wall = g_get_monotonic_time() - t0;
    iters = support_loop_iterations();

    g_test_message("64 MiB in %.2f s, main thread CPU %.3f s, %" PRIu64
                   " iterations, %" PRIu64 " wakeups, longest %.3f ms",
                   wall / 1e6, cpu, iters, w.wakeups,
                   support_cb_max_ns() / 1e6);
    g_assert_cmpint(w.sent, ==, w.len);
    g_assert_cmpint(r.got, ==, r.len);
    g_assert_cmpstr(g_checksum_get_string(w.sum), ==,
                    g_checksum_get_string(r.sum));
    g_assert_cmpint(qemu_chr_dropped_bytes(chr), ==, 0);
    /*
     * Waiting is sleeping: the loop wakes about once per chunk the reader
     * frees, not continuously.  CPU time is only reported (make bench
     * measures it); a bound on it would fail on a slow or busy machine.
     */
    g_assert_cmpint(iters, <, 64 * 1024);
    close(r.fd);
    qemu_chr_close(chr);
    g_checksum_free(w.sum);
    g_checksum_free(r.sum);
    g_free(w.chunk);
    g_free(path);
}

/* ---- a stalled peer and the v0.15.0 write contract ---- */

static bool peer_drained(void *opaque)
{
    int *fd = opaque;

    return !test_fd_readable(*fd, 0);
}

static void test_stalled_peer(void)
{
    char *path;
    CharDriverState *chr = test_unix_server_new(test_tmpdir(), "stall", &path);
    size_t chunk = 65536, accepted = 0, got = 0;
    uint8_t *data = g_malloc(chunk), *buf = g_malloc(chunk);
    int i, peer;

    peer = test_unix_connect(path);
    support_run_for(10);
    test_fill_pattern(data, chunk, 5);

    /* nobody reads: the socket fills, then the bounded queue, then drops */
    for (i = 0; i < 160; i++) {
        int n = qemu_chr_write(chr, data, chunk);

        g_assert_cmpint(n, >=, 0);
        accepted += n;
    }
    g_assert_cmpint(accepted, <, 160 * chunk);
    g_assert_cmpint(qemu_chr_dropped_bytes(chr), ==, 160 * chunk - accepted);
    g_assert_cmpint(qemu_chr_queued_bytes(chr), >, 0);

    /* the loop sleeps meanwhile: it neither spins nor blocks */
    support_loop_stats_reset();
    support_run_for(300);
    g_assert_cmpint(support_loop_iterations(), <, 50);

    /* the peer wakes up: it gets every accepted byte, no more */
    socket_set_nonblock(peer);
    for (;;) {
        ssize_t n = read(peer, buf, chunk);

        if (n > 0) {
            got += n;
            continue;
        }
        g_assert(n < 0 && errno == EAGAIN);
        if (qemu_chr_queued_bytes(chr) == 0 &&
            support_run_until(peer_drained, &peer, 50)) {
            break;
        }
        support_run_for(1);
    }
    g_assert_cmpint(got, ==, accepted);
    close(peer);
    qemu_chr_close(chr);
    g_free(data);
    g_free(buf);
    g_free(path);
}

/* ---- udp ---- */

static int udp_peer(int *port)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&a, sizeof(a)), ==, 0);
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

static void test_udp_round_trip(void)
{
    int rport, lport = test_free_tcp_port();
    int peer = udp_peer(&rport);
    char *opts = g_strdup_printf("udp,id=ud,host=127.0.0.1,port=%d,"
                                 "localaddr=127.0.0.1,localport=%d",
                                 rport, lport);
    CharDriverState *chr = test_chr_new(opts);
    struct sockaddr_in from, to = { .sin_family = AF_INET };
    socklen_t flen = sizeof(from);
    size_t big = 60000;
    uint8_t *data = g_malloc(big);
    uint8_t buf[16];
    TestFrontend fe;

    g_assert(chr);
    test_fe_attach(&fe, chr);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 1000));
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"ping", 4), ==, 4);
    g_assert(!!test_fd_readable(peer, 1000));
    g_assert_cmpint(recvfrom(peer, buf, sizeof(buf), 0,
                             (struct sockaddr *)&from, &flen), ==, 4);
    g_assert(memcmp(buf, "ping", 4) == 0);
    /* it came from localaddr:localport */
    g_assert_cmpint(ntohs(from.sin_port), ==, lport);

    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(lport);
    g_assert_cmpint(sendto(peer, "pong", 4, 0, (struct sockaddr *)&to,
                           sizeof(to)), ==, 4);
    g_assert(test_fe_wait_input(&fe, 4, 5000));
    g_assert(memcmp(fe.input->data, "pong", 4) == 0);

    /* a datagram larger than the frontend takes at once: not truncated */
    fe.can_read = 1000;
    test_fill_pattern(data, big, 3);
    g_assert_cmpint(sendto(peer, data, big, 0, (struct sockaddr *)&to,
                           sizeof(to)), ==, big);
    g_assert_cmpint(sendto(peer, "tail", 4, 0, (struct sockaddr *)&to,
                           sizeof(to)), ==, 4);
    g_assert(test_fe_wait_input(&fe, 4 + big + 4, 5000));
    g_assert(memcmp(fe.input->data + 4, data, big) == 0);
    g_assert(memcmp(fe.input->data + 4 + big, "tail", 4) == 0);

    /* nobody listening on the other side does not stop the chardev */
    close(peer);
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"lost", 4), ==, 4);
    support_run_for(20);
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"lost", 4), ==, 4);
    support_run_for(20);
    g_assert_cmpint(test_fe_count_events(&fe, CHR_EVENT_CLOSED), ==, 0);
    test_fe_close_chr(&fe);
    g_free(data);
    g_free(opts);
}

static void test_udp_socat(void)
{
    int lport = test_free_tcp_port(), rport = test_free_tcp_port();
    char *opts = g_strdup_printf("udp,id=uds,host=127.0.0.1,port=%d,"
                                 "localport=%d", rport, lport);
    char *addr = g_strdup_printf("UDP:127.0.0.1:%d,bind=127.0.0.1:%d",
                                 lport, rport);
    const char *argv[] = { "socat", "-", addr, NULL };
    CharDriverState *chr = test_chr_new(opts);
    TestFrontend fe;
    TestChild c;
    uint8_t buf[8];

    g_assert(chr);
    test_fe_attach(&fe, chr);
    test_child_spawn(&c, argv);
    g_assert(test_write_full(c.in, "from-socat", 10, 5000));
    g_assert(test_fe_wait_input(&fe, 10, 5000));
    g_assert(memcmp(fe.input->data, "from-socat", 10) == 0);
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"to-socat", 8), ==,
                    8);
    g_assert(test_read_full(c.out, buf, 8, 5000));
    g_assert(memcmp(buf, "to-socat", 8) == 0);
    test_child_finish(&c);
    test_fe_close_chr(&fe);
    g_free(addr);
    g_free(opts);
}

/* the legacy form: udp:host:port@localaddr:localport */
static void test_udp_legacy(void)
{
    int rport, lport = test_free_tcp_port();
    int peer = udp_peer(&rport);
    char *name = g_strdup_printf("udp:127.0.0.1:%d@127.0.0.1:%d", rport,
                                 lport);
    CharDriverState *chr = qemu_chr_open("udp-legacy", name, NULL);
    struct sockaddr_in to = { .sin_family = AF_INET };
    uint8_t buf[8];
    TestFrontend fe;

    g_assert(chr);
    g_assert_cmpstr(chr->filename, ==, "udp");
    test_fe_attach(&fe, chr);
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"abc", 3), ==, 3);
    g_assert(!!test_fd_readable(peer, 1000));
    g_assert_cmpint(recv(peer, buf, sizeof(buf), 0), ==, 3);
    g_assert(memcmp(buf, "abc", 3) == 0);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(lport);
    g_assert_cmpint(sendto(peer, "xyz", 3, 0, (struct sockaddr *)&to,
                           sizeof(to)), ==, 3);
    g_assert(test_fe_wait_input(&fe, 3, 5000));
    g_assert(memcmp(fe.input->data, "xyz", 3) == 0);
    close(peer);
    test_fe_close_chr(&fe);
    g_free(name);
}

/*
 * The legacy form without a local address (udp:host:port): the chardev
 * sends from a port the system picks, and a peer that replies to the
 * source of what it got reaches the frontend.
 */
static void test_udp_no_local_address(void)
{
    int rport;
    int peer = udp_peer(&rport);
    char *name = g_strdup_printf("udp:127.0.0.1:%d", rport);
    CharDriverState *chr = qemu_chr_open("udp-nolocal", name, NULL);
    struct sockaddr_in from;
    socklen_t flen = sizeof(from);
    uint8_t buf[8];
    TestFrontend fe;

    g_assert(chr);
    test_fe_attach(&fe, chr);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 1000));
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"ask", 3), ==, 3);
    g_assert(!!test_fd_readable(peer, 1000));
    g_assert_cmpint(recvfrom(peer, buf, sizeof(buf), 0,
                             (struct sockaddr *)&from, &flen), ==, 3);
    g_assert_cmpmem(buf, 3, "ask", 3);
    g_assert_cmpint(ntohs(from.sin_port), !=, 0);
    g_assert_cmpint(sendto(peer, "answer", 6, 0, (struct sockaddr *)&from,
                           flen), ==, 6);
    g_assert(test_fe_wait_input(&fe, 6, 5000));
    g_assert_cmpmem(fe.input->data, 6, "answer", 6);
    close(peer);
    test_fe_close_chr(&fe);
    g_free(name);
}

/*
 * QEMU ends with exit() on "quit" and after a normal shutdown, without
 * closing its chardevs: a unix server's socket file still goes, and only
 * if it is the one the chardev created.  The child process plays QEMU.
 */
#define ATEXIT_PATH_ENV "CHAR_TEST_ATEXIT_PATH"
#define ATEXIT_REPLACE_ENV "CHAR_TEST_ATEXIT_REPLACE"

static void unix_atexit_child(void)
{
    const char *path = g_getenv(ATEXIT_PATH_ENV);
    char *opts = g_strdup_printf("socket,id=atexit,path=%s,server,nowait",
                                 path);

    g_assert(test_chr_new(opts) != NULL);
    if (g_getenv(ATEXIT_REPLACE_ENV)) {
        /* somebody else's file takes the name meanwhile */
        g_assert_cmpint(unlink(path), ==, 0);
        g_assert(g_file_set_contents(path, "not ours", -1, NULL));
    }
    g_free(opts);
    /* "quit" and a shutdown come from the main loop */
    main_loop_wait(1);
    /* this process's own directory; the socket is in the parent's */
    test_tmpdir_remove();
    exit(0);
}

static void unix_atexit_case(bool replace)
{
    char *path;
    struct stat st;

    if (g_test_subprocess()) {
        /* before anything is allocated: the child ends with exit() */
        unix_atexit_child();
    }
    path = test_tmp_path(replace ? "atexit-replaced.sock" : "atexit.sock");
    g_setenv(ATEXIT_PATH_ENV, path, TRUE);
    if (replace) {
        g_setenv(ATEXIT_REPLACE_ENV, "1", TRUE);
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_unsetenv(ATEXIT_PATH_ENV);
    g_unsetenv(ATEXIT_REPLACE_ENV);
    g_test_trap_assert_passed();
    if (replace) {
        g_assert_cmpint(stat(path, &st), ==, 0);
        g_assert(S_ISREG(st.st_mode));
        unlink(path);
    } else {
        g_assert_cmpint(stat(path, &st), ==, -1);
        g_assert_cmpint(errno, ==, ENOENT);
    }
    g_free(path);
}

static void test_unix_removed_at_exit(void)
{
    unix_atexit_case(g_test_subprocess() &&
                     g_getenv(ATEXIT_REPLACE_ENV) != NULL);
    if (!g_test_subprocess()) {
        unix_atexit_case(true);
    }
}

/*
 * -daemonize opens chardevs, then forks: the original process and an
 * intermediate child end with exit(0) while the last child goes on as
 * QEMU.  Their exit must leave the live socket alone; the exit of the
 * process that runs the main loop removes it.  The subprocess plays the
 * original process, its child plays QEMU and echoes one line.
 */
#define DAEMON_PATH_ENV "CHAR_TEST_DAEMON_PATH"

static void unix_daemonize_child(void)
{
    char *opts = g_strdup_printf("socket,id=daemon,path=%s,server,nowait",
                                 g_getenv(DAEMON_PATH_ENV));
    TestFrontend fe = { .can_read = -1 };
    CharDriverState *chr = test_chr_new(opts);
    int devnull;
    pid_t pid;

    g_assert(chr != NULL);
    g_free(opts);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid > 0) {
        test_tmpdir_remove();
        exit(0);
    }
    /* the test waits for the subprocess' output to end */
    devnull = open("/dev/null", O_RDWR);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    close(devnull);
    test_fe_attach(&fe, chr);
    if (test_fe_wait_input(&fe, 5, 10000)) {
        qemu_chr_write(chr, fe.input->data, 5);
        main_loop_wait(1);
    }
    exit(0);
}

static void test_unix_daemonize_keeps_socket(void)
{
    char *path;
    char buf[8];
    struct stat st;
    int fd;

    if (g_test_subprocess()) {
        unix_daemonize_child();
    }
    path = test_tmp_path("daemon.sock");
    g_setenv(DAEMON_PATH_ENV, path, TRUE);
    g_test_trap_subprocess(NULL, 0, 0);
    g_unsetenv(DAEMON_PATH_ENV);
    g_test_trap_assert_passed();
    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert(S_ISSOCK(st.st_mode));
    fd = test_unix_connect(path);
    g_assert_cmpint(fd, >=, 0);
    g_assert(test_write_full(fd, "hello", 5, 5000));
    g_assert(test_read_full(fd, buf, 5, 10000));
    g_assert_cmpmem(buf, 5, "hello", 5);
    /* end of file once the daemon has exited, after its atexit handlers */
    g_assert(!test_read_full(fd, buf, 1, 10000));
    close(fd);
    g_assert_cmpint(stat(path, &st), ==, -1);
    g_assert_cmpint(errno, ==, ENOENT);
    g_free(path);
}

int main(int argc, char **argv)
{
    unsigned i;

    g_test_init(&argc, &argv, NULL);
    signal(SIGPIPE, SIG_IGN);

    g_test_add_func("/char/socket/tcp/server", test_tcp_server);
    g_test_add_func("/char/socket/tcp/client", test_tcp_client);
    g_test_add_func("/char/socket/tcp6/server", test_tcp6_server);
    g_test_add_func("/char/socket/tcp6/client", test_tcp6_client);
    g_test_add_func("/char/socket/unix/server", test_unix_server);
    g_test_add_func("/char/socket/unix/client", test_unix_client);
    g_test_add_func("/char/socket/unix/removed-at-exit",
                    test_unix_removed_at_exit);
    g_test_add_func("/char/socket/unix/daemonize-keeps-socket",
                    test_unix_daemonize_keeps_socket);
    g_test_add_func("/char/socket/socat/tcp-server", test_socat_tcp_server);
    g_test_add_func("/char/socket/socat/unix-client",
                    test_socat_unix_client);
    g_test_add_func("/char/socket/wait/unix-socat", test_server_wait_socat);
    g_test_add_func("/char/socket/wait/tcp-thread", test_server_wait_tcp);
    g_test_add_func("/char/socket/nowait", test_server_nowait_silent);
    g_test_add_func("/char/socket/no-peer-drops", test_no_peer_counts_drops);
    g_test_add_func("/char/socket/byte-reader-yields",
                    test_byte_reader_yields);
    g_test_add_func("/char/socket/close-flushes-queue",
                    test_close_flushes_queue);
    g_test_add_func("/char/socket/second-client-waits",
                    test_second_client_waits);
    g_test_add_func("/char/socket/send-then-close", test_send_then_close);
    g_test_add_func("/char/socket/reconnect/tcp", test_reconnect);
    g_test_add_func("/char/socket/reconnect/unix-first",
                    test_reconnect_unix_first_attempt);
    g_test_add_func("/char/socket/reconnect-at-startup",
                    test_reconnect_at_startup);
    g_test_add_func("/char/socket/reconnect/no-frontend",
                    test_reconnect_no_frontend);
    g_test_add_func("/char/socket/reconnect/in-progress",
                    test_reconnect_in_progress);
    g_test_add_func("/char/socket/fd-passing", test_fd_passing);
    g_test_add_func("/char/socket/add-client", test_add_client);
    g_test_add_func("/char/socket/telnet/raw", test_telnet_raw);
    g_test_add_func("/char/socket/telnet/output-escaping",
                    test_telnet_output_escaping);
    g_test_add_func("/char/socket/telnet/busybox", test_telnet_busybox);
    g_test_add_func("/char/socket/nodelay", test_nodelay);
    g_test_add_func("/char/socket/to-range", test_to_range);
    g_test_add_func("/char/socket/filenames", test_filenames);
    g_test_add_func("/char/socket/cloexec", test_cloexec_all);
    for (i = 0; i < ARRAY_SIZE(open_errors); i++) {
        g_test_add_data_func(open_errors[i].path, &open_errors[i],
                             test_error_row);
    }
    g_test_add_func("/char/socket/errors/path-in-use",
                    test_error_path_in_use);
    g_test_add_func("/char/socket/errors/port-range-busy",
                    test_error_range_busy);
    g_test_add_func("/char/socket/slow-reader-64m", test_slow_reader_64m);
    g_test_add_func("/char/socket/stalled-peer", test_stalled_peer);
    g_test_add_func("/char/udp/round-trip", test_udp_round_trip);
    g_test_add_func("/char/udp/socat", test_udp_socat);
    g_test_add_func("/char/udp/legacy", test_udp_legacy);
    g_test_add_func("/char/udp/no-local-address", test_udp_no_local_address);

    /* test_run_fd_checked() fails the run if an fd is left open */
    return test_run_fd_checked();
}
