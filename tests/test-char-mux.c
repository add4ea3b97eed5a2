/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of the mux: escapes, focus switching, buffering, events, echo. */
#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-config.h"
#include "qemu-error.h"
#include "monitor.h"
#include "support-test.h"
#include "support-monitor.h"
#include "char-test-util.h"

#include <poll.h>
#include <termios.h>
#include <sys/wait.h>

#define ESC "\x01"

/* ---- helpers ---- */

/* Read what arrives on @fd within @ms while the main loop runs. */
static GString *pump_collect(int fd, int ms)
{
    uint8_t buf[65536];
    GString *s = g_string_new("");
    gint64 deadline = g_get_monotonic_time() + ms * 1000LL;

    while (g_get_monotonic_time() < deadline) {
        size_t got = test_pump_some(fd, buf, sizeof(buf), 10);

        g_string_append_len(s, (char *)buf, got);
    }
    return s;
}


/* A mux over a pipe backend whose fifos the test holds as the terminal. */
typedef struct MuxFixture {
    TestFifos fifos;
    CharDriverState *mux;
    CharDriverState *base;
    int term_w;                 /* typing: into <path>.in */
    int term_r;                 /* the screen: from <path>.out */
    TestFrontend fe[MAX_MUX];
    int nr_fe;
} MuxFixture;

static void mux_open(MuxFixture *f, int nr_fe)
{
    static int seq;
    char *name, *opts;
    int i;

    memset(f, 0, sizeof(*f));
    name = g_strdup_printf("mux%d", seq++);
    test_fifos_new(&f->fifos, name);
    opts = g_strdup_printf("pipe,id=mx,path=%s,mux=on", f->fifos.base);
    f->mux = test_chr_new(opts);
    g_assert(f->mux);
    f->base = qemu_chr_find("mx-base");
    g_assert(f->base);
    f->term_w = open(f->fifos.in, O_WRONLY | O_CLOEXEC);
    f->term_r = open(f->fifos.out, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    g_assert_cmpint(f->term_w, >=, 0);
    g_assert_cmpint(f->term_r, >=, 0);
    for (i = 0; i < nr_fe; i++) {
        test_fe_attach(&f->fe[i], f->mux);
    }
    f->nr_fe = nr_fe;
    g_free(name);
    g_free(opts);
}

static void mux_close(MuxFixture *f)
{
    int i;

    if (f->mux) {
        qemu_chr_close(f->mux);
    }
    /* the base goes with its mux */
    g_assert(qemu_chr_find("mx-base") == NULL);
    for (i = 0; i < f->nr_fe; i++) {
        /* the mux is gone: nothing to release */
        f->fe[i].chr = NULL;
        test_fe_detach(&f->fe[i]);
    }
    close(f->term_w);
    close(f->term_r);
    test_fifos_free(&f->fifos);
}

static void type(MuxFixture *f, const char *s)
{
    g_assert(test_write_full(f->term_w, s, strlen(s), 1000));
}

/* Run the loop until the fifo has been read (the mux has the bytes). */
static void settle(void)
{
    support_run_for(50);
}

static void assert_input(TestFrontend *fe, const char *expect)
{
    size_t len = strlen(expect);

    if (len == 0) {
        g_assert_cmpint(fe->input->len, ==, 0);
        return;
    }
    g_assert(test_fe_wait_input(fe, len, 2000));
    g_assert_cmpint(fe->input->len, ==, len);
    g_assert(memcmp(fe->input->data, expect, len) == 0);
}

static int last_event(TestFrontend *fe)
{
    return fe->nr_events ? fe->events[fe->nr_events - 1] : -1;
}

/* ---- focus and events ---- */

static void test_focus_two(void)
{
    MuxFixture f;
    TestFrontend *a = &f.fe[0], *b = &f.fe[1];

    mux_open(&f, 2);
    /* attaching moves the focus to the newcomer */
    g_assert_cmpint(a->nr_events, ==, 2);
    g_assert_cmpint(a->events[0], ==, CHR_EVENT_MUX_IN);
    g_assert_cmpint(a->events[1], ==, CHR_EVENT_MUX_OUT);
    g_assert_cmpint(b->nr_events, ==, 1);
    g_assert_cmpint(b->events[0], ==, CHR_EVENT_MUX_IN);
    /* both hear that the backend is open */
    g_assert(test_fe_wait_event(a, CHR_EVENT_OPENED, 2000));
    g_assert(test_fe_wait_event(b, CHR_EVENT_OPENED, 2000));

    type(&f, "1");
    assert_input(b, "1");
    a->nr_events = b->nr_events = 0;
    type(&f, ESC "c" "2");
    assert_input(a, "2");
    assert_input(b, "1");
    g_assert_cmpint(b->nr_events, ==, 1);
    g_assert_cmpint(b->events[0], ==, CHR_EVENT_MUX_OUT);
    g_assert_cmpint(a->nr_events, ==, 1);
    g_assert_cmpint(a->events[0], ==, CHR_EVENT_MUX_IN);

    type(&f, ESC "c" "3" ESC "c" "4");
    assert_input(a, "24");
    assert_input(b, "13");
    g_assert_cmpint(last_event(a), ==, CHR_EVENT_MUX_IN);
    g_assert_cmpint(last_event(b), ==, CHR_EVENT_MUX_OUT);

    /* setting handlers again keeps the slot: still two frontends */
    qemu_chr_add_handlers(f.mux, NULL, NULL, NULL, b);
    b->chr = NULL;
    test_fe_detach(b);
    test_fe_attach(b, f.mux);
    type(&f, ESC "c" "5" ESC "c" "6");
    settle();
    assert_input(b, "5");
    assert_input(a, "246");
    mux_close(&f);
}

static void test_focus_four(void)
{
    MuxFixture f;
    TestFrontend extra;
    CharDriverState *chr;
    int i, round;

    mux_open(&f, 4);
    for (i = 0; i < 4; i++) {
        f.fe[i].nr_events = 0;
    }
    /* the last one attached has the focus; C-a c goes round */
    for (round = 0; round < 2; round++) {
        for (i = 0; i < 4; i++) {
            int focus = (3 + i) % 4;
            char c[2] = { 'a' + i, 0 };

            type(&f, c);
            g_assert(test_fe_wait_input(&f.fe[focus], round + 1, 2000));
            g_assert_cmpint(f.fe[focus].input->data[round], ==, 'a' + i);
            type(&f, ESC "c");
            g_assert(test_fe_wait_events(&f.fe[(focus + 1) % 4],
                                         CHR_EVENT_MUX_IN, round + 1, 2000));
            g_assert_cmpint(last_event(&f.fe[focus]), ==,
                            CHR_EVENT_MUX_OUT);
        }
    }
    for (i = 0; i < 4; i++) {
        g_assert_cmpint(f.fe[i].input->len, ==, 2);
        g_assert_cmpint(test_fe_count_events(&f.fe[i], CHR_EVENT_MUX_IN),
                        ==, 2);
        g_assert_cmpint(test_fe_count_events(&f.fe[i], CHR_EVENT_MUX_OUT),
                        ==, 2);
    }

    /* a fifth frontend is refused and changes nothing */
    support_error_clear();
    support_error_quiet(true);
    chr = f.mux;
    memset(&extra, 0, sizeof(extra));
    test_fe_attach(&extra, chr);
    support_error_quiet(false);
    g_assert(support_error_seen("mux already has 4 frontends"));
    type(&f, "z");
    g_assert(test_fe_wait_input(&f.fe[3], 3, 2000));
    g_assert_cmpint(extra.input->len, ==, 0);
    extra.chr = NULL;
    test_fe_detach(&extra);
    mux_close(&f);
}

/* ---- frontends that leave ---- */

/* The frontend lets go by name (hot-unplug). */
static void fe_release(TestFrontend *fe)
{
    qemu_chr_remove_handlers(fe->chr, fe);
    fe->chr = NULL;
}

static void test_release(void)
{
    MuxFixture f;
    TestFrontend *a = &f.fe[0], *b = &f.fe[1], *c = &f.fe[2];
    TestFrontend d, e, fourth, fifth;
    int a_events, b_events;

    mux_open(&f, 3);
    g_assert(test_fe_wait_event(c, CHR_EVENT_OPENED, 2000));
    g_assert_cmpint(f.mux->avail_connections, ==, MAX_MUX - 3);

    /* an unfocused frontend leaves, with input held for it */
    a->can_read = 0;
    type(&f, ESC "c" "held" ESC "c");
    g_assert(test_fe_wait_events(b, CHR_EVENT_MUX_IN, 2, 2000));
    settle();
    g_assert_cmpint(test_fe_count_events(a, CHR_EVENT_MUX_IN), ==, 2);
    fe_release(a);
    a_events = a->nr_events;
    g_assert_cmpint(f.mux->avail_connections, ==, MAX_MUX - 2);
    /* it is out of the C-a c round: b, c, b, c */
    type(&f, "1" ESC "c" "2" ESC "c" "3" ESC "b" ESC "c" "4");
    assert_input(b, "13");
    assert_input(c, "24");
    g_assert_cmpint(test_fe_count_events(b, CHR_EVENT_BREAK), ==, 1);
    a->can_read = -1;
    qemu_chr_accept_input(f.mux);
    settle();
    g_assert_cmpint(a->input->len, ==, 0);
    g_assert_cmpint(a->nr_events, ==, a_events);

    /* the focused one (c) leaves: the focus moves to b */
    b_events = test_fe_count_events(b, CHR_EVENT_MUX_IN);
    fe_release(c);
    g_assert_cmpint(test_fe_count_events(b, CHR_EVENT_MUX_IN), ==,
                    b_events + 1);
    type(&f, "5" ESC "c" "6" ESC "b");
    assert_input(b, "1356");
    assert_input(c, "24");
    g_assert_cmpint(test_fe_count_events(b, CHR_EVENT_BREAK), ==, 2);
    g_assert_cmpint(test_fe_count_events(c, CHR_EVENT_BREAK), ==, 0);
    g_assert_cmpint(f.mux->avail_connections, ==, MAX_MUX - 1);

    /* the slots are free again: three more fit, and get OPENED once */
    test_fe_attach(&d, f.mux);
    test_fe_attach(&e, f.mux);
    g_assert(test_fe_wait_event(&d, CHR_EVENT_OPENED, 2000));
    g_assert(test_fe_wait_event(&e, CHR_EVENT_OPENED, 2000));
    type(&f, "7");
    g_assert(test_fe_wait_input(&e, 1, 2000));
    g_assert_cmpint(f.mux->avail_connections, ==, MAX_MUX - 3);

    /* the v0.15.0 release takes the frontend that attached last */
    qemu_chr_add_handlers(f.mux, NULL, NULL, NULL, NULL);
    e.chr = NULL;
    g_assert_cmpint(f.mux->avail_connections, ==, MAX_MUX - 2);
    type(&f, "8");
    g_assert(test_fe_wait_input(&d, 1, 2000));
    g_assert_cmpint(e.input->len, ==, 1);
    test_fe_detach(&e);

    /* full: a fifth is refused, and a claim sees it */
    test_fe_attach(&e, f.mux);
    test_fe_attach(&fourth, f.mux);
    g_assert_cmpint(f.mux->avail_connections, ==, 0);
    support_error_clear();
    support_error_quiet(true);
    test_fe_attach(&fifth, f.mux);
    support_error_quiet(false);
    g_assert(support_error_seen("chardev \"mx\": mux already has 4 "
                                "frontends: frontend not connected"));
    g_assert_cmpint(f.mux->avail_connections, ==, 0);
    type(&f, ESC "c" ESC "c" ESC "c" ESC "c" "9");
    settle();
    g_assert_cmpint(fifth.input->len, ==, 0);

    /* the mux closes: those still attached hear CLOSED, the others not */
    qemu_chr_close(f.mux);
    f.mux = NULL;
    g_assert_cmpint(test_fe_count_events(b, CHR_EVENT_CLOSED), ==, 1);
    g_assert_cmpint(test_fe_count_events(&d, CHR_EVENT_CLOSED), ==, 1);
    g_assert_cmpint(test_fe_count_events(c, CHR_EVENT_CLOSED), ==, 0);
    g_assert_cmpint(a->nr_events, ==, a_events);
    g_assert_cmpint(test_fe_count_events(&fourth, CHR_EVENT_CLOSED), ==, 1);
    g_assert_cmpint(fifth.nr_events, ==, 0);
    f.fe[1].chr = NULL;
    d.chr = e.chr = fourth.chr = fifth.chr = NULL;
    test_fe_detach(&d);
    test_fe_detach(&e);
    test_fe_detach(&fourth);
    test_fe_detach(&fifth);
    f.nr_fe = 3;
    mux_close(&f);
}

/* ---- each frontend's OPENED/CLOSED follows the shared backend ---- */

/* The OPENED/CLOSED events @fe saw, as a string of O and C. */
static char *open_close_log(const TestFrontend *fe)
{
    GString *s = g_string_new("");
    int i;

    for (i = 0; i < fe->nr_events; i++) {
        if (fe->events[i] == CHR_EVENT_OPENED) {
            g_string_append_c(s, 'O');
        } else if (fe->events[i] == CHR_EVENT_CLOSED) {
            g_string_append_c(s, 'C');
        }
    }
    return g_string_free(s, FALSE);
}

static void assert_open_close(const TestFrontend *fe, const char *expect)
{
    char *log = open_close_log(fe);

    g_assert_cmpstr(log, ==, expect);
    g_free(log);
}

/*
 * @a and @b on @mux have seen the events of @log; closing the mux adds
 * none (its backend was not open), then they are detached.
 */
static void close_mux_unchanged(CharDriverState *mux, TestFrontend *a,
                                TestFrontend *b, const char *log)
{
    settle();
    assert_open_close(a, log);
    assert_open_close(b, log);
    qemu_chr_close(mux);
    assert_open_close(a, log);
    assert_open_close(b, log);
    /* the mux is gone: nothing to release */
    a->chr = b->chr = NULL;
    test_fe_detach(a);
    test_fe_detach(b);
}

/* A null backend never opens: no OPENED, and so no CLOSED either. */
static void test_open_close_null(void)
{
    CharDriverState *mux = test_chr_new("null,id=nmx,mux=on");
    TestFrontend a, b;

    g_assert(mux);
    test_fe_attach(&a, mux);
    test_fe_attach(&b, mux);
    close_mux_unchanged(mux, &a, &b, "");
}

/* A pipe is open at once: OPENED once each, also for a late frontend. */
static void test_open_close_pipe(void)
{
    MuxFixture f;
    TestFrontend late;

    mux_open(&f, 2);
    settle();
    assert_open_close(&f.fe[0], "O");
    assert_open_close(&f.fe[1], "O");
    test_fe_attach(&late, f.mux);
    g_assert(test_fe_wait_event(&late, CHR_EVENT_OPENED, 2000));
    settle();
    assert_open_close(&f.fe[0], "O");
    assert_open_close(&f.fe[1], "O");
    assert_open_close(&late, "O");
    /* OPENED comes before the first input */
    type(&f, "x");
    g_assert(test_fe_wait_input(&late, 1, 2000));
    qemu_chr_close(f.mux);
    f.mux = NULL;
    assert_open_close(&f.fe[0], "OC");
    assert_open_close(&f.fe[1], "OC");
    assert_open_close(&late, "OC");
    late.chr = NULL;
    test_fe_detach(&late);
    mux_close(&f);
}

/* A socket server opens when a client connects, each time. */
static void test_open_close_socket(void)
{
    char *path = g_strdup_printf("%s/mxsock", test_tmpdir());
    char *opts = g_strdup_printf("socket,id=smx,path=%s,server,nowait,"
                                 "mux=on", path);
    CharDriverState *mux = test_chr_new(opts);
    TestFrontend a, b;
    int client, round;

    g_assert(mux);
    test_fe_attach(&a, mux);
    test_fe_attach(&b, mux);
    settle();
    assert_open_close(&a, "");
    assert_open_close(&b, "");
    for (round = 1; round <= 2; round++) {
        client = test_unix_connect(path);
        g_assert_cmpint(client, >=, 0);
        g_assert(test_fe_wait_events(&a, CHR_EVENT_OPENED, round, 2000));
        g_assert(test_fe_wait_events(&b, CHR_EVENT_OPENED, round, 2000));
        g_assert(test_write_full(client, "s", 1, 2000));
        g_assert(test_fe_wait_input(&b, round, 2000));
        close(client);
        g_assert(test_fe_wait_events(&a, CHR_EVENT_CLOSED, round, 2000));
        g_assert(test_fe_wait_events(&b, CHR_EVENT_CLOSED, round, 2000));
    }
    close_mux_unchanged(mux, &a, &b, "OCOC");
    unlink(path);
    g_free(path);
    g_free(opts);
}

/* A break raised on the mux or its backend goes to the focused frontend. */
static void test_event_to_focus(void)
{
    MuxFixture f;

    mux_open(&f, 2);
    type(&f, ESC "c");
    g_assert(test_fe_wait_events(&f.fe[0], CHR_EVENT_MUX_IN, 2, 2000));
    qemu_chr_be_event(f.mux, CHR_EVENT_BREAK);
    qemu_chr_be_event(f.base, CHR_EVENT_BREAK);
    g_assert_cmpint(test_fe_count_events(&f.fe[0], CHR_EVENT_BREAK), ==, 2);
    g_assert_cmpint(test_fe_count_events(&f.fe[1], CHR_EVENT_BREAK), ==, 0);
    mux_close(&f);
}

/* ---- escapes ---- */

static const char help_ctrl_a[] =
    "\n\r"
    "C-a h    print this help\n\r"
    "C-a x    exit emulator\n\r"
    "C-a s    save disk data back to file (if -snapshot)\n\r"
    "C-a t    toggle console timestamps\n\r"
    "C-a b    send break (magic sysrq)\n\r"
    "C-a c    switch between console and monitor\n\r"
    "C-a C-a  sends C-a\n\r";

static void test_help(void)
{
    MuxFixture f;
    GString *out;

    mux_open(&f, 1);
    type(&f, ESC "h");
    out = pump_collect(f.term_r, 200);
    g_assert_cmpstr(out->str, ==, help_ctrl_a);
    g_string_free(out, TRUE);
    type(&f, ESC "?");
    out = pump_collect(f.term_r, 200);
    g_assert_cmpstr(out->str, ==, help_ctrl_a);
    g_string_free(out, TRUE);
    /* the escapes are not input */
    assert_input(&f.fe[0], "");
    mux_close(&f);
}

static void test_escape_char_configurable(void)
{
    MuxFixture f;
    GString *out;

    mux_open(&f, 2);
    term_escape_char = 0x02;    /* C-b */
    type(&f, ESC "c" "\x02" "c" "x");
    assert_input(&f.fe[1], ESC "c");
    assert_input(&f.fe[0], "x");
    type(&f, "\x02" "h");
    out = pump_collect(f.term_r, 200);
    g_assert(g_str_has_prefix(out->str, "\n\rC-b h    print this help\n\r"));
    g_assert(g_str_has_suffix(out->str, "C-b C-b  sends C-b\n\r"));
    g_string_free(out, TRUE);

    /* not a control character: named by its code */
    term_escape_char = 0x1d;
    type(&f, "\x1d" "h");
    out = pump_collect(f.term_r, 200);
    g_assert(g_str_has_prefix(out->str, "\n\rEscape-Char set to Ascii: "
                              "0x1d\n\r\n\rEscape-Char h    print this "
                              "help\n\r"));
    g_assert(g_str_has_suffix(out->str,
                              "Escape-Char Escape-Char  sends "
                              "Escape-Char\n\r"));
    g_string_free(out, TRUE);
    type(&f, "\x1d" "\x1d");
    assert_input(&f.fe[0], "x\x1d");
    term_escape_char = 0x01;
    mux_close(&f);
}

static void test_literal_escape(void)
{
    MuxFixture f;

    mux_open(&f, 1);
    type(&f, "x" ESC ESC "y");
    assert_input(&f.fe[0], "x" ESC "y");
    /* split across writes */
    type(&f, ESC);
    settle();
    type(&f, ESC);
    assert_input(&f.fe[0], "x" ESC "y" ESC);
    /* an unknown command is swallowed with its escape */
    type(&f, ESC "q" "z");
    assert_input(&f.fe[0], "x" ESC "y" ESC "z");
    mux_close(&f);
}

static void test_sync(void)
{
    MuxFixture f;
    int before = support_bdrv_commit_all_count();

    mux_open(&f, 1);
    type(&f, ESC "s");
    settle();
    g_assert_cmpint(support_bdrv_commit_all_count(), ==, before + 1);
    type(&f, ESC "s" ESC "s" "k");
    assert_input(&f.fe[0], "k");
    g_assert_cmpint(support_bdrv_commit_all_count(), ==, before + 3);
    mux_close(&f);
}

static void test_break(void)
{
    MuxFixture f;

    mux_open(&f, 2);
    type(&f, ESC "b");
    g_assert(test_fe_wait_event(&f.fe[1], CHR_EVENT_BREAK, 2000));
    g_assert_cmpint(test_fe_count_events(&f.fe[0], CHR_EVENT_BREAK), ==, 0);
    type(&f, ESC "c" ESC "b");
    g_assert(test_fe_wait_event(&f.fe[0], CHR_EVENT_BREAK, 2000));
    g_assert_cmpint(test_fe_count_events(&f.fe[1], CHR_EVENT_BREAK), ==, 1);
    assert_input(&f.fe[0], "");
    assert_input(&f.fe[1], "");
    mux_close(&f);
}

/* "[hh:mm:ss.mmm] " since the first stamped line */
static bool is_stamp(const char *s, int *secs)
{
    static const char shape[] = "[00:00:00.000] ";
    int i;

    for (i = 0; shape[i]; i++) {
        if (shape[i] == '0' ? !g_ascii_isdigit(s[i]) : s[i] != shape[i]) {
            return false;
        }
    }
    *secs = atoi(s + 1) * 3600 + atoi(s + 4) * 60 + atoi(s + 7);
    return true;
}

static void test_timestamps(void)
{
    MuxFixture f;
    GString *out;
    int secs;

    mux_open(&f, 1);
    type(&f, ESC "t");
    settle();
    /* as in v0.15.0, stamping starts after the next newline */
    qemu_chr_printf(f.mux, "one\ntwo\nth");
    qemu_chr_printf(f.mux, "ree\n");
    out = pump_collect(f.term_r, 100);
    g_assert_cmpint(out->len, ==, 4 + 15 + 4 + 15 + 6);
    g_assert(g_str_has_prefix(out->str, "one\n"));
    g_assert(is_stamp(out->str + 4, &secs));
    g_assert_cmpint(secs, ==, 0);
    g_assert(g_str_has_prefix(out->str + 19, "two\n"));
    g_assert(is_stamp(out->str + 23, &secs));
    /* one stamp per line, not per write */
    g_assert_cmpstr(out->str + 38, ==, "three\n");
    g_string_free(out, TRUE);
    /* the help goes through the stamping too */
    type(&f, ESC "h");
    out = pump_collect(f.term_r, 100);
    g_assert(is_stamp(out->str, &secs));
    /* a stamp after each "\n", so before the "\r" too (as v0.15.0) */
    g_assert(g_str_has_prefix(out->str + 15, "\n"));
    g_assert(is_stamp(out->str + 16, &secs));
    g_assert(g_str_has_prefix(out->str + 31, "\rC-a h    print this help"));
    g_string_free(out, TRUE);
    mux_close(&f);
}

static void test_timestamps_clock(void)
{
    MuxFixture f;
    GString *out;
    int secs;
    char *p;

    mux_open(&f, 1);
    type(&f, ESC "t");
    settle();
    qemu_chr_printf(f.mux, "\nfirst\n");
    out = pump_collect(f.term_r, 50);
    g_assert(g_str_has_prefix(out->str, "\n"));
    g_assert(is_stamp(out->str + 1, &secs));
    g_assert_cmpint(secs, ==, 0);
    g_assert_cmpstr(out->str + 16, ==, "first\n");
    g_string_free(out, TRUE);

    /* the ms clock: a stamp 1.1 s later says 00:00:01 */
    support_run_for(1100);
    qemu_chr_printf(f.mux, "second\n");
    out = pump_collect(f.term_r, 50);
    g_assert(is_stamp(out->str, &secs));
    g_assert_cmpint(secs, ==, 1);
    g_assert_cmpstr(out->str + 15, ==, "second\n");
    g_string_free(out, TRUE);

    /* off again: plain output */
    type(&f, ESC "t");
    settle();
    qemu_chr_printf(f.mux, "a\nb\n");
    out = pump_collect(f.term_r, 50);
    g_assert_cmpstr(out->str, ==, "a\nb\n");
    p = strchr(out->str, '[');
    g_assert(p == NULL);
    g_string_free(out, TRUE);
    mux_close(&f);
}

static void test_exit(void)
{
    MuxFixture f;
    pid_t pid;
    int status;
    char buf[32];

    mux_open(&f, 1);
    /* let the open events pass before the child takes over */
    settle();
    type(&f, ESC "x");
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        support_run_for(3000);
        /* still here: the escape did not exit */
        _exit(3);
    }
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    /* the child said goodbye on the shared terminal */
    g_assert(test_read_full(f.term_r, buf, 18, 1000));
    g_assert(memcmp(buf, "QEMU: Terminated\n\r", 18) == 0);
    mux_close(&f);
}

/* ---- buffering ---- */

static void test_buffer_per_frontend(void)
{
    MuxFixture f;
    TestFrontend *a = &f.fe[0], *b = &f.fe[1];

    mux_open(&f, 2);
    /* b has the focus but takes nothing: its input waits in the mux */
    b->can_read = 0;
    type(&f, "hello");
    settle();
    assert_input(b, "");
    /* escapes still act, and a gets its own input meanwhile */
    type(&f, ESC "c" "world");
    assert_input(a, "world");
    type(&f, ESC "c" "!");
    settle();
    assert_input(b, "");
    /* b is ready: everything, in order */
    b->can_read = 2;
    qemu_chr_accept_input(f.mux);
    assert_input(b, "hello!");
    assert_input(a, "world");
    mux_close(&f);
}

/*
 * @b, which has the focus, takes nothing while @n bytes of 'B' (kept in
 * @fill) go to its buffer; then the focus moves on.
 */
static void fill_and_switch(MuxFixture *f, TestFrontend *b, char *fill,
                            size_t n)
{
    b->can_read = 0;
    memset(fill, 'B', n);
    fill[n] = '\0';
    type(f, fill);
    settle();
    type(f, ESC "c");
    settle();
}

/* Input behind a focus switch in one chunk goes to the new frontend. */
static void test_buffer_focus_switch(void)
{
    MuxFixture f;
    TestFrontend *a = &f.fe[0], *b = &f.fe[1];
    char fill[251], expect[300];

    mux_open(&f, 2);
    /* b (focused) takes nothing and its 256-byte buffer fills to 250 */
    fill_and_switch(&f, b, fill, 250);
    /* to a, then back to b with more than b's buffer holds */
    type(&f, "aa" ESC "c" "0123456789abcdefghij");
    settle();
    assert_input(a, "aa");
    assert_input(b, "");
    b->can_read = -1;
    qemu_chr_accept_input(f.mux);
    snprintf(expect, sizeof(expect), "%s0123456789abcdefghij", fill);
    assert_input(b, expect);
    /* and the mux reads again */
    type(&f, "k");
    assert_input(b, strcat(expect, "k"));
    mux_close(&f);
}

/* C-a C-a landing on a full buffer still arrives as one C-a. */
static void test_buffer_literal_escape_full(void)
{
    MuxFixture f;
    TestFrontend *a = &f.fe[0], *b = &f.fe[1];
    char fill[256], expect[300];

    mux_open(&f, 2);
    /* 255 go in now: the escape below needs can_read > 0 to be read */
    fill_and_switch(&f, b, fill, 255);
    type(&f, "B");
    settle();
    assert_input(a, "B");
    /* b's buffer: 255 bytes; switch, then one fits and the rest waits */
    type(&f, ESC "c" "C" ESC ESC "Y");
    settle();
    b->can_read = -1;
    qemu_chr_accept_input(f.mux);
    snprintf(expect, sizeof(expect), "%sC" ESC "Y", fill);
    assert_input(b, expect);
    mux_close(&f);
}

/* More than the mux holds waits in the backend, nothing is lost. */
static void test_buffer_backpressure(void)
{
    MuxFixture f;
    TestFrontend *a = &f.fe[0];
    uint8_t data[3000];
    unsigned i;

    mux_open(&f, 1);
    for (i = 0; i < sizeof(data); i++) {
        data[i] = 'A' + i % 26;
    }
    a->can_read = 0;
    g_assert(test_write_full(f.term_w, data, sizeof(data), 1000));
    settle();
    g_assert_cmpint(a->input->len, ==, 0);
    a->can_read = 7;
    qemu_chr_accept_input(f.mux);
    g_assert(test_fe_wait_input(a, sizeof(data), 3000));
    g_assert(memcmp(a->input->data, data, sizeof(data)) == 0);
    mux_close(&f);
}

/* ---- output, events, echo ---- */

/* A backend queue overflow must not wedge the mux's output. */
static void test_output_after_overflow(void)
{
    MuxFixture f;
    size_t len = 512 * 1024;
    uint8_t *junk = g_malloc0(len);
    GString *out;

    mux_open(&f, 1);
    g_assert_cmpint(qemu_chr_write(f.mux, junk, len), ==, len);
    g_assert_cmpint(qemu_chr_dropped_bytes(f.base), >, 0);
    g_assert_cmpint(qemu_chr_queued_bytes(f.mux), ==, 0);
    out = pump_collect(f.term_r, 300);
    g_assert_cmpint(out->len, <, len);
    g_string_free(out, TRUE);
    qemu_chr_printf(f.mux, "still alive");
    out = pump_collect(f.term_r, 100);
    g_assert_cmpstr(out->str, ==, "still alive");
    g_string_free(out, TRUE);
    g_free(junk);
    mux_close(&f);
}

static void test_guest_open_ignored(void)
{
    MuxFixture f;
    int n0, n1;

    mux_open(&f, 2);
    settle();
    n0 = f.fe[0].nr_events;
    n1 = f.fe[1].nr_events;
    qemu_chr_guest_open(f.mux);
    qemu_chr_guest_close(f.mux);
    qemu_chr_guest_open(f.mux);
    settle();
    g_assert_cmpint(f.base->fe_open, ==, 0);
    g_assert_cmpint(f.fe[0].nr_events, ==, n0);
    g_assert_cmpint(f.fe[1].nr_events, ==, n1);
    mux_close(&f);
}

/* Backend connect/disconnect (a pty client): every frontend hears it. */
static void test_backend_events(void)
{
    TestFrontend fe[3];
    CharDriverState *mux, *base;
    int client, i, saved_err, devnull;
    char *path;

    /* keep the announcement out of the test log */
    fflush(stderr);
    saved_err = dup(2);
    devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 2);
    mux = test_chr_new("pty,id=pmx,mux=on");
    dup2(saved_err, 2);
    close(saved_err);
    close(devnull);
    g_assert(mux);
    base = qemu_chr_find("pmx-base");
    g_assert(base);
    path = g_strdup(base->filename + strlen("pty:"));
    for (i = 0; i < 3; i++) {
        test_fe_attach(&fe[i], mux);
    }
    support_run_for(50);
    client = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    g_assert_cmpint(client, >=, 0);
    for (i = 0; i < 3; i++) {
        g_assert(test_fe_wait_event(&fe[i], CHR_EVENT_OPENED, 2000));
    }
    close(client);
    for (i = 0; i < 3; i++) {
        g_assert(test_fe_wait_event(&fe[i], CHR_EVENT_CLOSED, 2000));
        g_assert_cmpint(test_fe_count_events(&fe[i], CHR_EVENT_CLOSED), ==,
                        1);
    }
    qemu_chr_close(mux);
    for (i = 0; i < 3; i++) {
        fe[i].chr = NULL;
        test_fe_detach(&fe[i]);
    }
    g_free(path);
}

/* "mon:" (as in -serial mon:...): the monitor shares the backend. */
static void test_mon_prefix(void)
{
    CharDriverState *mux, *base;
    TestFrontend serial;
    TestFifos f;
    Monitor *mon;
    GString *out;
    char *spec;
    int term_w, term_r;

    test_fifos_new(&f, "monfifo");
    spec = g_strdup_printf("mon:pipe:%s", f.base);
    mux = qemu_chr_open("mon0", spec, NULL);
    g_assert(mux);
    g_assert_cmpstr(mux->label, ==, "mon0");
    base = qemu_chr_find("mon0-base");
    g_assert(base);
    mon = support_monitor_last();
    g_assert(mon);
    g_assert(support_monitor_chr(mon) == mux);
    g_assert(support_monitor_flags(mon) & MONITOR_USE_READLINE);
    term_w = open(f.in, O_WRONLY | O_CLOEXEC);
    term_r = open(f.out, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    g_assert_cmpint(term_w, >=, 0);
    g_assert_cmpint(term_r, >=, 0);

    /* the guest's serial port attaches second and takes the focus */
    test_fe_attach(&serial, mux);
    g_assert(support_monitor_event_seen(mon, CHR_EVENT_MUX_OUT));
    /* out of focus, the monitor holds its banner back */
    out = pump_collect(term_r, 100);
    g_assert(support_monitor_event_seen(mon, CHR_EVENT_OPENED));
    g_assert(!strstr(out->str, "monitor - type 'help'"));
    g_string_free(out, TRUE);
    g_assert(test_write_full(term_w, "s", 1, 1000));
    g_assert(test_fe_wait_input(&serial, 1, 2000));

    /* C-a c: the monitor gets the next bytes */
    support_monitor_input_clear(mon);
    g_assert(test_write_full(term_w, ESC "c" "m", 3, 1000));
    out = pump_collect(term_r, 100);
    g_assert(strstr(out->str, "monitor - type 'help'"));
    g_string_free(out, TRUE);
    g_assert_cmpint(support_monitor_event_seen(mon, CHR_EVENT_MUX_IN), ==,
                    2);
    g_assert_cmpint(serial.input->len, ==, 1);
    g_assert(strchr((const char *)support_monitor_input(mon, NULL), 'm'));

    support_monitor_free(mon);
    qemu_chr_close(mux);
    serial.chr = NULL;
    test_fe_detach(&serial);
    close(term_w);
    close(term_r);
    test_fifos_free(&f);
    g_free(spec);
}

static void echo_child(int master)
{
    CharDriverState *mux = test_chr_new("stdio,id=emx,mux=on");
    TestFrontend fe;
    struct termios tty;
    char buf[8];

    g_assert(mux);
    test_fe_attach(&fe, mux);
    g_assert_cmpint(tcgetattr(0, &tty), ==, 0);
    g_assert(!(tty.c_lflag & (ECHO | ICANON)));
    qemu_chr_set_echo(mux, true);
    g_assert_cmpint(tcgetattr(0, &tty), ==, 0);
    g_assert(tty.c_lflag & ECHO);
    g_assert(!(tty.c_lflag & ICANON));
    qemu_chr_set_echo(mux, false);
    g_assert_cmpint(tcgetattr(0, &tty), ==, 0);
    g_assert(!(tty.c_lflag & ECHO));

    /* the escapes work on a terminal too */
    g_assert(test_write_full(master, "q" ESC "h", 3, 1000));
    g_assert(test_fe_wait_input(&fe, 1, 2000));
    g_assert(test_pump_read(master, buf, 4, 2000));
    /* ONLCR: the help's "\n\r" reaches the screen as "\r\n\r" */
    g_assert(memcmp(buf, "\r\n\rC", 4) == 0);

    qemu_chr_close(mux);
    fe.chr = NULL;
    test_fe_detach(&fe);
    g_assert_cmpint(tcgetattr(0, &tty), ==, 0);
    g_assert(tty.c_lflag & ICANON);
}

static void test_echo(void)
{
    TestPty pty;
    int status;
    pid_t pid;

    test_pty_open(&pty);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        if (dup2(pty.slave, 0) < 0 || dup2(pty.slave, 1) < 0) {
            _exit(2);
        }
        echo_child(pty.master);
        _exit(0);
    }
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    test_pty_close(&pty);
}

/* ---- frontends that close or leave the mux from its own callbacks ---- */

/*
 * A frontend that closes the mux, or removes itself, from inside a
 * callback the mux delivers: the mux must not touch freed state after.
 */
typedef struct ReentFrontend {
    CharDriverState *chr;
    bool close_on_read;
    bool close_on_open;
    bool close_on_closed;
    bool remove_on_can_read;
    bool remove_on_read;
    GString *input;
    int opened, closed;
} ReentFrontend;

static int reent_can_read(void *opaque)
{
    ReentFrontend *fe = opaque;

    if (fe->remove_on_can_read) {
        fe->remove_on_can_read = false;
        qemu_chr_remove_handlers(fe->chr, fe);
        return 0;
    }
    /* one byte at a time: the mux loops over what it holds */
    return 1;
}

static void reent_read(void *opaque, const uint8_t *buf, int size)
{
    ReentFrontend *fe = opaque;

    g_string_append_len(fe->input, (const char *)buf, size);
    if (fe->close_on_read) {
        fe->close_on_read = false;
        qemu_chr_close(fe->chr);
    } else if (fe->remove_on_read) {
        fe->remove_on_read = false;
        qemu_chr_remove_handlers(fe->chr, fe);
    }
}

static void reent_event(void *opaque, int event)
{
    ReentFrontend *fe = opaque;

    if (event == CHR_EVENT_OPENED) {
        fe->opened++;
        if (fe->close_on_open) {
            fe->close_on_open = false;
            qemu_chr_close(fe->chr);
        }
    } else if (event == CHR_EVENT_CLOSED) {
        fe->closed++;
        if (fe->close_on_closed) {
            fe->close_on_closed = false;
            qemu_chr_close(fe->chr);
        }
    }
}

static void reent_attach(ReentFrontend *fe, CharDriverState *chr)
{
    memset(fe, 0, sizeof(*fe));
    fe->chr = chr;
    fe->input = g_string_new("");
    qemu_chr_add_handlers(chr, reent_can_read, reent_read, reent_event, fe);
}

/* A mux with two reentrant frontends, b attached last (so focused). */
static void reent_open(MuxFixture *f, ReentFrontend *a, ReentFrontend *b)
{
    mux_open(f, 0);
    reent_attach(a, f->mux);
    reent_attach(b, f->mux);
}

static void reent_free(ReentFrontend *a, ReentFrontend *b)
{
    g_string_free(a->input, TRUE);
    g_string_free(b->input, TRUE);
}

/*
 * The frontends closed the mux under the test: each heard CLOSED once,
 * and only the base chardev is left for mux_close().
 */
static void reent_close_gone(MuxFixture *f, ReentFrontend *a,
                             ReentFrontend *b)
{
    g_assert_cmpint(a->closed, ==, 1);
    g_assert_cmpint(b->closed, ==, 1);
    f->mux = NULL;
    mux_close(f);
    reent_free(a, b);
}

/* Run the loop until @label is gone (a deferred close has finished). */
static bool wait_chr_gone(const char *label, int ms)
{
    gint64 deadline = g_get_monotonic_time() + ms * 1000LL;

    while (qemu_chr_find(label)) {
        if (g_get_monotonic_time() > deadline) {
            return false;
        }
        support_run_for(10);
    }
    return true;
}

/* The focused frontend closes the mux while it is handed typed input. */
static void test_reent_close_in_read(void)
{
    MuxFixture f;
    ReentFrontend a, b;

    reent_open(&f, &a, &b);
    b.close_on_read = true;
    settle();
    g_assert_cmpint(b.opened, ==, 1);
    type(&f, "quit");
    g_assert(wait_chr_gone("mx", 2000));
    g_assert(wait_chr_gone("mx-base", 2000));
    /* one byte reached b, nothing after the close; a heard nothing */
    g_assert_cmpstr(b.input->str, ==, "q");
    g_assert_cmpstr(a.input->str, ==, "");
    reent_close_gone(&f, &a, &b);
}

/*
 * A frontend closes the mux when it hears OPENED, while the mux still
 * loops over its frontends: the one that has not heard OPENED yet hears
 * nothing, the one that did hears CLOSED.
 */
static void test_reent_close_in_event(void)
{
    char *path = g_strdup_printf("%s/mxreent", test_tmpdir());
    char *opts = g_strdup_printf("socket,id=rmx,path=%s,server,nowait,"
                                 "mux=on", path);
    CharDriverState *mux = test_chr_new(opts);
    ReentFrontend a, b;
    int client;

    g_assert(mux);
    reent_attach(&a, mux);
    reent_attach(&b, mux);
    a.close_on_open = true;
    client = test_unix_connect(path);
    g_assert_cmpint(client, >=, 0);
    g_assert(wait_chr_gone("rmx", 2000));
    g_assert(wait_chr_gone("rmx-base", 2000));
    g_assert_cmpint(a.opened, ==, 1);
    g_assert_cmpint(a.closed, ==, 1);
    g_assert_cmpint(b.opened, ==, 0);
    g_assert_cmpint(b.closed, ==, 0);
    close(client);
    unlink(path);
    g_free(path);
    g_free(opts);
    reent_free(&a, &b);
}

/* A frontend told of a close closes the mux too (as on its own unplug). */
static void test_reent_close_in_closed(void)
{
    MuxFixture f;
    ReentFrontend a, b;

    reent_open(&f, &a, &b);
    a.close_on_closed = true;
    settle();
    qemu_chr_close(f.mux);
    g_assert(qemu_chr_find("mx") == NULL);
    g_assert(wait_chr_gone("mx-base", 2000));
    reent_close_gone(&f, &a, &b);
}

/*
 * Frontends leave from can_read and read: the mux goes on with the
 * others, and the one that left is never called again.
 */
static void test_reent_remove(void)
{
    MuxFixture f;
    ReentFrontend a, b;

    reent_open(&f, &a, &b);
    settle();
    /* b (focused) leaves after its first byte; the focus moves to a */
    b.remove_on_read = true;
    type(&f, "xy");
    settle();
    g_assert_cmpstr(b.input->str, ==, "x");
    type(&f, "z");
    settle();
    g_assert_cmpstr(a.input->str, ==, "z");
    /* a leaves from can_read while input waits for it */
    a.remove_on_can_read = true;
    type(&f, "w");
    settle();
    g_assert_cmpstr(a.input->str, ==, "z");
    g_assert_cmpint(f.mux->avail_connections, ==, MAX_MUX);
    mux_close(&f);
    reent_free(&a, &b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/char/mux/focus/two", test_focus_two);
    g_test_add_func("/char/mux/focus/four", test_focus_four);
    g_test_add_func("/char/mux/release", test_release);
    g_test_add_func("/char/mux/open-close/null", test_open_close_null);
    g_test_add_func("/char/mux/open-close/pipe", test_open_close_pipe);
    g_test_add_func("/char/mux/open-close/socket", test_open_close_socket);
    g_test_add_func("/char/mux/event-to-focus", test_event_to_focus);
    g_test_add_func("/char/mux/escape/help", test_help);
    g_test_add_func("/char/mux/escape/configurable",
                    test_escape_char_configurable);
    g_test_add_func("/char/mux/escape/literal", test_literal_escape);
    g_test_add_func("/char/mux/escape/sync", test_sync);
    g_test_add_func("/char/mux/escape/break", test_break);
    g_test_add_func("/char/mux/escape/timestamps", test_timestamps);
    g_test_add_func("/char/mux/escape/timestamps-clock",
                    test_timestamps_clock);
    g_test_add_func("/char/mux/escape/exit", test_exit);
    g_test_add_func("/char/mux/buffer/per-frontend",
                    test_buffer_per_frontend);
    g_test_add_func("/char/mux/buffer/focus-switch",
                    test_buffer_focus_switch);
    g_test_add_func("/char/mux/buffer/literal-escape-full",
                    test_buffer_literal_escape_full);
    g_test_add_func("/char/mux/buffer/backpressure",
                    test_buffer_backpressure);
    g_test_add_func("/char/mux/output-after-overflow",
                    test_output_after_overflow);
    g_test_add_func("/char/mux/guest-open-ignored", test_guest_open_ignored);
    g_test_add_func("/char/mux/backend-events", test_backend_events);
    g_test_add_func("/char/mux/echo", test_echo);
    g_test_add_func("/char/mux/mon-prefix", test_mon_prefix);
    g_test_add_func("/char/mux/reentrant/close-in-read",
                    test_reent_close_in_read);
    g_test_add_func("/char/mux/reentrant/close-in-event",
                    test_reent_close_in_event);
    g_test_add_func("/char/mux/reentrant/close-in-closed",
                    test_reent_close_in_closed);
    g_test_add_func("/char/mux/reentrant/remove", test_reent_remove);

    return test_run_fd_checked();
}
