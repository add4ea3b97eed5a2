/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of the ringbuf backend and its ringbuf-read/-write commands. */
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

static void write_str(CharDriverState *chr, const char *s)
{
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)s, strlen(s)), ==,
                    strlen(s));
}

static QDict *qmp(const char *fmt, ...) GCC_FMT_ATTR(1, 2);

/* One QMP command on a QMP monitor of its own; the reply QDict. */
static QDict *qmp(const char *fmt, ...)
{
    Monitor *mon = support_monitor_new_qmp();
    va_list ap;
    char *json;
    QObject *reply;

    va_start(ap, fmt);
    json = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    reply = support_monitor_qmp(mon, json);
    g_assert(reply && qobject_type(reply) == QTYPE_QDICT);
    g_free(json);
    support_monitor_free(mon);
    return qobject_to_qdict(reply);
}

/* The "return" string of a successful reply (g_free it). */
static char *qmp_str(QDict *reply)
{
    char *s;

    g_assert(!qdict_haskey(reply, "error"));
    s = g_strdup(qdict_get_str(reply, "return"));
    QDECREF(reply);
    return s;
}

static void qmp_ok(QDict *reply)
{
    g_assert(!qdict_haskey(reply, "error"));
    g_assert(qdict_haskey(reply, "return"));
    QDECREF(reply);
}

/* An error reply with this class and text. */
static void qmp_err(QDict *reply, const char *class, const char *desc)
{
    QDict *err;

    g_assert(qdict_haskey(reply, "error"));
    err = qdict_get_qdict(reply, "error");
    g_assert_cmpstr(qdict_get_str(err, "class"), ==, class);
    g_assert_cmpstr(qdict_get_str(err, "desc"), ==, desc);
    QDECREF(reply);
}

static char *read_utf8(const char *id, int size)
{
    return qmp_str(qmp("{ 'execute': 'ringbuf-read', 'arguments': "
                       "{ 'device': '%s', 'size': %d } }", id, size));
}

static char *read_base64(const char *id, int size)
{
    return qmp_str(qmp("{ 'execute': 'ringbuf-read', 'arguments': { "
                       "'device': '%s', 'size': %d, 'format': 'base64' } }",
                       id, size));
}

/* ringbuf-write of plain (utf8) data */
static void write_utf8(const char *id, const char *data)
{
    qmp_ok(qmp("{ 'execute': 'ringbuf-write', 'arguments': "
               "{ 'device': '%s', 'data': '%s' } }", id, data));
}

/* ---- the ring ---- */

static void test_wrap(void)
{
    CharDriverState *chr = test_chr_new("ringbuf,id=rbw,size=16");
    char *s;

    g_assert(chr);
    write_str(chr, "0123456789");
    s = read_utf8("rbw", 4);
    g_assert_cmpstr(s, ==, "0123");
    g_free(s);
    s = read_utf8("rbw", 100);
    g_assert_cmpstr(s, ==, "456789");
    g_free(s);
    /* nothing left */
    s = read_utf8("rbw", 100);
    g_assert_cmpstr(s, ==, "");
    g_free(s);

    /* 20 bytes into 16: the oldest 4 are overwritten */
    write_str(chr, "abcdefghij");
    write_str(chr, "klmnopqrst");
    s = read_utf8("rbw", 100);
    g_assert_cmpstr(s, ==, "efghijklmnopqrst");
    g_free(s);
    /* one write larger than the ring keeps its own tail */
    write_str(chr, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    s = read_utf8("rbw", 16);
    g_assert_cmpstr(s, ==, "KLMNOPQRSTUVWXYZ");
    g_free(s);
    qemu_chr_close(chr);
}

static void test_default_size(void)
{
    CharDriverState *chr = test_chr_new("ringbuf,id=rbd");
    CharDriverState *chr_k = test_chr_new("ringbuf,id=rbk,size=1K");
    size_t total = 70000;
    uint8_t *data = g_malloc(total);
    guchar *got;
    gsize len;
    char *s;

    g_assert(chr && chr_k);
    test_fill_pattern(data, total, 5);
    g_assert_cmpint(qemu_chr_write(chr, data, total), ==, total);
    s = qmp_str(qmp("{ 'execute': 'ringbuf-read', 'arguments': { 'device': "
                    "'rbd', 'size': 1000000, 'format': 'base64' } }"));
    got = g_base64_decode(s, &len);
    g_assert_cmpint(len, ==, 65536);
    g_assert(memcmp(got, data + total - 65536, len) == 0);
    g_free(got);
    g_free(s);

    g_assert_cmpint(qemu_chr_write(chr_k, data, 3000), ==, 3000);
    s = qmp_str(qmp("{ 'execute': 'ringbuf-read', 'arguments': { 'device': "
                    "'rbk', 'size': 5000, 'format': 'base64' } }"));
    got = g_base64_decode(s, &len);
    g_assert_cmpint(len, ==, 1024);
    g_assert(memcmp(got, data + 3000 - 1024, len) == 0);
    g_free(got);
    g_free(s);
    qemu_chr_close(chr);
    qemu_chr_close(chr_k);
    g_free(data);
}

static void test_size_errors(void)
{
    static const struct {
        const char *opts;
        const char *error;
    } cases[] = {
        { "ringbuf,id=rbe,size=0",
          "chardev \"rbe\": backend \"ringbuf\": size: 0 is not a power of "
          "two" },
        { "ringbuf,id=rbe,size=100",
          "chardev \"rbe\": backend \"ringbuf\": size: 100 is not a power "
          "of two" },
        { "ringbuf,id=rbe,size=3",
          "chardev \"rbe\": backend \"ringbuf\": size: 3 is not a power of "
          "two" },
        { "ringbuf,id=rbe,size=2G",
          "chardev \"rbe\": backend \"ringbuf\": size: 2147483648 is too "
          "large (at most 1073741824)" },
        /* the option parser itself refuses what is not a size */
        { "ringbuf,id=rbe,size=-4", "Parameter 'size' expects a size" },
        { "ringbuf,id=rbe,size=lots", "Parameter 'size' expects a size" },
        { "ringbuf,id=rbe,path=x",
          "chardev \"rbe\": backend \"ringbuf\": path: not an option of "
          "this backend (valid: size, mux)" },
    };
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        char *err = test_chr_open_error(cases[i].opts);

        g_assert_cmpstr(err, ==, cases[i].error);
        g_free(err);
        g_assert(!qemu_chr_find("rbe"));
    }
    /* size is for ringbuf only */
    {
        char *err = test_chr_open_error("null,id=rbe,size=16");

        g_assert_cmpstr(err, ==, "chardev \"rbe\": backend \"null\": size: "
                        "not an option of this backend (valid: mux)");
        g_free(err);
    }
}

/* ---- QMP ---- */

static void test_qmp(void)
{
    CharDriverState *chr = test_chr_new("ringbuf,id=rbq,size=64");
    CharDriverState *other = test_chr_new("null,id=rbq-null");
    TestFrontend fe = { .can_read = -1 };
    char *s;

    g_assert(chr && other);
    test_fe_attach(&fe, chr);

    /* write, then read back: utf8 */
    qmp_ok(qmp("{ 'execute': 'ringbuf-write', 'arguments': "
               "{ 'device': 'rbq', 'data': 'h\\u00e9llo ' } }"));
    s = read_utf8("rbq", 64);
    g_assert_cmpstr(s, ==, "h\xc3\xa9llo ");
    g_free(s);
    /* base64 both ways keeps every byte, NUL and 0xff included */
    qmp_ok(qmp("{ 'execute': 'ringbuf-write', 'arguments': { 'device': "
               "'rbq', 'data': 'AP93b3JsZA==', 'format': 'base64' } }"));
    s = read_base64("rbq", 64);
    g_assert_cmpstr(s, ==, "AP93b3JsZA==");
    g_free(s);
    /* the monitor's data and the frontend's share one ring, in order */
    write_str(chr, "ab");
    write_utf8("rbq", "cd");
    write_str(chr, "ef");
    s = read_utf8("rbq", 64);
    g_assert_cmpstr(s, ==, "abcdef");
    g_free(s);
    /* empty data is fine and adds nothing */
    write_utf8("rbq", "");
    s = read_utf8("rbq", 64);
    g_assert_cmpstr(s, ==, "");
    g_free(s);

    /* read: utf8 replaces what is not UTF-8 (and NUL); base64 is exact */
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"a\0b\xff\xc3\xa9",
                                   6), ==, 6);
    s = read_utf8("rbq", 3);
    g_assert_cmpstr(s, ==, "a\xef\xbf\xbd" "b");
    g_free(s);
    s = qmp_str(qmp("{ 'execute': 'ringbuf-read', 'arguments': { 'device': "
                    "'rbq', 'size': 10, 'format': 'base64' } }"));
    g_assert_cmpstr(s, ==, "/8Op");
    g_free(s);
    s = qmp_str(qmp("{ 'execute': 'ringbuf-read', 'arguments': { 'device': "
                    "'rbq', 'size': 10, 'format': 'utf8' } }"));
    g_assert_cmpstr(s, ==, "");
    g_free(s);

    /* errors */
    qmp_err(qmp("{ 'execute': 'ringbuf-write', 'arguments': "
                "{ 'device': 'nosuch', 'data': 'x' } }"),
            "DeviceNotFound", "Device 'nosuch' not found");
    qmp_err(qmp("{ 'execute': 'ringbuf-read', 'arguments': "
                "{ 'device': 'rbq-null', 'size': 10 } }"),
            "InvalidParameterValue", "Parameter 'device' expects a ringbuf "
            "chardev ('rbq-null' is not one)");
    qmp_err(qmp("{ 'execute': 'ringbuf-write', 'arguments': { 'device': "
                "'rbq', 'data': 'not base64!', 'format': 'base64' } }"),
            "InvalidParameterValue", "Parameter 'data' expects base64 data");
    qmp_err(qmp("{ 'execute': 'ringbuf-write', 'arguments': { 'device': "
                "'rbq', 'data': 'QUJD=', 'format': 'base64' } }"),
            "InvalidParameterValue", "Parameter 'data' expects base64 data");
    qmp_err(qmp("{ 'execute': 'ringbuf-read', 'arguments': { 'device': "
                "'rbq', 'size': 4, 'format': 'hex' } }"),
            "InvalidParameterValue", "Parameter 'format' expects 'utf8' or "
            "'base64'");
    qmp_err(qmp("{ 'execute': 'ringbuf-read', 'arguments': "
                "{ 'device': 'rbq', 'size': 0 } }"),
            "InvalidParameterValue", "Parameter 'size' expects a positive "
            "number");
    qmp_err(qmp("{ 'execute': 'ringbuf-read', 'arguments': "
                "{ 'device': 'rbq' } }"),
            "MissingParameter", "Parameter 'size' is missing");
    qmp_err(qmp("{ 'execute': 'ringbuf-read', 'arguments': "
                "{ 'device': 'rbq', 'size': '4' } }"),
            "InvalidParameterType", "Invalid parameter type, expected: int");
    /* failed writes left the ring alone */
    s = read_utf8("rbq", 64);
    g_assert_cmpstr(s, ==, "");
    g_free(s);
    /* the frontend never gets input from a ringbuf */
    support_run_for(20);
    g_assert_cmpint(fe.input->len, ==, 0);

    test_fe_detach(&fe);
    qemu_chr_close(chr);
    qemu_chr_close(other);
}

/* Writes from the frontend and the monitor wrap around the ring alike. */
static void test_write_wrap(void)
{
    CharDriverState *chr = test_chr_new("ringbuf,id=rbx,size=16");
    char *s;

    g_assert(chr);
    /* 20 bytes into 16, half from each side: the oldest 4 are gone */
    write_str(chr, "0123456789");
    write_utf8("rbx", "abcdefghij");
    s = read_utf8("rbx", 100);
    g_assert_cmpstr(s, ==, "456789abcdefghij");
    g_free(s);

    /* a partial read, then both sides write past the end of the ring */
    write_str(chr, "ABCDEFGH");
    s = read_utf8("rbx", 4);
    g_assert_cmpstr(s, ==, "ABCD");
    g_free(s);
    write_utf8("rbx", "0123456789ab");
    write_str(chr, "xy");
    s = read_utf8("rbx", 100);
    g_assert_cmpstr(s, ==, "GH0123456789abxy");
    g_free(s);

    /* one monitor write larger than the ring keeps its own tail */
    write_utf8("rbx", "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    s = read_utf8("rbx", 100);
    g_assert_cmpstr(s, ==, "KLMNOPQRSTUVWXYZ");
    g_free(s);
    /* and so does a base64 one: 18 bytes "\0\1...", the last 16 kept */
    qmp_ok(qmp("{ 'execute': 'ringbuf-write', 'arguments': { 'device': "
               "'rbx', 'data': 'AAECAwQFBgcICQoLDA0ODxAR', "
               "'format': 'base64' } }"));
    s = read_base64("rbx", 100);
    g_assert_cmpstr(s, ==, "AgMEBQYHCAkKCwwNDg8QEQ==");
    g_free(s);
    qemu_chr_close(chr);
}

/* As if the frontend wrote it: a logfile= copy has the monitor's data. */
static void test_write_logged(void)
{
    char *log = test_tmp_path("rbl.log");
    char *opts = g_strdup_printf("ringbuf,id=rbl,size=16,logfile=%s", log);
    CharDriverState *chr = test_chr_new(opts);
    char *text = NULL;
    gsize len;

    g_assert(chr);
    write_str(chr, "guest ");
    write_utf8("rbl", "monitor ");
    write_str(chr, "guest");
    support_run_for(20);
    g_assert(g_file_get_contents(log, &text, &len, NULL));
    g_assert_cmpstr(text, ==, "guest monitor guest");
    g_free(text);
    qemu_chr_close(chr);
    g_free(opts);
    g_free(log);
}

/* ---- HMP ---- */

static void test_hmp(void)
{
    CharDriverState *chr = test_chr_new("ringbuf,id=rbh");
    CharDriverState *other = test_chr_new("null,id=rbh-null");
    TestFrontend fe = { .can_read = -1 };
    Monitor *mon = support_monitor_new_buffer();

    g_assert(chr && other);
    test_fe_attach(&fe, chr);
    support_monitor_command(mon, "ringbuf_write rbh \"two words\\n\"");
    support_monitor_command(mon, "ringbuf_write rbh more");
    g_assert_cmpstr(support_monitor_buffer(mon), ==, "");

    write_str(chr, "line one\nbell\a\\\n");
    support_monitor_command(mon, "ringbuf_read rbh 100");
    g_assert_cmpstr(support_monitor_buffer(mon), ==,
                    "two words\nmoreline one\nbell\\u0007\\\\\n\n");
    support_run_for(20);
    g_assert_cmpint(fe.input->len, ==, 0);
    support_monitor_buffer_clear(mon);

    support_monitor_command(mon, "ringbuf_read rbh-null 10");
    g_assert_cmpstr(support_monitor_buffer(mon), ==,
                    "Parameter 'device' expects a ringbuf chardev "
                    "('rbh-null' is not one)\n");
    support_monitor_buffer_clear(mon);
    support_monitor_command(mon, "ringbuf_write nosuch x");
    g_assert_cmpstr(support_monitor_buffer(mon), ==,
                    "Device 'nosuch' not found\n");
    support_monitor_buffer_clear(mon);
    /* the human monitor's own argument messages, as in v0.15.0 */
    support_monitor_command(mon, "ringbuf_read rbh");
    g_assert_cmpstr(support_monitor_buffer(mon), ==,
                    "unexpected end of expression\n");
    support_monitor_buffer_clear(mon);
    support_monitor_command(mon, "ringbuf_read rbh lots");
    g_assert_cmpstr(support_monitor_buffer(mon), ==,
                    "invalid char in expression\n");
    support_monitor_buffer_clear(mon);
    support_monitor_command(mon, "help ringbuf_read");
    g_assert_cmpstr(support_monitor_buffer(mon), ==,
                    "ringbuf_read device size -- read up to size bytes of a "
                    "ringbuf chardev's output\n");
    support_monitor_buffer_clear(mon);
    support_monitor_command(mon, "help ringbuf_write");
    g_assert_cmpstr(support_monitor_buffer(mon), ==,
                    "ringbuf_write device data -- write data to a ring "
                    "buffer chardev\n");

    support_monitor_free(mon);
    test_fe_detach(&fe);
    qemu_chr_close(chr);
    qemu_chr_close(other);
}

/*
 * A monitor on a ringbuf: its output is read back, and ringbuf-write adds
 * to that output without typing into the monitor.
 */
static void test_monitor_on_ringbuf(void)
{
    CharDriverState *chr = test_chr_new("ringbuf,id=rbm,mux=on");
    Monitor *mon;
    size_t len;
    char *s;

    g_assert(chr);
    monitor_init(chr, MONITOR_USE_READLINE);
    mon = support_monitor_last();
    support_run_for(20);
    s = read_utf8("rbm", 4096);
    g_assert(strstr(s, "monitor - type 'help' for more information"));
    g_free(s);
    write_utf8("rbm", "info version\\r");
    support_run_for(50);
    g_assert_cmpint(support_monitor_command_count(mon), ==, 0);
    support_monitor_input(mon, &len);
    g_assert_cmpint(len, ==, 0);
    s = read_utf8("rbm", 4096);
    g_assert_cmpstr(s, ==, "info version\r");
    g_free(s);
    support_monitor_free(mon);
    qemu_chr_close(chr);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/char/ringbuf/wrap", test_wrap);
    g_test_add_func("/char/ringbuf/default-size", test_default_size);
    g_test_add_func("/char/ringbuf/size-errors", test_size_errors);
    g_test_add_func("/char/ringbuf/qmp", test_qmp);
    g_test_add_func("/char/ringbuf/write-wrap", test_write_wrap);
    g_test_add_func("/char/ringbuf/write-logged", test_write_logged);
    g_test_add_func("/char/ringbuf/hmp", test_hmp);
    g_test_add_func("/char/ringbuf/monitor", test_monitor_on_ringbuf);

    /* test_run_fd_checked() fails the run if an fd is left open */
    ret = test_run_fd_checked();
    return ret;
}
