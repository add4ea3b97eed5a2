/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of logfile= and logappend=: a copy of what a backend delivered. */
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

#include <signal.h>
#include <sys/stat.h>

#define OUTQ_LIMIT (64 * 1024)
#define LOGQ_LIMIT (64 * 1024)

static char *tmpdir;

static char *tmp_path(const char *name)
{
    return g_strdup_printf("%s/%s", tmpdir, name);
}

static CharDriverState *chr_new_fmt(const char *fmt, ...) GCC_FMT_ATTR(1, 2);

static CharDriverState *chr_new_fmt(const char *fmt, ...)
{
    va_list ap;
    char *opts;
    CharDriverState *chr;

    va_start(ap, fmt);
    opts = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    chr = test_chr_new(opts);
    g_free(opts);
    return chr;
}

static char *file_text(const char *path, gsize *len)
{
    char *text = NULL;

    g_assert(g_file_get_contents(path, &text, len, NULL));
    return text;
}

static void write_str(CharDriverState *chr, const char *s)
{
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)s, strlen(s)), ==,
                    strlen(s));
}

/* The query-chardev entry of @label; NULL if there is none.  Unref it. */
static QDict *info_of(const char *label)
{
    QObject *data;
    QListEntry *e;
    QDict *found = NULL;

    qemu_chr_info(NULL, &data);
    QLIST_FOREACH_ENTRY(qobject_to_qlist(data), e) {
        QDict *d = qobject_to_qdict(qlist_entry_obj(e));

        if (strcmp(qdict_get_str(d, "label"), label) == 0) {
            QINCREF(d);
            found = d;
        }
    }
    qobject_decref(data);
    return found;
}

/* ---- file backend ---- */

static void test_file(void)
{
    char *out = tmp_path("file.out");
    char *log = tmp_path("file.log");
    CharDriverState *chr;
    char *text;
    gsize len;

    g_assert(g_file_set_contents(log, "older text\n", -1, NULL));
    chr = chr_new_fmt("file,id=lf,path=%s,logfile=%s", out, log);
    g_assert(chr);
    /* logappend=off (the default) starts the log afresh */
    text = file_text(log, &len);
    g_assert_cmpint(len, ==, 0);
    g_free(text);

    write_str(chr, "hello ");
    write_str(chr, "world\n");
    g_assert_cmpint(qemu_chr_log_dropped(chr), ==, 0);
    qemu_chr_close(chr);

    text = file_text(out, &len);
    g_assert_cmpstr(text, ==, "hello world\n");
    g_free(text);
    text = file_text(log, &len);
    g_assert_cmpstr(text, ==, "hello world\n");
    g_free(text);
    g_free(out);
    g_free(log);
}

static void test_append(void)
{
    char *log = tmp_path("append.log");
    CharDriverState *chr;
    char *text;
    gsize len;

    g_assert(g_file_set_contents(log, "first run\n", -1, NULL));
    chr = chr_new_fmt("null,id=la,logfile=%s,logappend=on", log);
    g_assert(chr);
    write_str(chr, "second run\n");
    qemu_chr_close(chr);
    text = file_text(log, &len);
    g_assert_cmpstr(text, ==, "first run\nsecond run\n");
    g_free(text);

    chr = chr_new_fmt("null,id=la,logfile=%s,logappend=off", log);
    g_assert(chr);
    write_str(chr, "third run\n");
    qemu_chr_close(chr);
    text = file_text(log, &len);
    g_assert_cmpstr(text, ==, "third run\n");
    g_free(text);
    g_free(log);
}

/* ---- socket backend with a real peer ---- */

static void test_socket(void)
{
    char *log = tmp_path("sock.log");
    char *path = tmp_path("lsock.sock");
    TestFrontend fe = { .can_read = -1 };
    CharDriverState *chr;
    char got[16];
    char *text;
    gsize len;
    int peer;

    chr = chr_new_fmt("socket,id=lsock,path=%s,server,nowait,logfile=%s",
                      path, log);
    g_assert(chr);
    test_fe_attach(&fe, chr);
    /* no peer yet: discarded output is not delivered, so not logged */
    write_str(chr, "nobody");
    peer = test_unix_connect(path);
    g_assert_cmpint(peer, >=, 0);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 5000));

    write_str(chr, "to the peer");
    g_assert(test_read_full(peer, got, 11, 5000));
    g_assert(memcmp(got, "to the peer", 11) == 0);
    /* input from the peer is not output: it stays out of the log */
    g_assert(test_write_full(peer, "from the peer", 13, 5000));
    g_assert(test_fe_wait_input(&fe, 13, 5000));

    text = file_text(log, &len);
    g_assert_cmpstr(text, ==, "to the peer");
    g_free(text);
    test_fe_detach(&fe);
    qemu_chr_close(chr);
    close(peer);
    g_free(log);
    g_free(path);
}

/* ---- a slow peer: the log follows what it really got ---- */

static CharDriverState *open_stalled_pipe(const char *name, const char *log,
                                          int *peer_r)
{
    char *base = tmp_path(name);
    char *in = g_strdup_printf("%s.in", base);
    char *out = g_strdup_printf("%s.out", base);
    CharDriverState *chr;

    g_assert_cmpint(mkfifo(in, 0600), ==, 0);
    g_assert_cmpint(mkfifo(out, 0600), ==, 0);
    chr = chr_new_fmt("pipe,id=%s,path=%s,logfile=%s", name, base, log);
    g_assert(chr);
    *peer_r = open(out, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    g_assert_cmpint(*peer_r, >=, 0);
    unlink(in);
    unlink(out);
    g_free(in);
    g_free(out);
    g_free(base);
    return chr;
}

static void test_slow_peer(void)
{
    char *log = tmp_path("slowpeer.log");
    int peer;
    CharDriverState *chr = open_stalled_pipe("slowpeer", log, &peer);
    size_t cap = 1024 * 1024, fifo_size, total = 0, accepted = 0, n = 0;
    uint8_t *data = g_malloc(cap);
    uint8_t *got = g_malloc(cap);
    int chunk = 4096;
    char *text;
    gsize len;

    test_fill_pattern(data, cap, 7);
    fifo_size = fcntl(peer, F_GETPIPE_SZ);
    /* fill the fifo, then the output queue, then some is dropped */
    while (total < fifo_size + OUTQ_LIMIT + 4 * chunk) {
        accepted += qemu_chr_write(chr, data + total, chunk);
        total += chunk;
    }
    g_assert_cmpint(accepted, ==, fifo_size + OUTQ_LIMIT);
    g_assert_cmpint(qemu_chr_dropped_bytes(chr), ==, total - accepted);
    /* the log has what the fifo took, not what waits or was dropped */
    text = file_text(log, &len);
    g_assert_cmpint(len, ==, fifo_size);
    g_assert(memcmp(text, data, len) == 0);
    g_free(text);
    g_assert_cmpint(qemu_chr_log_dropped(chr), ==, 0);

    /* the peer reads: the queued output leaves, and is logged then */
    while (n < accepted) {
        ssize_t r;

        support_run_for(5);
        r = read(peer, got + n, cap - n);
        if (r > 0) {
            n += r;
        }
        g_assert(r != 0);
    }
    g_assert_cmpint(n, ==, accepted);
    text = file_text(log, &len);
    g_assert_cmpint(len, ==, accepted);
    g_assert(memcmp(text, data, len) == 0);
    g_assert(memcmp(got, data, n) == 0);
    g_free(text);
    qemu_chr_close(chr);
    close(peer);
    g_free(data);
    g_free(got);
    g_free(log);
}

/* ---- a slow log never holds the frontend back ---- */

static void test_slow_log(void)
{
    char *log = tmp_path("slowlog.fifo");
    size_t cap = 1024 * 1024, fifo_size, total = 0, n = 0;
    uint8_t *data = g_malloc(cap);
    uint8_t *got = g_malloc(cap);
    Monitor *mon;
    QObject *info;
    QDict *d;
    int reader, chunk = 4096;
    CharDriverState *chr;
    char *line;

    test_fill_pattern(data, cap, 3);
    g_assert_cmpint(mkfifo(log, 0600), ==, 0);
    reader = open(log, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    g_assert_cmpint(reader, >=, 0);
    chr = chr_new_fmt("null,id=slowlog,logfile=%s", log);
    g_assert(chr);
    fifo_size = fcntl(reader, F_GETPIPE_SZ);

    /* every write is taken whole and at once while the log stalls */
    while (total < fifo_size + LOGQ_LIMIT + 16 * chunk) {
        int64_t t0 = g_get_monotonic_time();

        g_assert_cmpint(qemu_chr_write(chr, data + total, chunk), ==, chunk);
        g_assert_cmpint(g_get_monotonic_time() - t0, <, 500 * 1000);
        total += chunk;
    }
    g_assert_cmpint(qemu_chr_dropped_bytes(chr), ==, 0);
    g_assert_cmpint(qemu_chr_log_dropped(chr), ==,
                    total - fifo_size - LOGQ_LIMIT);

    d = info_of("slowlog");
    g_assert(d);
    g_assert_cmpstr(qdict_get_str(d, "logfile"), ==, log);
    g_assert_cmpint(qdict_get_int(d, "log-dropped"), ==,
                    total - fifo_size - LOGQ_LIMIT);
    g_assert_cmpint(qdict_get_int(d, "dropped"), ==, 0);
    QDECREF(d);
    mon = support_monitor_new_buffer();
    qemu_chr_info(mon, &info);
    qemu_chr_info_print(mon, info);
    qobject_decref(info);
    line = g_strdup_printf("    slowlog: %zu bytes not logged to %s (log "
                           "queue full or write error)\n",
                           total - fifo_size - LOGQ_LIMIT, log);
    g_assert(strstr(support_monitor_buffer(mon), line));
    g_free(line);
    support_monitor_free(mon);

    /* the reader catches up: the queued part follows, in order */
    while (n < fifo_size + LOGQ_LIMIT) {
        ssize_t r;

        support_run_for(5);
        r = read(reader, got + n, cap - n);
        if (r > 0) {
            n += r;
        }
        g_assert(r != 0);
    }
    g_assert_cmpint(n, ==, fifo_size + LOGQ_LIMIT);
    g_assert(memcmp(got, data, n) == 0);
    /* and logging goes on once there is room */
    write_str(chr, "later");
    g_assert(test_pump_read(reader, got, 5, 5000));
    g_assert(memcmp(got, "later", 5) == 0);

    qemu_chr_close(chr);
    close(reader);
    unlink(log);
    g_free(data);
    g_free(got);
    g_free(log);
}

/* A log that fails (its reader left) is reported once and counted. */
static void test_write_error(void)
{
    char *log = tmp_path("gone.fifo");
    CharDriverState *chr;
    char *want;
    int reader;

    g_assert_cmpint(mkfifo(log, 0600), ==, 0);
    reader = open(log, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    g_assert_cmpint(reader, >=, 0);
    chr = chr_new_fmt("null,id=gone,logfile=%s", log);
    g_assert(chr);
    write_str(chr, "seen");
    g_assert(test_pump_read(reader, (char[4]){ 0 }, 4, 5000));
    close(reader);

    support_error_clear();
    support_error_quiet(true);
    write_str(chr, "lost");
    write_str(chr, "also lost");
    support_error_quiet(false);
    g_assert_cmpint(support_error_count(), ==, 1);
    want = g_strdup_printf("chardev \"gone\": logfile \"%s\": write failed: "
                           "Broken pipe; what is not logged is counted (said "
                           "once)", log);
    g_assert_cmpstr(support_error_last(), ==, want);
    g_free(want);
    g_assert_cmpint(qemu_chr_log_dropped(chr), ==, 13);
    g_assert_cmpint(qemu_chr_dropped_bytes(chr), ==, 0);
    qemu_chr_close(chr);
    unlink(log);
    g_free(log);
}

/* ---- mux: the log belongs to the shared backend ---- */

static void test_mux(void)
{
    char *log = tmp_path("mux.log");
    CharDriverState *chr;
    QDict *d;
    char *text;
    gsize len;

    chr = chr_new_fmt("null,id=lmux,mux=on,logfile=%s", log);
    g_assert(chr);
    write_str(chr, "via the mux\n");
    d = info_of("lmux-base");
    g_assert(d);
    g_assert_cmpstr(qdict_get_str(d, "logfile"), ==, log);
    QDECREF(d);
    d = info_of("lmux");
    g_assert(d);
    g_assert(!qdict_haskey(d, "logfile"));
    QDECREF(d);
    qemu_chr_close(chr);
    text = file_text(log, &len);
    g_assert_cmpstr(text, ==, "via the mux\n");
    g_free(text);
    g_free(log);
}

/* ---- errors ---- */

static void check_error(const char *optfmt, const char *errfmt)
{
    char *opts = g_strdup_printf(optfmt, tmpdir);
    char *want = g_strdup_printf(errfmt, tmpdir);
    char *err = test_chr_open_error(opts);

    g_assert_cmpstr(err, ==, want);
    g_free(err);
    g_free(want);
    g_free(opts);
}

static void test_errors(void)
{
    char *fifo = tmp_path("noreader.fifo");
    char *path = tmp_path("errs.sock");
    char *out = tmp_path("le1.out");

    check_error("file,id=le1,path=%1$s/le1.out,logfile=%1$s/nodir/x.log",
                "chardev \"le1\": backend \"file\": logfile: cannot open "
                "\"%s/nodir/x.log\": No such file or directory");
    /* the backend does not open: no output file, no listening socket */
    g_assert(access(out, F_OK) != 0);
    check_error("socket,id=le2,path=%1$s/errs.sock,server,nowait,"
                "logfile=%1$s",
                "chardev \"le2\": backend \"socket\": logfile: cannot open "
                "\"%s\": Is a directory");
    g_assert(access(path, F_OK) != 0);
    check_error("null,id=le3,logfile=",
                "chardev \"le3\": backend \"null\": logfile: empty (a path "
                "is needed)");
    check_error("null,id=le4,logappend=on",
                "chardev \"le4\": backend \"null\": logappend: needs "
                "logfile=<path>");
    g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
    check_error("null,id=le5,logfile=%s/noreader.fifo",
                "chardev \"le5\": backend \"null\": logfile: cannot open "
                "\"%s/noreader.fifo\": No such device or address");
    unlink(fifo);
    /* the option parser knows logappend is on or off */
    support_error_clear();
    support_error_quiet(true);
    g_assert(!test_chr_new("null,id=le6,logfile=x,logappend=maybe"));
    support_error_quiet(false);
    g_assert_cmpint(support_error_count(), ==, 1);
    g_assert(strstr(support_error_last(), "logappend"));
    g_assert(!qemu_chr_find("le6"));
    g_free(fifo);
    g_free(path);
    g_free(out);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    /* as QEMU does: a fifo log whose reader left gives EPIPE, not death */
    signal(SIGPIPE, SIG_IGN);
    tmpdir = support_make_tmpdir();

    g_test_add_func("/char/logfile/file", test_file);
    g_test_add_func("/char/logfile/append", test_append);
    g_test_add_func("/char/logfile/socket", test_socket);
    g_test_add_func("/char/logfile/slow-peer", test_slow_peer);
    g_test_add_func("/char/logfile/slow-log", test_slow_log);
    g_test_add_func("/char/logfile/write-error", test_write_error);
    g_test_add_func("/char/logfile/mux", test_mux);
    g_test_add_func("/char/logfile/errors", test_errors);

    /* test_run_fd_checked() fails the run if an fd is left open */
    ret = test_run_fd_checked();
    support_rm_tmpdir(tmpdir);
    g_free(tmpdir);
    return ret;
}
