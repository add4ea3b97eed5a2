/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: the three QEMU clocks and their sorted timer lists. */

#include <glib.h>
#include <execinfo.h>
#include "qemu-common.h"
#include "qemu-timer.h"
#include "support-int.h"
#include "support-test.h"

enum {
    CLOCK_TYPE_REALTIME,
    CLOCK_TYPE_VIRTUAL,
    CLOCK_TYPE_HOST,
};

struct QEMUClock {
    int type;
    int enabled;
    QEMUTimer *active; /* sorted by expire_ns, earliest first */
};

struct QEMUTimer {
    QEMUClock *clock;
    int64_t expire_ns;
    int scale;
    QEMUTimerCB *cb;
    void *opaque;
    QEMUTimer *next;
};

static QEMUClock clock_rt = { CLOCK_TYPE_REALTIME, 1, NULL };
static QEMUClock clock_vm = { CLOCK_TYPE_VIRTUAL, 1, NULL };
static QEMUClock clock_host = { CLOCK_TYPE_HOST, 1, NULL };

/* Statically initialised so that init_clocks() is optional. */
QEMUClock *rt_clock = &clock_rt;
QEMUClock *vm_clock = &clock_vm;
QEMUClock *host_clock = &clock_host;

/* vm_clock = monotonic time minus the time spent stopped. */
static int64_t vm_stopped_total_ns;
static int64_t vm_stopped_since_ns;
static bool vm_clock_stopped;

void support_int_vm_clock_set_running(bool running)
{
    int64_t now = get_clock();

    if (running && vm_clock_stopped) {
        vm_stopped_total_ns += now - vm_stopped_since_ns;
        vm_clock_stopped = false;
    } else if (!running && !vm_clock_stopped) {
        vm_stopped_since_ns = now;
        vm_clock_stopped = true;
    }
}

void init_clocks(void)
{
    /* Nothing to do: the clocks are static objects. */
}

/*
 * vl.c's order: every -chardev (and the monitor's chardev) is opened before
 * init_timer_alarm(), and v0.15.0's qemu_mod_timer() dereferences the alarm
 * timer, which does not exist yet then (nor after quit_timers()): arming a
 * timer in that window crashes QEMU.  Fd handlers and bottom halves are
 * fine then.  The support layer keeps the same phases and aborts on such a
 * timer.  Each GTest case counts as one QEMU run, so every test opens its
 * chardevs in the startup phase; outside a test case the process is one
 * run.  The phase ends with init_timer_alarm() or the first main-loop
 * iteration.
 */
typedef enum {
    ALARM_NOT_YET,
    ALARM_RUNNING,
    ALARM_QUIT,
} AlarmState;

static AlarmState alarm_state;
static char *alarm_run;         /* the test case alarm_state belongs to */

static const char *current_run(void)
{
    const char *path = g_test_get_path();

    return path ? path : "";
}

static AlarmState alarm_get(void)
{
    if (g_strcmp0(alarm_run, current_run()) != 0) {
        return ALARM_NOT_YET;
    }
    return alarm_state;
}

static void alarm_set(AlarmState state)
{
    if (g_strcmp0(alarm_run, current_run()) != 0) {
        g_free(alarm_run);
        alarm_run = g_strdup(current_run());
    }
    alarm_state = state;
}

int init_timer_alarm(void)
{
    if (alarm_get() == ALARM_NOT_YET) {
        alarm_set(ALARM_RUNNING);
    }
    return 0;
}

void quit_timers(void)
{
    alarm_set(ALARM_QUIT);
}

bool support_timers_started(void)
{
    return alarm_get() == ALARM_RUNNING;
}

void support_startup_begin(void)
{
    alarm_set(ALARM_NOT_YET);
}

void support_int_main_loop_started(void)
{
    init_timer_alarm();
}

static void check_armable(QEMUTimer *ts)
{
    AlarmState state = alarm_get();
    void *frames[16];

    if (state == ALARM_RUNNING) {
        return;
    }
    fprintf(stderr, "qemu_mod_timer() called from:\n");
    backtrace_symbols_fd(frames, backtrace(frames, ARRAY_SIZE(frames)), 2);
    g_error("a timer (callback %p) was armed %s: QEMU v0.15.0 has no alarm "
            "timer then and crashes; open and close paths must defer timers "
            "to a bottom half or the main loop", (void *)ts->cb,
            state == ALARM_QUIT ? "after quit_timers(), at exit" :
            "during startup, before init_timer_alarm() (where vl.c opens "
            "chardevs)");
}

int64_t qemu_get_clock_ns(QEMUClock *clock)
{
    switch (clock->type) {
    case CLOCK_TYPE_VIRTUAL:
        if (vm_clock_stopped) {
            return vm_stopped_since_ns - vm_stopped_total_ns;
        }
        return get_clock() - vm_stopped_total_ns;
    case CLOCK_TYPE_HOST:
        return get_clock_realtime();
    case CLOCK_TYPE_REALTIME:
    default:
        return get_clock();
    }
}

void qemu_clock_enable(QEMUClock *clock, int enabled)
{
    clock->enabled = enabled;
}

QEMUTimer *qemu_new_timer(QEMUClock *clock, int scale,
                          QEMUTimerCB *cb, void *opaque)
{
    QEMUTimer *ts = qemu_mallocz(sizeof(*ts));

    ts->clock = clock;
    ts->scale = scale;
    ts->cb = cb;
    ts->opaque = opaque;
    return ts;
}

void qemu_free_timer(QEMUTimer *ts)
{
    /* Unlink first so that freeing a pending timer cannot leave a
     * dangling list entry. */
    qemu_del_timer(ts);
    qemu_free(ts);
}

void qemu_del_timer(QEMUTimer *ts)
{
    QEMUTimer **link;

    for (link = &ts->clock->active; *link; link = &(*link)->next) {
        if (*link == ts) {
            *link = ts->next;
            ts->next = NULL;
            break;
        }
    }
}

static bool timer_due(const QEMUTimer *ts, int64_t now_ns)
{
    return ts != NULL && ts->expire_ns <= now_ns;
}

void qemu_mod_timer(QEMUTimer *ts, int64_t expire_time)
{
    QEMUTimer **link;
    int64_t expire_ns = expire_time * ts->scale;

    check_armable(ts);
    qemu_del_timer(ts);
    /* Insert after every timer expiring no later: equal deadlines fire in
     * the order they were armed. */
    link = &ts->clock->active;
    while (timer_due(*link, expire_ns)) {
        link = &(*link)->next;
    }
    ts->expire_ns = expire_ns;
    ts->next = *link;
    *link = ts;
}

int qemu_timer_pending(QEMUTimer *ts)
{
    QEMUTimer *t;

    for (t = ts->clock->active; t; t = t->next) {
        if (t == ts) {
            return 1;
        }
    }
    return 0;
}

int qemu_timer_expired(QEMUTimer *timer_head, int64_t current_time)
{
    if (!timer_head) {
        return 0;
    }
    return timer_due(timer_head, current_time * timer_head->scale);
}

static void run_clock_timers(QEMUClock *clock)
{
    int64_t now_ns;
    QEMUTimer *ts;

    if (!clock->enabled) {
        return;
    }
    now_ns = qemu_get_clock_ns(clock);
    while (timer_due(clock->active, now_ns)) {
        int64_t begin;

        /* Unlink before the call: the callback may re-arm or free it. */
        ts = clock->active;
        clock->active = ts->next;
        ts->next = NULL;

        begin = support_int_cb_begin();
        ts->cb(ts->opaque);
        support_int_cb_end(begin);
    }
}

void qemu_run_all_timers(void)
{
    if (!vm_clock_stopped) {
        run_clock_timers(vm_clock);
    }
    run_clock_timers(rt_clock);
    run_clock_timers(host_clock);
}

int64_t support_int_timer_deadline_ns(void)
{
    QEMUClock *clocks[] = { rt_clock, vm_clock, host_clock };
    int64_t best = -1;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(clocks); i++) {
        QEMUClock *c = clocks[i];
        int64_t delta;

        if (!c->enabled || !c->active) {
            continue;
        }
        if (c == vm_clock && vm_clock_stopped) {
            continue;
        }
        delta = c->active->expire_ns - qemu_get_clock_ns(c);
        if (delta < 0) {
            delta = 0;
        }
        if (best < 0 || delta < best) {
            best = delta;
        }
    }
    return best;
}

int qemu_calculate_timeout(void)
{
    int64_t deadline = support_int_timer_deadline_ns();

    if (deadline < 0) {
        return 1000;
    }
    /* Round up: waking before the deadline would only spin once more. */
    return (int)MIN((deadline + SCALE_MS - 1) / SCALE_MS, 1000);
}
