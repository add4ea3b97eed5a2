/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of the chardev core and the null, file, pipe, memory and eventfd backends. */
#include <glib.h>
#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-config.h"
#include "qemu-error.h"
#include "qemu-objects.h"
#include "monitor.h"
#include "support-test.h"
#include "support-monitor.h"
#include "char-test-util.h"

#include <sys/eventfd.h>
#include <sys/stat.h>

/* ---- registry and ids ---- */

static void test_registry(void)
{
    CharDriverState *a, *b;
    char *err;

    a = test_chr_new("null,id=reg-a");
    g_assert(a);
    g_assert(qemu_chr_find("reg-a") == a);
    g_assert_cmpstr(a->label, ==, "reg-a");
    g_assert_cmpstr(a->filename, ==, "null");
    g_assert(qemu_chr_find("reg-b") == NULL);

    /* the same id again */
    support_error_clear();
    support_error_quiet(true);
    b = test_chr_new("null,id=reg-a");
    support_error_quiet(false);
    g_assert(b == NULL);
    g_assert_cmpstr(support_error_last(), ==,
                    "chardev \"reg-a\": id already in use");

    /* "chardev:<id>" names an existing chardev */
    g_assert(qemu_chr_open("x", "chardev:reg-a", NULL) == a);

    qemu_chr_close(a);
    g_assert(qemu_chr_find("reg-a") == NULL);

    err = test_chr_open_error("null");
    g_assert_cmpstr(err, ==,
                    "chardev: no id specified (id=<name> is required)");
    g_free(err);
}

/* ---- error messages ---- */

static void test_errors(void)
{
    static const struct {
        const char *opts;
        const char *msg;
    } cases[] = {
        { "id=e1", "chardev \"e1\": missing backend" },
        { "nosuch,id=e2", "chardev \"e2\": backend \"nosuch\" not found "
          "(available: " },
        { "file,id=e3", "chardev \"e3\": backend \"file\": path: missing "
          "(file needs path=<file>)" },
        { "file,id=e4,path=/nonexistent-dir/x",
          "chardev \"e4\": backend \"file\": path: cannot create "
          "\"/nonexistent-dir/x\": No such file or directory" },
        { "pipe,id=e5", "chardev \"e5\": backend \"pipe\": path: missing "
          "(pipe needs path=<fifo>)" },
        { "pipe,id=e6,path=/nonexistent-dir/p",
          "chardev \"e6\": backend \"pipe\": path: cannot open "
          "\"/nonexistent-dir/p\" (nor \"/nonexistent-dir/p.in\" and "
          "\"/nonexistent-dir/p.out\"): No such file or directory" },
    };
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        char *err = test_chr_open_error(cases[i].opts);

        g_assert(g_str_has_prefix(err, cases[i].msg));
        g_free(err);
    }
}

static void test_error_unknown_lists_backends(void)
{
    char *err = test_chr_open_error("bogus,id=e7");

    g_assert(strstr(err, "null"));
    g_assert(strstr(err, "file"));
    g_assert(strstr(err, "pipe"));
    g_free(err);
}

/* ---- legacy syntax ---- */

typedef struct {
    const char *filename;
    const char *expect;     /* "key=value;..." in any order; NULL: rejected */
} CompatCase;

static const CompatCase compat_cases[] = {
    { "null", "backend=null" },
    { "pty", "backend=pty" },
    { "msmouse", "backend=msmouse" },
    { "braille", "backend=braille" },
    { "stdio", "backend=stdio" },
    { "mon:stdio", "backend=stdio;mux=on" },
    { "vc", "backend=vc" },
    { "vc:800x600", "backend=vc;width=800;height=600" },
    { "vc:80Cx24C", "backend=vc;cols=80;rows=24" },
    { "vc:junk", NULL },
    { "con:", "backend=console" },
    { "COM1", "backend=serial;path=COM1" },
    { "file:/tmp/out.log", "backend=file;path=/tmp/out.log" },
    { "pipe:/tmp/fifo", "backend=pipe;path=/tmp/fifo" },
    { "tcp:localhost:4444", "backend=socket;host=localhost;port=4444" },
    { "tcp::4444,server,nowait",
      "backend=socket;host=;port=4444;server=on;wait=off" },
    { "tcp:127.0.0.1:4444,server,nodelay",
      "backend=socket;host=127.0.0.1;port=4444;server=on;delay=off" },
    { "tcp:[::1]:4444", "backend=socket;host=::1;port=4444" },
    { "tcp:nohostport", NULL },
    { "tcp:host:", NULL },
    { "telnet::4445,server",
      "backend=socket;host=;port=4445;server=on;telnet=on" },
    { "udp:1.2.3.4:5000", "backend=udp;host=1.2.3.4;port=5000" },
    { "udp::5000@:5001",
      "backend=udp;host=;port=5000;localaddr=;localport=5001" },
    { "udp:remote:5000@0.0.0.0:5001",
      "backend=udp;host=remote;port=5000;localaddr=0.0.0.0;localport=5001" },
    { "udp:5000", NULL },
    { "unix:/tmp/s.sock", "backend=socket;path=/tmp/s.sock" },
    { "unix:/tmp/s.sock,server,nowait",
      "backend=socket;path=/tmp/s.sock;server=on;wait=off" },
    { "/dev/parport0", "backend=parport;path=/dev/parport0" },
    { "/dev/ppi0", "backend=parport;path=/dev/ppi0" },
    { "/dev/ttyS0", "backend=tty;path=/dev/ttyS0" },
    { "mon:tcp::4446,server",
      "backend=socket;host=;port=4446;server=on;mux=on" },
    { "nosuchthing", NULL },
    { "", NULL },
};

static int count_opt(const char *name, const char *value, void *opaque)
{
    (*(int *)opaque)++;
    return 0;
}

static void test_compat_forms(void)
{
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(compat_cases); i++) {
        const CompatCase *c = &compat_cases[i];
        QemuOpts *opts;
        char **kv;
        int j, nopts = 0;

        support_error_clear();
        support_error_quiet(true);
        opts = qemu_chr_parse_compat("compat", c->filename);
        support_error_quiet(false);
        if (!c->expect) {
            g_assert(opts == NULL);
            g_assert_cmpint(support_error_count(), >=, 1);
            continue;
        }
        if (!opts) {
            g_error("legacy form \"%s\" rejected", c->filename);
        }
        g_assert_cmpstr(qemu_opts_id(opts), ==, "compat");
        kv = g_strsplit(c->expect, ";", -1);
        for (j = 0; kv[j]; j++) {
            char **pair = g_strsplit(kv[j], "=", 2);
            const char *got = qemu_opt_get(opts, pair[0]);

            if (g_strcmp0(got, pair[1]) != 0) {
                g_error("\"%s\": option %s is \"%s\", expected \"%s\"",
                        c->filename, pair[0], got, pair[1]);
            }
            g_strfreev(pair);
        }
        qemu_opt_foreach(opts, count_opt, &nopts, 0);
        g_assert_cmpint(nopts, ==, j);
        g_strfreev(kv);
        qemu_opts_del(opts);
    }
    /* nothing left behind by the rejected forms */
    g_assert(qemu_opts_find(qemu_find_opts("chardev"), "compat") == NULL);
}

static void test_compat_open(void)
{
    char *path = test_tmp_path("compat.log");
    char *name = g_strdup_printf("file:%s", path);
    CharDriverState *chr;
    gchar *contents;
    gsize len;

    chr = qemu_chr_open("compat-file", name, NULL);
    g_assert(chr);
    g_assert(qemu_chr_find("compat-file") == chr);
    qemu_chr_write(chr, (const uint8_t *)"legacy", 6);
    qemu_chr_close(chr);
    g_assert(g_file_get_contents(path, &contents, &len, NULL));
    g_assert_cmpstr(contents, ==, "legacy");
    /* the opts were released: the label can be used again */
    g_assert(qemu_opts_find(qemu_find_opts("chardev"), "compat-file") == NULL);
    g_free(contents);
    g_free(name);
    unlink(path);
    g_free(path);
}

/*
 * Boards open several chardevs under one legacy label (the omap UARTs
 * all use qemu_chr_open("null", "null", NULL)); each gets its own.
 */
static void test_compat_label_reuse(void)
{
    CharDriverState *a = qemu_chr_open("null", "null", NULL);
    CharDriverState *b = qemu_chr_open("null", "null", NULL);

    g_assert(a);
    g_assert(b);
    g_assert(a != b);
    g_assert_cmpint(qemu_chr_write(b, (const uint8_t *)"x", 1), ==, 1);
    qemu_chr_close(a);
    qemu_chr_close(b);
}

/* ---- avail_connections ---- */

static void test_avail_connections(void)
{
    CharDriverState *chr = test_chr_new("null,id=ac");
    CharDriverState *mux;
    TestFrontend fe;

    g_assert_cmpint(chr->avail_connections, ==, 1);
    /* what qdev's chardev property does when a device takes it */
    chr->avail_connections--;
    test_fe_attach(&fe, chr);
    test_fe_detach(&fe);
    g_assert_cmpint(chr->avail_connections, ==, 1);
    /* a second release does not create a connection out of thin air */
    qemu_chr_add_handlers(chr, NULL, NULL, NULL, NULL);
    g_assert_cmpint(chr->avail_connections, ==, 1);
    qemu_chr_close(chr);

    mux = test_chr_new("null,id=acmux,mux=on");
    g_assert(mux);
    g_assert_cmpint(mux->avail_connections, ==, MAX_MUX);
    g_assert(qemu_chr_find("acmux-base") != NULL);
    g_assert(qemu_chr_find("acmux-base")->avail_connections == 0 ||
             qemu_chr_find("acmux-base")->avail_connections == 1);
    qemu_chr_close(mux);
    /* the base goes with its mux */
    g_assert(qemu_chr_find("acmux-base") == NULL);
}

/* ---- events ---- */

static void test_open_event_after_attach(void)
{
    char *path = test_tmp_path("ev.log");
    char *opts = g_strdup_printf("file,id=ev,path=%s", path);
    CharDriverState *chr = test_chr_new(opts);
    TestFrontend fe, fe2;

    g_assert(chr);
    /* the event fires from the main loop before anyone listens */
    support_run_for(20);
    g_assert(chr->opened);
    test_fe_attach(&fe, chr);
    g_assert_cmpint(fe.nr_events, ==, 0);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 1000));
    support_run_for(20);
    g_assert_cmpint(test_fe_count_events(&fe, CHR_EVENT_OPENED), ==, 1);
    test_fe_detach(&fe);
    /* letting go does not schedule an event for nobody */
    g_assert(chr->bh == NULL);

    /* a later frontend gets its own OPENED */
    test_fe_attach(&fe2, chr);
    g_assert(test_fe_wait_event(&fe2, CHR_EVENT_OPENED, 1000));
    qemu_chr_close(chr);
    g_assert_cmpint(test_fe_count_events(&fe2, CHR_EVENT_CLOSED), ==, 1);
    g_byte_array_free(fe2.input, TRUE);
    unlink(path);
    g_free(path);
    g_free(opts);
}

/* A backend that counts what the core forwards to it. */
typedef struct {
    int guest_open, guest_close, echo_on, echo_off;
} CountingBackend;

static int counting_write(CharDriverState *chr, const uint8_t *buf, int len)
{
    return len;
}

static void counting_guest_open(CharDriverState *chr)
{
    ((CountingBackend *)chr->opaque)->guest_open++;
}

static void counting_guest_close(CharDriverState *chr)
{
    ((CountingBackend *)chr->opaque)->guest_close++;
}

static void counting_set_echo(CharDriverState *chr, bool echo)
{
    CountingBackend *c = chr->opaque;

    if (echo) {
        c->echo_on++;
    } else {
        c->echo_off++;
    }
}

static const CharDriverOps counting_ops = {
    .chr_write = counting_write,
    .chr_guest_open = counting_guest_open,
    .chr_guest_close = counting_guest_close,
    .chr_set_echo = counting_set_echo,
};

static void test_guest_open_close(void)
{
    CountingBackend c = { 0 };
    CharDriverState *chr = qemu_chr_alloc(&counting_ops, &c);

    g_assert(!chr->fe_open);
    qemu_chr_guest_open(chr);
    qemu_chr_guest_open(chr);
    g_assert(chr->fe_open);
    g_assert_cmpint(c.guest_open, ==, 1);
    qemu_chr_guest_close(chr);
    qemu_chr_guest_close(chr);
    g_assert(!chr->fe_open);
    g_assert_cmpint(c.guest_close, ==, 1);
    qemu_chr_guest_open(chr);
    g_assert_cmpint(c.guest_open, ==, 2);

    qemu_chr_set_echo(chr, true);
    qemu_chr_set_echo(chr, false);
    g_assert_cmpint(c.echo_on, ==, 1);
    g_assert_cmpint(c.echo_off, ==, 1);
    qemu_chr_close(chr);
}

static void test_guest_open_ignored_by_mux(void)
{
    CharDriverState *mux = test_chr_new("null,id=gomux,mux=on");
    CharDriverState *base = qemu_chr_find("gomux-base");

    qemu_chr_guest_open(mux);
    g_assert(base->fe_open == 0);
    qemu_chr_guest_close(mux);
    qemu_chr_close(mux);
}

/* ---- file backend ---- */

static void test_file_write(void)
{
    char *path = test_tmp_path("file.out");
    char *opts = g_strdup_printf("file,id=f,path=%s", path);
    CharDriverState *chr;
    gchar *contents;
    gsize len;

    /* an existing file is truncated */
    g_assert(g_file_set_contents(path, "old contents", -1, NULL));
    chr = test_chr_new(opts);
    g_assert(chr);
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"hello ", 6), ==, 6);
    qemu_chr_printf(chr, "%s %d\n", "world", 42);
    g_assert_cmpint(qemu_chr_dropped_bytes(chr), ==, 0);
    qemu_chr_close(chr);
    g_assert(g_file_get_contents(path, &contents, &len, NULL));
    g_assert_cmpstr(contents, ==, "hello world 42\n");
    g_free(contents);
    unlink(path);
    g_free(path);
    g_free(opts);
}

/* ---- pipe backend ---- */

static void test_pipe_pair(void)
{
    char *base = test_tmp_path("pp");
    char *in = g_strdup_printf("%s.in", base);
    char *out = g_strdup_printf("%s.out", base);
    char *opts = g_strdup_printf("pipe,id=pp,path=%s", base);
    CharDriverState *chr;
    TestFrontend fe;
    int peer_w, peer_r;
    uint8_t buf[64];

    g_assert_cmpint(mkfifo(in, 0600), ==, 0);
    g_assert_cmpint(mkfifo(out, 0600), ==, 0);
    chr = test_chr_new(opts);
    g_assert(chr);
    test_fe_attach(&fe, chr);

    /* peer -> frontend through <path>.in */
    peer_w = open(in, O_WRONLY | O_CLOEXEC);
    g_assert_cmpint(peer_w, >=, 0);
    g_assert(test_write_full(peer_w, "ping", 4, 1000));
    g_assert(test_fe_wait_input(&fe, 4, 2000));
    g_assert(memcmp(fe.input->data, "ping", 4) == 0);

    /* frontend -> peer through <path>.out */
    peer_r = open(out, O_RDONLY | O_CLOEXEC);
    g_assert_cmpint(peer_r, >=, 0);
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"pong", 4), ==, 4);
    g_assert(test_read_full(peer_r, buf, 4, 2000));
    g_assert(memcmp(buf, "pong", 4) == 0);

    test_fe_detach(&fe);
    qemu_chr_close(chr);
    close(peer_w);
    close(peer_r);
    unlink(in);
    unlink(out);
    g_free(in);
    g_free(out);
    g_free(base);
    g_free(opts);
}

static void test_pipe_single(void)
{
    char *path = test_tmp_path("single");
    char *opts = g_strdup_printf("pipe,id=ps,path=%s", path);
    CharDriverState *chr;
    TestFrontend fe;
    int peer;

    g_assert_cmpint(mkfifo(path, 0600), ==, 0);
    chr = test_chr_new(opts);
    g_assert(chr);
    test_fe_attach(&fe, chr);
    /* one fifo both ways: what the frontend writes comes back to it */
    peer = open(path, O_WRONLY | O_CLOEXEC);
    g_assert(test_write_full(peer, "abc", 3, 1000));
    g_assert(test_fe_wait_input(&fe, 3, 2000));
    g_assert(memcmp(fe.input->data, "abc", 3) == 0);
    qemu_chr_write(chr, (const uint8_t *)"xyz", 3);
    g_assert(test_fe_wait_input(&fe, 6, 2000));
    g_assert(memcmp(fe.input->data + 3, "xyz", 3) == 0);
    test_fe_detach(&fe);
    qemu_chr_close(chr);
    close(peer);
    unlink(path);
    g_free(path);
    g_free(opts);
}

/*
 * The peer comes and goes at other times than the chardev: output written
 * before a reader opens <path>.out waits in the fifo for it, and input
 * whose writer closed <path>.in before the loop ran still arrives (and
 * the writer leaving is no hangup: the next one is read too).
 */
static void test_pipe_peer_timing(void)
{
    char *base = test_tmp_path("pt");
    char *in = g_strdup_printf("%s.in", base);
    char *out = g_strdup_printf("%s.out", base);
    char *opts = g_strdup_printf("pipe,id=pt,path=%s", base);
    CharDriverState *chr;
    TestFrontend fe;
    int peer;
    uint8_t buf[16];

    g_assert_cmpint(mkfifo(in, 0600), ==, 0);
    g_assert_cmpint(mkfifo(out, 0600), ==, 0);
    chr = test_chr_new(opts);
    g_assert(chr);
    test_fe_attach(&fe, chr);

    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"early", 5), ==, 5);
    support_run_for(10);
    peer = open(out, O_RDONLY | O_CLOEXEC);
    g_assert_cmpint(peer, >=, 0);
    g_assert(test_read_full(peer, buf, 5, 2000));
    g_assert_cmpmem(buf, 5, "early", 5);
    close(peer);
    g_assert_cmpint(qemu_chr_dropped_bytes(chr), ==, 0);

    peer = open(in, O_WRONLY | O_CLOEXEC);
    g_assert_cmpint(peer, >=, 0);
    g_assert(test_write_full(peer, "gone", 4, 1000));
    close(peer);
    g_assert(test_fe_wait_input(&fe, 4, 2000));
    g_assert_cmpmem(fe.input->data, 4, "gone", 4);
    peer = open(in, O_WRONLY | O_CLOEXEC);
    g_assert(test_write_full(peer, "next", 4, 1000));
    close(peer);
    g_assert(test_fe_wait_input(&fe, 8, 2000));
    g_assert_cmpmem(fe.input->data + 4, 4, "next", 4);
    g_assert_cmpint(test_fe_count_events(&fe, CHR_EVENT_CLOSED), ==, 0);

    test_fe_detach(&fe);
    qemu_chr_close(chr);
    unlink(in);
    unlink(out);
    g_free(in);
    g_free(out);
    g_free(base);
    g_free(opts);
}

/* A write to the null backend takes everything, by either call. */
static void test_null_write(void)
{
    CharDriverState *chr = test_chr_new("null,id=nw");
    uint8_t buf[100000];

    g_assert(chr);
    memset(buf, 'n', sizeof(buf));
    g_assert_cmpint(qemu_chr_write(chr, buf, sizeof(buf)), ==, sizeof(buf));
    g_assert_cmpint(qemu_chr_write_nb(chr, buf, sizeof(buf)), ==,
                    sizeof(buf));
    g_assert_cmpint(qemu_chr_write(chr, buf, 1), ==, 1);
    g_assert_cmpuint(qemu_chr_queued_bytes(chr), ==, 0);
    g_assert_cmpuint(qemu_chr_dropped_bytes(chr), ==, 0);
    qemu_chr_close(chr);
}

/* ---- the write model ---- */

#define FIFO_CAP (1024 * 1024)

/* A chardev writing into a fifo that nobody drains (yet). */
static CharDriverState *open_stalled_pipe(const char *name, int *peer_r)
{
    char *base = test_tmp_path(name);
    char *in = g_strdup_printf("%s.in", base);
    char *out = g_strdup_printf("%s.out", base);
    char *opts = g_strdup_printf("pipe,id=%s,path=%s", name, base);
    CharDriverState *chr;

    g_assert_cmpint(mkfifo(in, 0600), ==, 0);
    g_assert_cmpint(mkfifo(out, 0600), ==, 0);
    chr = test_chr_new(opts);
    g_assert(chr);
    *peer_r = open(out, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    g_assert_cmpint(*peer_r, >=, 0);
    unlink(in);
    unlink(out);
    g_free(in);
    g_free(out);
    g_free(base);
    g_free(opts);
    return chr;
}

static void test_write_queue_drops(void)
{
    int peer;
    CharDriverState *chr = open_stalled_pipe("wq", &peer);
    uint8_t *data = g_malloc(FIFO_CAP);
    uint8_t *got = g_malloc(FIFO_CAP);
    size_t fifo_size, total = 0, accepted = 0, n;
    int chunk = 4096;
    Monitor *mon;
    const char *text;

    test_fill_pattern(data, FIFO_CAP, 1);
    /* the fifo itself holds this much before the queue kicks in */
    fifo_size = fcntl(peer, F_GETPIPE_SZ);
    while (total < fifo_size + 64 * 1024 + 8 * chunk) {
        accepted += qemu_chr_write(chr, data + total, chunk);
        total += chunk;
    }
    g_assert_cmpint(qemu_chr_queued_bytes(chr), ==, 64 * 1024);
    g_assert_cmpint(qemu_chr_dropped_bytes(chr), ==, total - accepted);
    g_assert_cmpint(qemu_chr_dropped_bytes(chr), ==,
                    total - fifo_size - 64 * 1024);

    mon = support_monitor_new_buffer();
    {
        QObject *data_obj;

        qemu_chr_info(mon, &data_obj);
        qemu_chr_info_print(mon, data_obj);
        qobject_decref(data_obj);
    }
    text = support_monitor_buffer(mon);
    g_assert(strstr(text, "wq: filename=pipe\n"));
    g_assert(strstr(text, "wq: 32768 bytes dropped (output queue full or no peer)"));
    support_monitor_free(mon);

    /* drain: everything accepted arrives, in order, nothing more */
    n = 0;
    while (n < accepted) {
        ssize_t r;

        support_run_for(5);
        r = read(peer, got + n, FIFO_CAP - n);
        if (r > 0) {
            n += r;
        }
        g_assert(r != 0);
    }
    g_assert_cmpint(n, ==, accepted);
    g_assert(memcmp(got, data, accepted) == 0);
    g_assert_cmpint(qemu_chr_queued_bytes(chr), ==, 0);
    qemu_chr_close(chr);
    close(peer);
    g_free(data);
    g_free(got);
}

typedef struct {
    CharDriverState *chr;
    const uint8_t *data;
    size_t len, sent;
    int wakeups;
} NbWriter;

static void nb_push(NbWriter *w)
{
    while (w->sent < w->len) {
        int n = qemu_chr_write_nb(w->chr, w->data + w->sent,
                                  MIN(w->len - w->sent, 8192));

        g_assert_cmpint(n, >=, 0);
        if (n == 0) {
            break;
        }
        w->sent += n;
    }
}

static void nb_write_ready(void *opaque)
{
    NbWriter *w = opaque;

    w->wakeups++;
    nb_push(w);
}

static void test_write_nb_backpressure(void)
{
    int peer;
    CharDriverState *chr = open_stalled_pipe("nb", &peer);
    size_t len = 4 * 1024 * 1024, n = 0;
    uint8_t *data = g_malloc(len);
    uint8_t *got = g_malloc(len);
    NbWriter w = { .chr = chr, .data = data, .len = len };
    guint64 iters;

    test_fill_pattern(data, len, 2);
    qemu_chr_set_write_ready(chr, nb_write_ready, &w);
    nb_push(&w);
    g_assert_cmpint(w.sent, <, len);
    g_assert_cmpint(qemu_chr_queued_bytes(chr), ==, 0);

    /* nobody reads: the loop must sleep, not spin */
    iters = support_loop_iterations();
    support_run_for(200);
    g_assert_cmpint(support_loop_iterations() - iters, <, 50);
    g_assert_cmpint(w.wakeups, ==, 0);

    /* a slow reader drains it: every byte once, in order */
    while (n < len) {
        ssize_t r = read(peer, got + n, MIN(len - n, 16384));

        if (r > 0) {
            n += r;
        }
        support_run_for(1);
    }
    g_assert_cmpint(w.sent, ==, len);
    g_assert(memcmp(got, data, len) == 0);
    g_assert_cmpint(qemu_chr_dropped_bytes(chr), ==, 0);
    g_assert_cmpint(w.wakeups, >, 0);
    qemu_chr_close(chr);
    close(peer);
    g_free(data);
    g_free(got);
}

/* ---- memory chardev ---- */

static void test_memory(void)
{
    CharDriverState chr;
    QString *qs;

    qemu_chr_init_mem(&chr);
    g_assert_cmpint(qemu_chr_mem_osize(&chr), ==, 0);
    qs = qemu_chr_mem_to_qs(&chr);
    g_assert_cmpstr(qstring_get_str(qs), ==, "");
    QDECREF(qs);
    qemu_chr_write(&chr, (const uint8_t *)"info ", 5);
    qemu_chr_printf(&chr, "%s", "chardev");
    g_assert_cmpint(qemu_chr_mem_osize(&chr), ==, 12);
    qs = qemu_chr_mem_to_qs(&chr);
    g_assert_cmpstr(qstring_get_str(qs), ==, "info chardev");
    QDECREF(qs);
    /* a pending OPENED must not outlive the caller-owned chardev */
    qemu_chr_generic_open(&chr);
    qemu_chr_close_mem(&chr);
    g_assert(chr.chr_write == NULL);
    g_assert(chr.bh == NULL);
    support_run_for(5);
}

/* ---- eventfd ---- */

static void test_eventfd(void)
{
    int efd = eventfd(0, EFD_CLOEXEC);
    CharDriverState *chr = qemu_chr_open_eventfd(efd);
    TestFrontend fe;
    uint64_t v = 3;

    g_assert(chr);
    test_fe_attach(&fe, chr);
    g_assert_cmpint(write(efd, &v, sizeof(v)), ==, sizeof(v));
    g_assert(test_fe_wait_input(&fe, sizeof(v), 2000));
    memcpy(&v, fe.input->data, sizeof(v));
    g_assert_cmpint(v, ==, 3);
    test_fe_detach(&fe);
    qemu_chr_close(chr);
}

/*
 * Backends outside this fragment (v0.15.0's vc, baum) allocate a zeroed
 * CharDriverState with no core queue; what their chr_write does not take
 * is counted as dropped, never lost silently.
 */
static int short_write(CharDriverState *chr, const uint8_t *buf, int len)
{
    return MIN(len, 3);
}

static void test_write_without_queue(void)
{
    CharDriverState *chr = qemu_mallocz(sizeof(*chr));

    chr->chr_write = short_write;
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"abcdefgh", 8),
                    ==, 3);
    g_assert_cmpuint(qemu_chr_dropped_bytes(chr), ==, 5);
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"ab", 2), ==, 2);
    g_assert_cmpuint(qemu_chr_dropped_bytes(chr), ==, 5);
    qemu_free(chr);
}

/* ---- info chardev ---- */

static void test_info(void)
{
    CharDriverState *a = test_chr_new("null,id=info-a");
    CharDriverState *m = test_chr_new("null,id=info-m,mux=on");
    Monitor *mon = support_monitor_new_buffer();
    QObject *data;
    QDict *d;

    qemu_chr_guest_open(a);
    qemu_chr_info(mon, &data);
    d = qobject_to_qdict(qlist_peek(qobject_to_qlist(data)));
    g_assert_cmpstr(qdict_get_str(d, "label"), ==, "info-a");
    g_assert_cmpstr(qdict_get_str(d, "filename"), ==, "null");
    g_assert(qdict_get_bool(d, "frontend-open"));
    g_assert_cmpint(qdict_get_int(d, "dropped"), ==, 0);
    qemu_chr_info_print(mon, data);
    qobject_decref(data);
    g_assert_cmpstr(support_monitor_buffer(mon), ==,
                    "info-a: filename=null\n"
                    "info-m-base: filename=null\n"
                    "info-m: filename=null\n");
    support_monitor_free(mon);
    qemu_chr_close(a);
    qemu_chr_close(m);
}

/*
 * query-chardev "frontend-open": a monitor never reports guest open or
 * close, so its chardev is open while the monitor is attached.
 */
static void test_info_frontend_open_monitor(void)
{
    CharDriverState *chr = test_chr_new("null,id=fo-mon");
    Monitor *mon;

    g_assert(chr);
    g_assert(!test_chr_info_frontend_open("fo-mon"));
    monitor_init(chr, MONITOR_USE_READLINE);
    mon = support_monitor_last();
    g_assert(support_monitor_chr(mon) == chr);
    g_assert(test_chr_info_frontend_open("fo-mon"));
    /* and it works: a command read from the chardev runs */
    qemu_chr_read(chr, (uint8_t *)"info version\r", 13);
    g_assert_cmpint(support_monitor_command_count(mon), ==, 1);
    g_assert(test_chr_info_frontend_open("fo-mon"));
    support_monitor_free(mon);
    /* QEMU's monitors never let go; a frontend that does closes it */
    qemu_chr_add_handlers(chr, NULL, NULL, NULL, NULL);
    g_assert(!test_chr_info_frontend_open("fo-mon"));
    qemu_chr_close(chr);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/char/core/registry", test_registry);
    g_test_add_func("/char/core/write-without-queue",
                    test_write_without_queue);
    g_test_add_func("/char/core/errors", test_errors);
    g_test_add_func("/char/core/errors/unknown-backend",
                    test_error_unknown_lists_backends);
    g_test_add_func("/char/core/compat/forms", test_compat_forms);
    g_test_add_func("/char/core/compat/open", test_compat_open);
    g_test_add_func("/char/core/compat/label-reuse", test_compat_label_reuse);
    g_test_add_func("/char/core/avail-connections", test_avail_connections);
    g_test_add_func("/char/core/open-event", test_open_event_after_attach);
    g_test_add_func("/char/core/guest-open-close", test_guest_open_close);
    g_test_add_func("/char/core/guest-open-mux", test_guest_open_ignored_by_mux);
    g_test_add_func("/char/core/info", test_info);
    g_test_add_func("/char/core/info/frontend-open/monitor",
                    test_info_frontend_open_monitor);
    g_test_add_func("/char/file/write", test_file_write);
    g_test_add_func("/char/pipe/pair", test_pipe_pair);
    g_test_add_func("/char/pipe/single", test_pipe_single);
    g_test_add_func("/char/pipe/peer-timing", test_pipe_peer_timing);
    g_test_add_func("/char/null/write", test_null_write);
    g_test_add_func("/char/pipe/write-queue-drops", test_write_queue_drops);
    g_test_add_func("/char/pipe/write-nb-backpressure",
                    test_write_nb_backpressure);
    g_test_add_func("/char/memory/basic", test_memory);
    g_test_add_func("/char/eventfd/read", test_eventfd);

    /* test_run_fd_checked() fails the run if an fd is left open */
    return test_run_fd_checked();
}
