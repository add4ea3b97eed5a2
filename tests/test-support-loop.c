/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for the support layer: main loop, timers, BHs, helpers, errors. */

#include <glib.h>
#include "qemu-common.h"
#include "char-test-util.h"
#include "qemu-char.h"
#include "qemu-timer.h"
#include "qemu-error.h"
#include "sysemu.h"
#include "block.h"
#include "console.h"
#include "support-test.h"
#include <sys/stat.h>

/* ---- helpers ---- */

static void make_pipe(int fds[2])
{
    g_assert_cmpint(qemu_pipe(fds), ==, 0);
}

static void close_pipe(int fds[2])
{
    close(fds[0]);
    close(fds[1]);
}

static void put_byte(int fd, char c)
{
    g_assert_cmpint(write(fd, &c, 1), ==, 1);
}

static bool flag_is_set(void *opaque)
{
    return *(bool *)opaque;
}

static bool int_positive(void *opaque)
{
    return *(int *)opaque > 0;
}

static bool never(void *opaque)
{
    return false;
}

/* ---- read_poll gating ---- */

typedef struct GateState {
    int fd;
    int allow;        /* what read_poll returns */
    int polls;
    int reads;
    char got[16];
    int got_len;
} GateState;

static int gate_can_read(void *opaque)
{
    GateState *s = opaque;

    s->polls++;
    return s->allow;
}

static void gate_read(void *opaque)
{
    GateState *s = opaque;
    ssize_t n = read(s->fd, s->got + s->got_len,
                     sizeof(s->got) - 1 - s->got_len);

    g_assert_cmpint(n, >, 0);
    s->got_len += n;
    s->reads++;
}

static void test_read_poll_gating(void)
{
    GateState s = { 0 };
    int fds[2];

    make_pipe(fds);
    s.fd = fds[0];
    put_byte(fds[1], 'x');
    put_byte(fds[1], 'y');
    qemu_set_fd_handler2(fds[0], gate_can_read, gate_read, NULL, &s);

    support_loop_stats_reset();
    support_run_for(100);
    /* Data is pending, but read_poll said no: not read, and not spinning. */
    g_assert_cmpint(s.reads, ==, 0);
    g_assert_cmpint(s.polls, >=, 1);
    g_assert_cmpuint(support_loop_iterations(), <, 10);

    s.allow = 1;
    g_assert_true(support_run_until(int_positive, &s.reads, 1000));
    g_assert_cmpint(s.got_len, ==, 2);
    g_assert_cmpstr(s.got, ==, "xy");

    /* Gated again: new data stays in the pipe. */
    s.allow = 0;
    s.reads = 0;
    put_byte(fds[1], 'z');
    support_run_for(50);
    g_assert_cmpint(s.reads, ==, 0);

    /* A hung-up peer does not make a gated fd spin the loop either. */
    close(fds[1]);
    support_loop_stats_reset();
    support_run_for(100);
    g_assert_cmpint(s.reads, ==, 0);
    g_assert_cmpuint(support_loop_iterations(), <, 10);

    s.allow = 1;
    g_assert_true(support_run_until(int_positive, &s.reads, 1000));
    g_assert_cmpint(s.got_len, ==, 3);
    g_assert_cmpint(s.got[2], ==, 'z');

    qemu_set_fd_handler2(fds[0], NULL, NULL, NULL, NULL);
    g_assert_false(support_fd_has_handler(fds[0]));
    close(fds[0]);
}

/* ---- write handler ---- */

typedef struct WriteState {
    int fd;
    int writes;
} WriteState;

static void write_once(void *opaque)
{
    WriteState *s = opaque;

    s->writes++;
    put_byte(s->fd, 'w');
    /* Unregister from inside the handler. */
    qemu_set_fd_handler(s->fd, NULL, NULL, NULL);
}

static void test_write_handler(void)
{
    WriteState s = { 0 };
    int fds[2];
    char c = 0;
    int base = support_fd_handler_count();

    make_pipe(fds);
    s.fd = fds[1];
    qemu_set_fd_handler(fds[1], NULL, write_once, &s);
    g_assert_cmpint(support_fd_handler_count(), ==, base + 1);
    g_assert_true(support_run_until(int_positive, &s.writes, 1000));
    support_run_for(30);
    g_assert_cmpint(s.writes, ==, 1);
    g_assert_cmpint(support_fd_handler_count(), ==, base);
    g_assert_cmpint(read(fds[0], &c, 1), ==, 1);
    g_assert_cmpint(c, ==, 'w');
    close_pipe(fds);
}

/* ---- removal and replacement during dispatch ---- */

typedef struct PairState {
    int fd_a;
    int fd_b;
    int calls;
    int replaced_calls;
    int old_b_calls;
} PairState;

static void pair_read(void *opaque)
{
    PairState *s = opaque;

    s->calls++;
    /* Whichever runs first removes both: the other must not run. */
    qemu_set_fd_handler(s->fd_a, NULL, NULL, NULL);
    qemu_set_fd_handler(s->fd_b, NULL, NULL, NULL);
}

static void test_remove_during_dispatch(void)
{
    PairState s = { 0 };
    int a[2], b[2];
    int base = support_fd_handler_count();

    make_pipe(a);
    make_pipe(b);
    s.fd_a = a[0];
    s.fd_b = b[0];
    put_byte(a[1], '1');
    put_byte(b[1], '2');
    qemu_set_fd_handler(a[0], pair_read, NULL, &s);
    qemu_set_fd_handler(b[0], pair_read, NULL, &s);
    main_loop_wait(0);
    g_assert_cmpint(s.calls, ==, 1);
    support_run_for(30);
    g_assert_cmpint(s.calls, ==, 1);
    g_assert_cmpint(support_fd_handler_count(), ==, base);
    close_pipe(a);
    close_pipe(b);
}

static void replaced_read(void *opaque)
{
    PairState *s = opaque;
    char c;

    s->replaced_calls++;
    g_assert_cmpint(read(s->fd_b, &c, 1), ==, 1);
    qemu_set_fd_handler(s->fd_b, NULL, NULL, NULL);
}

static void old_b_read(void *opaque)
{
    PairState *s = opaque;

    s->old_b_calls++;
}

static void replacing_read(void *opaque)
{
    PairState *s = opaque;
    char c;

    s->calls++;
    g_assert_cmpint(read(s->fd_a, &c, 1), ==, 1);
    qemu_set_fd_handler(s->fd_a, NULL, NULL, NULL);
    /* Replace b's record; re-register a as well (a new record). */
    qemu_set_fd_handler(s->fd_b, replaced_read, NULL, s);
}

static void test_replace_during_dispatch(void)
{
    PairState s = { 0 };
    int a[2], b[2];

    make_pipe(a);
    make_pipe(b);
    s.fd_a = a[0];
    s.fd_b = b[0];
    put_byte(b[1], '2');
    /* b first: records are walked newest first, so a runs before b. */
    qemu_set_fd_handler(b[0], old_b_read, NULL, &s);
    qemu_set_fd_handler(a[0], replacing_read, NULL, &s);
    put_byte(a[1], '1');

    main_loop_wait(0);
    g_assert_cmpint(s.calls, ==, 1);
    g_assert_cmpint(s.old_b_calls, ==, 0);
    /* b's readiness was polled for old_b_read: the new handler waits. */
    g_assert_cmpint(s.replaced_calls, ==, 0);
    g_assert_true(support_run_until(int_positive, &s.replaced_calls, 1000));
    g_assert_cmpint(s.replaced_calls, ==, 1);
    g_assert_cmpint(s.old_b_calls, ==, 0);
    g_assert_false(support_fd_has_handler(a[0]));
    g_assert_false(support_fd_has_handler(b[0]));
    close_pipe(a);
    close_pipe(b);
}

/* Re-registering an fd replaces its record: one handler per fd. */
static void test_one_record_per_fd(void)
{
    GateState s1 = { 0 }, s2 = { 0 };
    int fds[2];
    int base = support_fd_handler_count();

    make_pipe(fds);
    s1.fd = s2.fd = fds[0];
    s1.allow = s2.allow = 1;
    qemu_set_fd_handler2(fds[0], gate_can_read, gate_read, NULL, &s1);
    qemu_set_fd_handler2(fds[0], gate_can_read, gate_read, NULL, &s2);
    g_assert_cmpint(support_fd_handler_count(), ==, base + 1);
    put_byte(fds[1], 'q');
    g_assert_true(support_run_until(int_positive, &s2.reads, 1000));
    g_assert_cmpint(s1.reads, ==, 0);
    g_assert_cmpint(s1.polls, ==, 0);
    qemu_set_fd_handler(fds[0], NULL, NULL, NULL);
    g_assert_cmpint(support_fd_handler_count(), ==, base);
    close_pipe(fds);
}

/* A handler left on a closed fd is reported, and does not spin the loop. */
static void test_closed_fd(void)
{
    GateState s = { 0 };
    int fds[2];

    make_pipe(fds);
    s.fd = fds[0];
    s.allow = 1;
    qemu_set_fd_handler2(fds[0], gate_can_read, gate_read, NULL, &s);
    close_pipe(fds);
    support_error_clear();
    support_error_quiet(true);
    support_loop_stats_reset();
    support_run_for(100);
    support_error_quiet(false);
    g_assert_cmpint(s.reads, ==, 0);
    g_assert_cmpuint(support_loop_iterations(), <, 10);
    g_assert_cmpint(support_error_count(), ==, 1);
    g_assert_true(support_error_seen("not open"));
    support_error_clear();
    qemu_set_fd_handler(fds[0], NULL, NULL, NULL);
}

/* ---- no busy loop ---- */

static void idle_read(void *opaque)
{
    g_assert_not_reached();
}

static void test_no_busy_loop(void)
{
    int fds[2];
    int64_t t0;

    make_pipe(fds);
    qemu_set_fd_handler(fds[0], idle_read, NULL, NULL);
    support_loop_stats_reset();
    t0 = qemu_get_clock_ms(rt_clock);
    support_run_for(200);
    g_assert_cmpint(qemu_get_clock_ms(rt_clock) - t0, >=, 200);
    g_assert_cmpuint(support_loop_iterations(), <=, 5);
    g_assert_cmpuint(support_cb_count(), ==, 0);
    qemu_set_fd_handler(fds[0], NULL, NULL, NULL);
    close_pipe(fds);
}

/* ---- timers ---- */

typedef struct TimerLog {
    int order[8];
    int64_t fired_ms[8];
    int n;
} TimerLog;

typedef struct TimerCtx {
    TimerLog *log;
    int id;
} TimerCtx;

static void timer_cb(void *opaque)
{
    TimerCtx *c = opaque;

    g_assert_cmpint(c->log->n, <, 8);
    c->log->fired_ms[c->log->n] = qemu_get_clock_ms(rt_clock);
    c->log->order[c->log->n++] = c->id;
}

static bool log_has(void *opaque)
{
    TimerLog *log = opaque;

    return log->n >= 3;
}

static void test_timers(void)
{
    TimerLog log = { { 0 } };
    TimerCtx c[5];
    QEMUTimer *t[5];
    int64_t now;
    int i;

    /* past vl.c's startup phase, where timers may be armed */
    init_timer_alarm();
    for (i = 0; i < 5; i++) {
        c[i].log = &log;
        c[i].id = i;
        t[i] = qemu_new_timer_ms(rt_clock, timer_cb, &c[i]);
    }
    now = qemu_get_clock_ms(rt_clock);
    qemu_mod_timer(t[0], now + 60);
    qemu_mod_timer(t[1], now + 20);
    qemu_mod_timer(t[2], now + 40);
    qemu_mod_timer(t[3], now + 30);   /* deleted below */
    qemu_mod_timer(t[4], now + 10);   /* moved later below */
    g_assert_true(qemu_timer_pending(t[3]));
    qemu_del_timer(t[3]);
    g_assert_false(qemu_timer_pending(t[3]));
    qemu_mod_timer(t[4], now + 50);
    g_assert_true(qemu_timer_pending(t[4]));
    g_assert_false(qemu_timer_expired(t[1], now));
    g_assert_true(qemu_timer_expired(t[1], now + 20));

    g_assert_true(support_run_until(log_has, &log, 2000));
    g_assert_true(support_run_until(never, NULL, 100) == false);
    g_assert_cmpint(log.n, ==, 4);
    g_assert_cmpint(log.order[0], ==, 1);
    g_assert_cmpint(log.order[1], ==, 2);
    g_assert_cmpint(log.order[2], ==, 4);
    g_assert_cmpint(log.order[3], ==, 0);
    g_assert_cmpint(log.fired_ms[0], >=, now + 20);
    g_assert_cmpint(log.fired_ms[1], >=, now + 40);
    g_assert_cmpint(log.fired_ms[2], >=, now + 50);
    g_assert_cmpint(log.fired_ms[3], >=, now + 60);
    for (i = 0; i < 5; i++) {
        g_assert_false(qemu_timer_pending(t[i]));
    }

    /* Freeing a pending timer is safe. */
    qemu_mod_timer(t[0], now + 10);
    qemu_free_timer(t[0]);
    support_run_for(30);
    g_assert_cmpint(log.n, ==, 4);
    for (i = 1; i < 5; i++) {
        qemu_free_timer(t[i]);
    }
}

static void test_timer_ns_scale(void)
{
    TimerLog log = { { 0 } };
    TimerCtx c = { &log, 7 };
    QEMUTimer *t = qemu_new_timer_ns(vm_clock, timer_cb, &c);
    int64_t t0 = qemu_get_clock_ns(vm_clock);

    init_timer_alarm();
    qemu_mod_timer(t, t0 + 15 * 1000000LL);
    g_assert_true(support_run_until(int_positive, &log.n, 1000));
    g_assert_cmpint(qemu_get_clock_ns(vm_clock) - t0, >=, 15 * 1000000LL);
    g_assert_cmpint(get_ticks_per_sec(), ==, 1000000000LL);
    qemu_free_timer(t);
}

static void test_vm_clock_stops(void)
{
    TimerLog log = { { 0 } };
    TimerCtx c = { &log, 1 };
    QEMUTimer *t = qemu_new_timer_ms(vm_clock, timer_cb, &c);
    int64_t v0;

    init_timer_alarm();
    vm_stop(VMSTOP_USER);
    g_assert_cmpint(vm_running, ==, 0);
    v0 = qemu_get_clock_ns(vm_clock);
    qemu_mod_timer(t, qemu_get_clock_ms(vm_clock) + 10);
    support_run_for(50);
    g_assert_cmpint(qemu_get_clock_ns(vm_clock), ==, v0);
    g_assert_cmpint(log.n, ==, 0);
    vm_start();
    g_assert_true(support_run_until(int_positive, &log.n, 1000));
    qemu_free_timer(t);
}

/* ---- bottom halves ---- */

typedef struct BHState {
    int runs;
    QEMUBH *bh;
    bool delete_self;
} BHState;

static void bh_cb(void *opaque)
{
    BHState *s = opaque;

    s->runs++;
    if (s->delete_self) {
        qemu_bh_delete(s->bh);
        s->bh = NULL;
    }
}

static void test_bh(void)
{
    BHState a = { 0 }, b = { 0 }, c = { 0 };
    int64_t t0;

    a.bh = qemu_bh_new(bh_cb, &a);
    b.bh = qemu_bh_new(bh_cb, &b);
    c.bh = qemu_bh_new(bh_cb, &c);
    c.delete_self = true;

    qemu_bh_schedule(a.bh);
    qemu_bh_schedule(a.bh);
    qemu_bh_schedule(b.bh);
    qemu_bh_cancel(b.bh);
    qemu_bh_schedule(c.bh);

    /* A scheduled BH makes the wait non-blocking. */
    t0 = qemu_get_clock_ms(rt_clock);
    main_loop_wait(0);
    g_assert_cmpint(qemu_get_clock_ms(rt_clock) - t0, <, 500);
    g_assert_cmpint(a.runs, ==, 1);
    g_assert_cmpint(b.runs, ==, 0);
    g_assert_cmpint(c.runs, ==, 1);
    g_assert_null(c.bh);

    main_loop_wait(1);
    g_assert_cmpint(a.runs, ==, 1);

    /* Deleting a scheduled BH: it never runs. */
    qemu_bh_schedule(b.bh);
    qemu_bh_delete(b.bh);
    main_loop_wait(1);
    g_assert_cmpint(b.runs, ==, 0);

    /* An idle BH runs on a later iteration, within ~10 ms. */
    qemu_bh_schedule_idle(a.bh);
    t0 = qemu_get_clock_ms(rt_clock);
    main_loop_wait(0);
    g_assert_cmpint(qemu_get_clock_ms(rt_clock) - t0, <, 500);
    g_assert_cmpint(a.runs, ==, 2);
    qemu_bh_delete(a.bh);
}

static void bh_resched_idle(void *opaque)
{
    BHState *s = opaque;

    s->runs++;
    qemu_bh_schedule_idle(s->bh);
}

/* A self-rescheduling idle BH runs once per iteration: no starvation. */
static void test_bh_idle_no_starvation(void)
{
    BHState s = { 0 };

    s.bh = qemu_bh_new(bh_resched_idle, &s);
    qemu_bh_schedule_idle(s.bh);
    support_loop_stats_reset();
    support_run_for(100);
    g_assert_cmpint(s.runs, >=, 5);
    g_assert_cmpint(s.runs, <=, 30);
    g_assert_cmpuint(support_loop_iterations(), ==, (uint64_t)s.runs);
    qemu_bh_delete(s.bh);
}

/* ---- run_until ---- */

static void set_flag_cb(void *opaque)
{
    *(bool *)opaque = true;
}

static void test_run_until(void)
{
    bool flag = false;
    QEMUTimer *t = qemu_new_timer_ms(rt_clock, set_flag_cb, &flag);
    int64_t t0 = qemu_get_clock_ms(rt_clock);
    int64_t dt;

    g_assert_false(support_run_until(never, NULL, 150));
    dt = qemu_get_clock_ms(rt_clock) - t0;
    g_assert_cmpint(dt, >=, 150);
    g_assert_cmpint(dt, <, 400);

    t0 = qemu_get_clock_ms(rt_clock);
    qemu_mod_timer(t, t0 + 20);
    g_assert_true(support_run_until(flag_is_set, &flag, 2000));
    dt = qemu_get_clock_ms(rt_clock) - t0;
    g_assert_cmpint(dt, >=, 20);
    g_assert_cmpint(dt, <, 500);

    /* Already true: returns at once. */
    g_assert_true(support_run_until(flag_is_set, &flag, 0));
    qemu_free_timer(t);
}

/* ---- stats ---- */

static void slow_bh(void *opaque)
{
    g_usleep(20000);
}

static void test_stats(void)
{
    QEMUBH *bh = qemu_bh_new(slow_bh, NULL);

    support_loop_stats_reset();
    g_assert_cmpuint(support_loop_iterations(), ==, 0);
    g_assert_cmpint(support_cb_max_ns(), ==, 0);
    qemu_bh_schedule(bh);
    main_loop_wait(1);
    g_assert_cmpuint(support_loop_iterations(), ==, 1);
    g_assert_cmpuint(support_cb_count(), ==, 1);
    g_assert_cmpint(support_cb_max_ns(), >=, 20000000);
    g_assert_cmpint(support_cb_total_ns(), >=, support_cb_max_ns());
    qemu_bh_delete(bh);
    support_loop_stats_reset();
    g_assert_cmpint(support_cb_total_ns(), ==, 0);
}

/* ---- glib integration ---- */

static gboolean glib_timeout_cb(gpointer opaque)
{
    (*(int *)opaque)++;
    return G_SOURCE_REMOVE;
}

static gboolean glib_io_cb(GIOChannel *ch, GIOCondition cond, gpointer opaque)
{
    char c;

    g_assert_cmpint(read(g_io_channel_unix_get_fd(ch), &c, 1), ==, 1);
    (*(int *)opaque)++;
    return G_SOURCE_REMOVE;
}

static void test_glib_sources(void)
{
    int timeouts = 0, ios = 0;
    int64_t t0 = qemu_get_clock_ms(rt_clock);
    GIOChannel *ch;
    int fds[2];

    g_timeout_add(30, glib_timeout_cb, &timeouts);
    g_assert_true(support_run_until(int_positive, &timeouts, 2000));
    g_assert_cmpint(qemu_get_clock_ms(rt_clock) - t0, >=, 29);
    g_assert_cmpint(qemu_get_clock_ms(rt_clock) - t0, <, 500);

    make_pipe(fds);
    ch = g_io_channel_unix_new(fds[0]);
    g_io_add_watch(ch, G_IO_IN, glib_io_cb, &ios);
    put_byte(fds[1], 'g');
    g_assert_true(support_run_until(int_positive, &ios, 2000));
    g_io_channel_unref(ch);
    close_pipe(fds);
}

static gpointer notify_thread(gpointer opaque)
{
    g_usleep(50000);
    qemu_notify_event();
    return NULL;
}

static void test_notify_event(void)
{
    GThread *th;
    int64_t t0 = qemu_get_clock_ms(rt_clock);

    th = g_thread_new("notify", notify_thread, NULL);
    main_loop_wait(0);
    g_assert_cmpint(qemu_get_clock_ms(rt_clock) - t0, <, 700);
    g_thread_join(th);
}

/* ---- fd helpers ---- */

static void test_fd_helpers(void)
{
    int base = support_count_open_fds();
    int fds[2], efds[2], plain[2];
    char *dir = support_make_tmpdir();
    char *file, *sub, *fifo;
    int fd;

    g_assert_nonnull(dir);
    g_assert_cmpint(base, >, 0);
    make_pipe(fds);
    g_assert_cmpint(support_count_open_fds(), ==, base + 2);
    g_assert_true(support_fd_is_cloexec(fds[0]));
    g_assert_true(support_fd_is_cloexec(fds[1]));

    g_assert_cmpint(pipe(plain), ==, 0);
    g_assert_false(support_fd_is_cloexec(plain[0]));
    qemu_set_cloexec(plain[0]);
    g_assert_true(support_fd_is_cloexec(plain[0]));
    close_pipe(plain);

    g_assert_cmpint(qemu_eventfd(efds), ==, 0);
    g_assert_true(support_fd_is_cloexec(efds[0]));
    g_assert_true(support_fd_is_cloexec(efds[1]));
    close_pipe(efds);

    file = g_build_filename(dir, "f", NULL);
    fd = qemu_open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    g_assert_cmpint(fd, >=, 0);
    g_assert_true(support_fd_is_cloexec(fd));
    g_assert_cmpint(qemu_write_full(fd, "hello", 5), ==, 5);
    close(fd);
    g_assert_false(support_fd_is_cloexec(fd));

    sub = g_build_filename(dir, "sub", NULL);
    g_assert_cmpint(mkdir(sub, 0700), ==, 0);
    fifo = g_build_filename(sub, "fifo", NULL);
    g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);

    close_pipe(fds);
    g_assert_cmpint(support_count_open_fds(), ==, base);

    g_assert_cmpint(support_rm_tmpdir(dir), ==, 0);
    g_assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));
    g_free(fifo);
    g_free(sub);
    g_free(file);
    g_free(dir);
}

/* ---- error capture ---- */

static void test_error_capture(void)
{
    support_error_clear();
    g_assert_null(support_error_last());
    support_error_quiet(true);
    error_report("first %d", 1);
    error_report("second %s", "two");
    support_error_quiet(false);
    g_assert_cmpint(support_error_count(), ==, 2);
    g_assert_cmpstr(support_error_last(), ==, "second two");
    g_assert_true(support_error_seen("first 1"));
    g_assert_false(support_error_seen("third"));
    support_error_clear();
    g_assert_cmpint(support_error_count(), ==, 0);
    g_assert_null(support_error_last());
}

static void test_error_stderr(void)
{
    char *base, *expect;

    if (g_test_subprocess()) {
        Location loc;

        error_report("hello %s", "world");
        support_error_quiet(true);
        error_report("silenced");
        support_error_quiet(false);
        loc_push_none(&loc);
        loc_set_file("cfg.ini", 3);
        error_report("bad line");
        loc_pop(&loc);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    /* Program name without directory, as error_set_progname() does. */
    base = g_path_get_basename(g_get_prgname());
    expect = g_strdup_printf("%s: hello world\n%s:cfg.ini:3: bad line\n",
                             base, base);
    g_test_trap_assert_stderr(expect);
    g_free(expect);
    g_free(base);
}

/* ---- sysemu, block, console ---- */

static void test_sysemu_block(void)
{
    int before = support_shutdown_requested();
    int commits = support_bdrv_commit_all_count();

    g_assert_cmpint(display_type, ==, DT_DEFAULT);
    qemu_system_shutdown_request();
    g_assert_cmpint(support_shutdown_requested(), ==, before + 1);
    g_assert_cmpint(qemu_shutdown_requested(), ==, 1);
    g_assert_cmpint(qemu_shutdown_requested(), ==, 0);
    support_shutdown_clear();
    g_assert_cmpint(support_shutdown_requested(), ==, 0);

    bdrv_commit_all();
    g_assert_cmpint(support_bdrv_commit_all_count(), ==, commits + 1);
}

typedef struct MouseLog {
    int events;
    int dx, dy, dz, buttons;
} MouseLog;

static void mouse_cb(void *opaque, int dx, int dy, int dz, int buttons)
{
    MouseLog *m = opaque;

    m->events++;
    m->dx = dx;
    m->dy = dy;
    m->dz = dz;
    m->buttons = buttons;
}

static void test_mouse(void)
{
    MouseLog m1 = { 0 }, m2 = { 0 };
    QEMUPutMouseEntry *e1, *e2;

    kbd_mouse_event(1, 1, 0, 0);   /* no handler: ignored */
    e1 = qemu_add_mouse_event_handler(mouse_cb, &m1, 0, "one");
    e2 = qemu_add_mouse_event_handler(mouse_cb, &m2, 1, "two");
    g_assert_cmpstr(e2->qemu_put_mouse_event_name, ==, "two");
    kbd_mouse_event(3, -4, 1, MOUSE_EVENT_LBUTTON | MOUSE_EVENT_MBUTTON);
    g_assert_cmpint(m1.events, ==, 1);
    g_assert_cmpint(m2.events, ==, 0);
    g_assert_cmpint(m1.dx, ==, 3);
    g_assert_cmpint(m1.dy, ==, -4);
    g_assert_cmpint(m1.dz, ==, 1);
    g_assert_cmpint(m1.buttons, ==, 0x05);
    g_assert_cmpint(kbd_mouse_is_absolute(), ==, 0);
    g_assert_cmpint(kbd_mouse_has_absolute(), ==, 1);

    qemu_activate_mouse_event_handler(e2);
    kbd_mouse_event(0, 0, 0, MOUSE_EVENT_RBUTTON);
    g_assert_cmpint(m2.events, ==, 1);
    g_assert_cmpint(m2.buttons, ==, MOUSE_EVENT_RBUTTON);
    g_assert_cmpint(kbd_mouse_is_absolute(), ==, 1);

    qemu_remove_mouse_event_handler(e2);
    kbd_mouse_event(0, 0, 0, 0);
    g_assert_cmpint(m1.events, ==, 2);
    qemu_remove_mouse_event_handler(e1);
}

static void test_vc_standin(void)
{
    CharDriverState *chr = NULL;
    uint8_t *big;
    size_t biglen = SUPPORT_VC_OUTPUT_MAX + 100;

    g_assert_cmpint(text_console_init(NULL, &chr), ==, 0);
    g_assert_nonnull(chr);
    g_assert_cmpint(chr->chr_write(chr, (const uint8_t *)"abc", 3), ==, 3);
    g_assert_cmpstr(support_vc_output(chr), ==, "abc");
    support_vc_output_clear(chr);
    g_assert_cmpuint(support_vc_output_len(chr), ==, 0);

    big = g_malloc(biglen);
    memset(big, 'z', biglen);
    g_assert_cmpint(chr->chr_write(chr, big, biglen), ==, (int)biglen);
    g_assert_cmpuint(support_vc_output_len(chr), ==, SUPPORT_VC_OUTPUT_MAX);
    g_free(big);

    chr->chr_close(chr);
    qemu_free(chr);
}

/* ---- cutils, allocation ---- */

static void test_cutils(void)
{
    char buf[8];
    const char *rest;
    char *end;
    void *p;

    pstrcpy(buf, sizeof(buf), "0123456789");
    g_assert_cmpstr(buf, ==, "0123456");
    pstrcpy(buf, sizeof(buf), "ab");
    pstrcat(buf, sizeof(buf), "cdefghij");
    g_assert_cmpstr(buf, ==, "abcdefg");
    g_assert_true(strstart("tcp:host", "tcp:", &rest));
    g_assert_cmpstr(rest, ==, "host");
    g_assert_false(strstart("udp:host", "tcp:", &rest));
    g_assert_true(stristart("TCP:x", "tcp:", &rest));
    g_assert_cmpstr(rest, ==, "x");
    g_assert_cmpint(qemu_strnlen("abc", 2), ==, 2);
    g_assert_cmpint(qemu_strnlen("abc", 10), ==, 3);

    g_assert_cmpint(strtosz("64", NULL), ==, 64 << 20);
    g_assert_cmpint(strtosz("1.5k", &end), ==, 1536);
    g_assert_cmpstr(end, ==, "");
    g_assert_cmpint(strtosz("2G,x", &end), ==, 2LL << 30);
    g_assert_cmpstr(end, ==, ",x");
    g_assert_cmpint(strtosz_suffix("512", NULL, STRTOSZ_DEFSUFFIX_B), ==,
                    512);
    g_assert_cmpint(strtosz("1.5", NULL), ==, 3 << 19);
    g_assert_cmpint(strtosz_suffix("1.5", NULL, STRTOSZ_DEFSUFFIX_B), ==, -1);
    g_assert_cmpint(strtosz("12Q", NULL), ==, -1);
    g_assert_cmpint(strtosz("-1k", NULL), ==, -1);

    p = qemu_malloc(0);
    g_assert_nonnull(p);
    p = qemu_realloc(p, 0);
    g_assert_nonnull(p);
    qemu_free(p);
    p = qemu_mallocz(0);
    g_assert_nonnull(p);
    qemu_free(p);
    end = qemu_strndup("abcdef", 3);
    g_assert_cmpstr(end, ==, "abc");
    qemu_free(end);
}

static void count_cb(void *opaque)
{
    (*(int *)opaque)++;
}

/*
 * vl.c's phases: a test case starts where vl.c opens chardevs, with fd
 * handlers and bottom halves usable and the alarm timer missing; the
 * first main-loop iteration is past init_timer_alarm().
 */
static void test_startup_phases(void)
{
    int fds[2], bh_runs = 0, timer_runs = 0;
    QEMUBH *bh = qemu_bh_new(count_cb, &bh_runs);
    QEMUTimer *t = qemu_new_timer_ms(rt_clock, count_cb, &timer_runs);

    g_assert_false(support_timers_started());
    g_assert_cmpint(pipe2(fds, O_CLOEXEC), ==, 0);
    qemu_set_fd_handler(fds[0], count_cb, NULL, &bh_runs);
    qemu_bh_schedule(bh);
    qemu_del_timer(t);
    g_assert_false(qemu_timer_pending(t));
    qemu_notify_event();
    g_assert_false(support_timers_started());

    main_loop_wait(1);
    g_assert_true(support_timers_started());
    g_assert_cmpint(bh_runs, ==, 1);
    qemu_mod_timer(t, qemu_get_clock_ms(rt_clock));
    main_loop_wait(1);
    g_assert_cmpint(timer_runs, ==, 1);

    /* a fresh run starts over; init_timer_alarm() ends it by hand */
    support_startup_begin();
    g_assert_false(support_timers_started());
    g_assert_cmpint(init_timer_alarm(), ==, 0);
    g_assert_true(support_timers_started());

    qemu_set_fd_handler(fds[0], NULL, NULL, NULL);
    qemu_free_timer(t);
    qemu_bh_delete(bh);
    close(fds[0]);
    close(fds[1]);
}

static void test_startup_arm_aborts(void)
{
    if (g_test_subprocess()) {
        QEMUTimer *t = qemu_new_timer_ms(rt_clock, count_cb, NULL);

        qemu_mod_timer(t, qemu_get_clock_ms(rt_clock) + 1000);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*armed during startup, before "
                              "init_timer_alarm()*");
}

static void test_quit_arm_aborts(void)
{
    if (g_test_subprocess()) {
        QEMUTimer *t = qemu_new_timer_ms(rt_clock, count_cb, NULL);

        main_loop_wait(1);
        qemu_mod_timer(t, qemu_get_clock_ms(rt_clock) + 1000);
        qemu_del_timer(t);
        quit_timers();
        qemu_mod_timer(t, qemu_get_clock_ms(rt_clock) + 1000);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*armed after quit_timers()*");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/support/loop/read-poll-gating", test_read_poll_gating);
    g_test_add_func("/support/loop/write-handler", test_write_handler);
    g_test_add_func("/support/loop/remove-during-dispatch",
                    test_remove_during_dispatch);
    g_test_add_func("/support/loop/replace-during-dispatch",
                    test_replace_during_dispatch);
    g_test_add_func("/support/loop/one-record-per-fd", test_one_record_per_fd);
    g_test_add_func("/support/loop/closed-fd", test_closed_fd);
    g_test_add_func("/support/loop/no-busy-loop", test_no_busy_loop);
    g_test_add_func("/support/loop/startup/phases", test_startup_phases);
    g_test_add_func("/support/loop/startup/arm-aborts",
                    test_startup_arm_aborts);
    g_test_add_func("/support/loop/startup/arm-after-quit-aborts",
                    test_quit_arm_aborts);
    g_test_add_func("/support/loop/timers", test_timers);
    g_test_add_func("/support/loop/timer-ns-scale", test_timer_ns_scale);
    g_test_add_func("/support/loop/vm-clock-stops", test_vm_clock_stops);
    g_test_add_func("/support/loop/bh", test_bh);
    g_test_add_func("/support/loop/bh-idle-no-starvation",
                    test_bh_idle_no_starvation);
    g_test_add_func("/support/loop/run-until", test_run_until);
    g_test_add_func("/support/loop/stats", test_stats);
    g_test_add_func("/support/loop/glib-sources", test_glib_sources);
    g_test_add_func("/support/loop/notify-event", test_notify_event);
    g_test_add_func("/support/loop/fd-helpers", test_fd_helpers);
    g_test_add_func("/support/error/capture", test_error_capture);
    g_test_add_func("/support/error/stderr", test_error_stderr);
    g_test_add_func("/support/sysemu/shutdown-commit", test_sysemu_block);
    g_test_add_func("/support/console/mouse", test_mouse);
    g_test_add_func("/support/console/vc-standin", test_vc_standin);
    g_test_add_func("/support/cutils/strings-sizes", test_cutils);

    return test_run_fd_checked();
}
