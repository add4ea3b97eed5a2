/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of the terminal backends (stdio, pty, tty, parport) on real ptys. */
#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-config.h"
#include "qemu-error.h"
#include "sysemu.h"
#include "support-test.h"
#include "char-test-util.h"

#include <poll.h>
#include <termios.h>
#include <sys/wait.h>

/* ---- helpers ---- */

static tcflag_t lflag_of(int fd)
{
    struct termios tty;

    g_assert_cmpint(tcgetattr(fd, &tty), ==, 0);
    return tty.c_lflag;
}

static bool fd_nonblocking(int fd)
{
    return fcntl(fd, F_GETFL) & O_NONBLOCK;
}

/* Nothing arrives on @fd within @ms while the main loop runs. */
static bool pump_nothing(int fd, int ms)
{
    uint8_t b;

    return test_pump_some(fd, &b, 1, ms) == 0;
}

/*
 * Run @fn in a child whose stdin and stdout are the slave of @p; the child
 * fails the test by aborting (g_assert) or exiting non-zero.
 */
static void run_on_terminal(TestPty *p, void (*fn)(TestPty *p))
{
    pid_t pid;
    int status;

    fflush(stdout);
    fflush(stderr);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        if (dup2(p->slave, 0) < 0 || dup2(p->slave, 1) < 0) {
            _exit(2);
        }
        fn(p);
        _exit(0);
    }
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        g_error("child failed (status 0x%x)", status);
    }
}

/* ---- stdio ---- */

static void stdio_basic_child(TestPty *p)
{
    CharDriverState *chr;
    TestFrontend fe;
    char out[16];

    g_assert(lflag_of(0) & ECHO);
    chr = test_chr_new("stdio,id=term");
    g_assert(chr);
    test_fe_attach(&fe, chr);

    /* raw, no echo, signals kept (display is not -nographic) */
    g_assert(!(lflag_of(0) & (ECHO | ICANON)));
    g_assert(lflag_of(0) & ISIG);
    g_assert(fd_nonblocking(0));

    /* input reaches the frontend without a newline */
    g_assert(test_write_full(p->master, "ab", 2, 1000));
    g_assert(test_fe_wait_input(&fe, 2, 2000));
    g_assert(memcmp(fe.input->data, "ab", 2) == 0);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 1000));

    /* output reaches the terminal, "\n" still returns the carriage */
    qemu_chr_write(chr, (const uint8_t *)"hi\n", 3);
    g_assert(test_pump_read(p->master, out, 4, 2000));
    g_assert(memcmp(out, "hi\r\n", 4) == 0);

    /* echo on: only ECHO changes */
    qemu_chr_set_echo(chr, true);
    g_assert(lflag_of(0) & ECHO);
    g_assert(!(lflag_of(0) & ICANON));
    g_assert(lflag_of(0) & ISIG);
    g_assert(test_write_full(p->master, "e", 1, 1000));
    g_assert(test_pump_read(p->master, out, 1, 2000));
    g_assert_cmpint(out[0], ==, 'e');
    g_assert(test_fe_wait_input(&fe, 3, 2000));

    qemu_chr_set_echo(chr, false);
    g_assert(!(lflag_of(0) & (ECHO | ICANON)));
    g_assert(test_write_full(p->master, "n", 1, 1000));
    g_assert(test_fe_wait_input(&fe, 4, 2000));
    g_assert(pump_nothing(p->master, 100));

    test_fe_detach(&fe);
    qemu_chr_close(chr);

    /* as found */
    g_assert((lflag_of(0) & (ECHO | ICANON | ISIG)) ==
             (ECHO | ICANON | ISIG));
    g_assert(!fd_nonblocking(0));
    g_assert(!fd_nonblocking(1));
}

static void test_stdio_basic(void)
{
    TestPty p;

    test_pty_open(&p);
    run_on_terminal(&p, stdio_basic_child);
    /* the parent sees the same terminal restored */
    g_assert((lflag_of(p.slave) & (ECHO | ICANON | ISIG)) ==
             (ECHO | ICANON | ISIG));
    test_pty_close(&p);
}

static void stdio_signal_off_child(TestPty *p)
{
    CharDriverState *chr = test_chr_new("stdio,id=term,signal=off");

    g_assert(chr);
    g_assert(!(lflag_of(0) & (ISIG | ECHO | ICANON)));
    qemu_chr_set_echo(chr, true);
    g_assert(!(lflag_of(0) & ISIG));
    g_assert(lflag_of(0) & ECHO);
    qemu_chr_close(chr);
    g_assert(lflag_of(0) & ISIG);

    /* without signal=, -nographic means no signals ... */
    display_type = DT_NOGRAPHIC;
    chr = test_chr_new("stdio,id=term");
    g_assert(chr);
    g_assert(!(lflag_of(0) & ISIG));
    qemu_chr_close(chr);
    /* ... unless asked for */
    chr = test_chr_new("stdio,id=term,signal=on");
    g_assert(chr);
    g_assert(lflag_of(0) & ISIG);
    qemu_chr_close(chr);
    display_type = DT_DEFAULT;
    g_assert(lflag_of(0) & ISIG);
}

static void test_stdio_signal(void)
{
    TestPty p;

    test_pty_open(&p);
    run_on_terminal(&p, stdio_signal_off_child);
    test_pty_close(&p);
}

static void stdio_only_one_child(TestPty *p)
{
    CharDriverState *chr = test_chr_new("stdio,id=one");
    char *err;
    int fl = fcntl(0, F_GETFL);

    g_assert(chr);
    err = test_chr_open_error("stdio,id=two");
    g_assert_cmpstr(err, ==, "chardev \"two\": backend \"stdio\": stdio is "
                    "already used by chardev \"one\" (only one is possible)");
    g_free(err);
    /* the failed open left the terminal alone */
    g_assert(!(lflag_of(0) & ICANON));
    g_assert_cmpint(fcntl(0, F_GETFL), ==, fl);
    qemu_chr_close(chr);
    /* free again */
    chr = test_chr_new("stdio,id=three");
    g_assert(chr);
    qemu_chr_close(chr);
}

static void test_stdio_only_one(void)
{
    TestPty p;

    test_pty_open(&p);
    run_on_terminal(&p, stdio_only_one_child);
    test_pty_close(&p);
}

/* exit() without closing the chardev: the exit handler restores */
static void stdio_exit_child(TestPty *p)
{
    CharDriverState *chr = test_chr_new("stdio,id=term,signal=off");

    g_assert(chr);
    g_assert(!(lflag_of(0) & (ECHO | ICANON | ISIG)));
    g_assert(fd_nonblocking(0));
    exit(0);
}

static void test_stdio_restore_at_exit(void)
{
    TestPty p;

    test_pty_open(&p);
    run_on_terminal(&p, stdio_exit_child);
    g_assert((lflag_of(p.slave) & (ECHO | ICANON | ISIG)) ==
             (ECHO | ICANON | ISIG));
    /* the child's fds 0/1 shared this open file description */
    g_assert(!fd_nonblocking(p.slave));
    test_pty_close(&p);
}

/* O_NONBLOCK found set stays set */
static void stdio_keep_flags_child(TestPty *p)
{
    CharDriverState *chr;

    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
    chr = test_chr_new("stdio,id=term");
    g_assert(chr);
    qemu_chr_close(chr);
    g_assert(fd_nonblocking(0));
}

static void test_stdio_keeps_flags(void)
{
    TestPty p;

    test_pty_open(&p);
    run_on_terminal(&p, stdio_keep_flags_child);
    test_pty_close(&p);
}

/* Not a terminal (stdin /dev/null, stdout a pipe): no termios, EOF. */
static void test_stdio_not_a_tty(void)
{
    int out[2], status;
    char buf[4];
    pid_t pid;

    g_assert_cmpint(pipe(out), ==, 0);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        CharDriverState *chr;
        TestFrontend fe;

        if (null < 0 || dup2(null, 0) < 0 || dup2(out[1], 1) < 0) {
            _exit(2);
        }
        chr = test_chr_new("stdio,id=term");
        g_assert(chr);
        test_fe_attach(&fe, chr);
        g_assert(fd_nonblocking(1));
        /* end of input is the end of the connection */
        g_assert(test_fe_wait_event(&fe, CHR_EVENT_CLOSED, 2000));
        g_assert_cmpint(fe.events[0], ==, CHR_EVENT_OPENED);
        /* output still works */
        g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"out", 3), ==,
                        3);
        test_fe_detach(&fe);
        qemu_chr_close(chr);
        g_assert(!fd_nonblocking(1));
        _exit(0);
    }
    close(out[1]);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    g_assert(test_read_full(out[0], buf, 3, 1000));
    g_assert(memcmp(buf, "out", 3) == 0);
    close(out[0]);
}

/* ---- pty ---- */

/* Open a pty chardev; returns the slave path from its announcement. */
static CharDriverState *pty_chr_new(const char *id, char **slave_path)
{
    char *optstr = g_strdup_printf("pty,id=%s", id);
    QemuOpts *opts = qemu_opts_parse(qemu_find_opts("chardev"), optstr, 1);
    CharDriverState *chr;
    int pipefd[2], saved_err;
    char line[256];
    ssize_t n;
    char *expect;

    g_assert(opts);
    /* capture what the backend prints on stderr */
    g_assert_cmpint(pipe(pipefd), ==, 0);
    fflush(stderr);
    saved_err = dup(2);
    dup2(pipefd[1], 2);
    chr = qemu_chr_open_opts(opts, NULL);
    fflush(stderr);
    dup2(saved_err, 2);
    close(saved_err);
    close(pipefd[1]);
    n = read(pipefd[0], line, sizeof(line) - 1);
    close(pipefd[0]);
    g_assert(chr);
    g_assert_cmpint(n, >, 0);
    line[n] = '\0';

    g_assert(g_str_has_prefix(chr->filename, "pty:/dev/pts/"));
    *slave_path = g_strdup(chr->filename + 4);
    g_assert_cmpstr(qemu_opt_get(opts, "path"), ==, *slave_path);
    expect = g_strdup_printf("char device redirected to %s\n", *slave_path);
    g_assert_cmpstr(line, ==, expect);
    g_free(expect);
    qemu_opts_del(opts);
    g_free(optstr);
    return chr;
}

static int open_client(const char *path)
{
    int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);

    g_assert_cmpint(fd, >=, 0);
    return fd;
}

static void test_pty_announce(void)
{
    char *path;
    CharDriverState *chr = pty_chr_new("pty-a", &path);
    struct stat st;

    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert(S_ISCHR(st.st_mode));
    qemu_chr_close(chr);
    g_free(path);
}

/* No client: the loop sleeps, output waits in the bounded queue. */
static void test_pty_buffer_before_client(void)
{
    const size_t len = 256 * 1024;
    uint8_t *data = g_malloc(len), *got = g_malloc(len);
    char *path;
    CharDriverState *chr = pty_chr_new("pty-b", &path);
    TestFrontend fe;
    uint64_t iters, cbs;
    int client;
    struct termios tty;

    test_fe_attach(&fe, chr);
    test_fill_pattern(data, len, 7);
    g_assert_cmpint(qemu_chr_write(chr, data, len / 2), ==, len / 2);

    support_loop_stats_reset();
    support_run_for(300);
    iters = support_loop_iterations();
    cbs = support_cb_count();
    /* a few wakeups at most, not a spin on POLLHUP */
    g_assert_cmpint(iters, <, 20);
    g_assert_cmpint(cbs, <, 10);
    g_assert_cmpint(test_fe_count_events(&fe, CHR_EVENT_OPENED), ==, 0);
    g_assert_cmpint(qemu_chr_queued_bytes(chr), ==, len / 2);
    g_assert_cmpint(qemu_chr_write(chr, data + len / 2, len - len / 2), ==,
                    len - len / 2);
    g_assert_cmpint(qemu_chr_dropped_bytes(chr), ==, 0);

    client = open_client(path);
    /* the slave was made raw: bytes arrive unchanged */
    g_assert_cmpint(tcgetattr(client, &tty), ==, 0);
    g_assert(!(tty.c_oflag & OPOST));
    g_assert(!(tty.c_lflag & (ECHO | ICANON)));
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 2000));
    g_assert(test_pump_read(client, got, len, 5000));
    g_assert(memcmp(got, data, len) == 0);
    g_assert_cmpint(qemu_chr_queued_bytes(chr), ==, 0);

    close(client);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_CLOSED, 2000));
    test_fe_detach(&fe);
    qemu_chr_close(chr);
    g_free(path);
    g_free(data);
    g_free(got);
}

/* The queue is bounded at 1 MiB: the excess is dropped and counted. */
static void test_pty_buffer_limit(void)
{
    const size_t limit = 1024 * 1024;
    uint8_t *data = g_malloc0(limit + 100);
    char *path;
    CharDriverState *chr = pty_chr_new("pty-c", &path);

    g_assert_cmpint(qemu_chr_write(chr, data, limit + 100), ==, limit);
    g_assert_cmpint(qemu_chr_queued_bytes(chr), ==, limit);
    g_assert_cmpint(qemu_chr_dropped_bytes(chr), ==, 100);
    qemu_chr_close(chr);
    g_free(path);
    g_free(data);
}

static void test_pty_reconnect(void)
{
    char *path;
    CharDriverState *chr = pty_chr_new("pty-d", &path);
    TestFrontend fe;
    char buf[8];
    int client, i;

    test_fe_attach(&fe, chr);
    for (i = 0; i < 3; i++) {
        client = open_client(path);
        g_assert(test_fe_wait_events(&fe, CHR_EVENT_OPENED, i + 1, 2000));
        g_assert_cmpint(test_fe_count_events(&fe, CHR_EVENT_OPENED), ==,
                        i + 1);

        g_assert(test_write_full(client, "in", 2, 1000));
        g_assert(test_fe_wait_input(&fe, 2 * (i + 1), 2000));
        g_assert(memcmp(fe.input->data + 2 * i, "in", 2) == 0);
        qemu_chr_write(fe.chr, (const uint8_t *)"out", 3);
        g_assert(test_pump_read(client, buf, 3, 2000));
        g_assert(memcmp(buf, "out", 3) == 0);

        close(client);
        g_assert(test_fe_wait_events(&fe, CHR_EVENT_CLOSED, i + 1, 2000));
        g_assert_cmpint(test_fe_count_events(&fe, CHR_EVENT_CLOSED), ==,
                        i + 1);
        /* events alternate: OPENED, CLOSED, OPENED, ... */
        g_assert_cmpint(fe.events[fe.nr_events - 1], ==, CHR_EVENT_CLOSED);
        g_assert_cmpint(fe.events[fe.nr_events - 2], ==, CHR_EVENT_OPENED);

        /* idle again without a client */
        support_loop_stats_reset();
        support_run_for(100);
        g_assert_cmpint(support_loop_iterations(), <, 10);
    }
    test_fe_detach(&fe);
    qemu_chr_close(chr);
    g_free(path);
}

/* Two clients: the link is up until the last one goes. */
static void test_pty_two_clients(void)
{
    char *path;
    CharDriverState *chr = pty_chr_new("pty-e", &path);
    TestFrontend fe;
    int c1, c2;

    test_fe_attach(&fe, chr);
    c1 = open_client(path);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 2000));
    c2 = open_client(path);
    close(c1);
    support_run_for(100);
    g_assert_cmpint(test_fe_count_events(&fe, CHR_EVENT_CLOSED), ==, 0);
    g_assert_cmpint(test_fe_count_events(&fe, CHR_EVENT_OPENED), ==, 1);
    close(c2);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_CLOSED, 2000));
    test_fe_detach(&fe);
    qemu_chr_close(chr);
    g_free(path);
}

/* ---- tty ---- */

static void test_tty_params(void)
{
    static const struct {
        QEMUSerialSetParams p;
        speed_t speed;
        tcflag_t cflags;
    } cases[] = {
        { { 9600, 'E', 7, 2 }, B9600, PARENB | CS7 | CSTOPB },
        { { 19200, 'O', 5, 1 }, B19200, PARENB | PARODD | CS5 },
        { { 2400, 'N', 6, 1 }, B2400, CS6 },
        { { 115200, 'N', 8, 1 }, B115200, CS8 },
        /* a little off a standard rate still gets it */
        { { 57000, 'N', 8, 1 }, B57600, CS8 },
        { { 1200, 'N', 8, 1 }, B1200, CS8 },
    };
    const tcflag_t mask = PARENB | PARODD | CSIZE | CSTOPB;
    TestPty p;
    char *opts;
    CharDriverState *chr;
    struct termios tty;
    unsigned i;
    int fd, val;

    test_pty_open(&p);
    opts = g_strdup_printf("tty,id=ser,path=%s", p.name);
    chr = test_chr_new(opts);
    g_assert(chr);

    /* non-blocking and close-on-exec */
    close(p.slave);
    fd = test_fd_of(p.name);
    g_assert_cmpint(fd, >=, 0);
    g_assert(support_fd_is_cloexec(fd));
    g_assert(fd_nonblocking(fd));

    /* 115200 8N1, raw */
    g_assert_cmpint(tcgetattr(fd, &tty), ==, 0);
    g_assert_cmpint(cfgetospeed(&tty), ==, B115200);
    g_assert_cmpint(tty.c_cflag & mask, ==, CS8);
    g_assert(!(tty.c_lflag & (ECHO | ICANON | ISIG)));

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        QEMUSerialSetParams ssp = cases[i].p;

        g_assert_cmpint(qemu_chr_ioctl(chr, CHR_IOCTL_SERIAL_SET_PARAMS,
                                       &ssp), ==, 0);
        g_assert_cmpint(tcgetattr(fd, &tty), ==, 0);
        g_assert_cmpint(cfgetospeed(&tty), ==, cases[i].speed);
        g_assert_cmpint(cfgetispeed(&tty), ==, cases[i].speed);
        g_assert_cmpint(tty.c_cflag & (CSTOPB | PARODD), ==,
                        cases[i].cflags & (CSTOPB | PARODD));
        /*
         * Linux pty drivers force CS8 and clear PARENB whatever is asked
         * (pty_set_termios); a real port shows cases[i].cflags.
         */
        g_assert((tty.c_cflag & mask) == cases[i].cflags ||
                 (tty.c_cflag & (CSIZE | PARENB)) == CS8);
    }

    /* break on and off: accepted by a pty, never blocking */
    val = 1;
    g_assert_cmpint(qemu_chr_ioctl(chr, CHR_IOCTL_SERIAL_SET_BREAK, &val),
                    ==, 0);
    val = 0;
    g_assert_cmpint(qemu_chr_ioctl(chr, CHR_IOCTL_SERIAL_SET_BREAK, &val),
                    ==, 0);
    /* a pty has no modem lines: the error is passed on, not invented */
    val = -1;
    g_assert_cmpint(qemu_chr_ioctl(chr, CHR_IOCTL_SERIAL_GET_TIOCM, &val),
                    <, 0);
    val = CHR_TIOCM_DTR | CHR_TIOCM_RTS;
    g_assert_cmpint(qemu_chr_ioctl(chr, CHR_IOCTL_SERIAL_SET_TIOCM, &val),
                    <, 0);
    g_assert_cmpint(qemu_chr_ioctl(chr, CHR_IOCTL_PP_READ_DATA, &val), ==,
                    -ENOTSUP);

    qemu_chr_close(chr);
    g_assert_cmpint(test_fd_of(p.name), ==, -1);
    close(p.master);
    g_free(opts);
}

static void test_tty_data(void)
{
    TestPty p;
    char *opts;
    CharDriverState *chr;
    TestFrontend fe;
    char buf[8];
    struct termios before, after;

    test_pty_open(&p);
    g_assert_cmpint(tcgetattr(p.slave, &before), ==, 0);
    opts = g_strdup_printf("tty,id=ser,path=%s", p.name);
    chr = test_chr_new(opts);
    g_assert(chr);
    test_fe_attach(&fe, chr);

    g_assert(test_write_full(p.master, "abc\n", 4, 1000));
    g_assert(test_fe_wait_input(&fe, 4, 2000));
    /* raw: no CR/NL translation on input */
    g_assert(memcmp(fe.input->data, "abc\n", 4) == 0);
    qemu_chr_write(chr, (const uint8_t *)"xyz", 3);
    g_assert(test_pump_read(p.master, buf, 3, 2000));
    g_assert(memcmp(buf, "xyz", 3) == 0);

    test_fe_detach(&fe);
    qemu_chr_close(chr);
    /* line settings as found */
    g_assert_cmpint(tcgetattr(p.slave, &after), ==, 0);
    g_assert_cmpint(after.c_lflag, ==, before.c_lflag);
    g_assert_cmpint(after.c_cflag, ==, before.c_cflag);
    g_assert_cmpint(after.c_iflag, ==, before.c_iflag);
    test_pty_close(&p);
    g_free(opts);
}

/*
 * A tty backend on something that is no terminal (/dev/null) opens as in
 * v0.15.0: output is written, and the serial ioctls fail with ENOTTY
 * instead of acting on it.
 */
static void test_tty_not_a_terminal(void)
{
    CharDriverState *chr = test_chr_new("tty,id=tnul,path=/dev/null");
    QEMUSerialSetParams ssp = { .speed = 9600, .parity = 'E',
                                .data_bits = 7, .stop_bits = 2 };
    uint8_t buf[4096];
    TestFrontend fe;
    int arg;

    g_assert(chr);
    test_fe_attach(&fe, chr);
    memset(buf, 't', sizeof(buf));
    g_assert_cmpint(qemu_chr_write(chr, buf, sizeof(buf)), ==, sizeof(buf));
    g_assert_cmpint(qemu_chr_write_nb(chr, buf, sizeof(buf)), ==,
                    sizeof(buf));
    g_assert_cmpint(qemu_chr_ioctl(chr, CHR_IOCTL_SERIAL_SET_PARAMS, &ssp),
                    ==, -ENOTTY);
    arg = 1;
    g_assert_cmpint(qemu_chr_ioctl(chr, CHR_IOCTL_SERIAL_SET_BREAK, &arg),
                    ==, -ENOTTY);
    arg = 0;
    g_assert_cmpint(qemu_chr_ioctl(chr, CHR_IOCTL_SERIAL_SET_BREAK, &arg),
                    ==, -ENOTTY);
    arg = -1;
    g_assert_cmpint(qemu_chr_ioctl(chr, CHR_IOCTL_SERIAL_GET_TIOCM, &arg),
                    ==, -ENOTTY);
    arg = CHR_TIOCM_DTR | CHR_TIOCM_RTS;
    g_assert_cmpint(qemu_chr_ioctl(chr, CHR_IOCTL_SERIAL_SET_TIOCM, &arg),
                    ==, -ENOTTY);
    g_assert_cmpint(qemu_chr_ioctl(chr, CHR_IOCTL_PP_READ_DATA, &arg), ==,
                    -ENOTSUP);
    support_run_for(20);
    g_assert_cmpint(fe.input->len, ==, 0);
    /* still writable after the loop saw the empty read side */
    g_assert_cmpint(qemu_chr_write(chr, buf, 10), ==, 10);
    g_assert_cmpuint(qemu_chr_queued_bytes(chr), ==, 0);
    g_assert_cmpuint(qemu_chr_dropped_bytes(chr), ==, 0);
    test_fe_detach(&fe);
    qemu_chr_close(chr);
}

static void test_tty_errors(void)
{
    int fds = support_count_open_fds();
    char *err;

    err = test_chr_open_error("tty,id=t1");
    g_assert_cmpstr(err, ==, "chardev \"t1\": backend \"tty\": path: missing "
                    "(tty needs path=<device>)");
    g_free(err);
    err = test_chr_open_error("tty,id=t2,path=/dev/nonexistent-tty");
    g_assert_cmpstr(err, ==, "chardev \"t2\": backend \"tty\": path: cannot "
                    "open \"/dev/nonexistent-tty\": No such file or "
                    "directory");
    g_free(err);
    g_assert_cmpint(support_count_open_fds(), ==, fds);
}

/* ---- parport ---- */

static void test_parport_errors(void)
{
    int fds = support_count_open_fds();
    char *err;

    /* a device that is not a ppdev port: PPCLAIM fails, nothing leaks */
    err = test_chr_open_error("parport,id=pp1,path=/dev/null");
    g_assert_cmpstr(err, ==, "chardev \"pp1\": backend \"parport\": path: "
                    "cannot claim parallel port \"/dev/null\" (is it a "
                    "ppdev device?): Inappropriate ioctl for device");
    g_free(err);
    g_assert_cmpint(support_count_open_fds(), ==, fds);

    err = test_chr_open_error("parport,id=pp2,path=/dev/nonexistent-pp");
    g_assert_cmpstr(err, ==, "chardev \"pp2\": backend \"parport\": path: "
                    "cannot open \"/dev/nonexistent-pp\": No such file or "
                    "directory");
    g_free(err);
    err = test_chr_open_error("parport,id=pp3");
    g_assert_cmpstr(err, ==, "chardev \"pp3\": backend \"parport\": path: "
                    "missing (parport needs path=/dev/parportN)");
    g_free(err);
    g_assert(qemu_chr_find("pp1") == NULL);
    g_assert_cmpint(support_count_open_fds(), ==, fds);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/char/stdio/raw-echo-restore", test_stdio_basic);
    g_test_add_func("/char/stdio/signal", test_stdio_signal);
    g_test_add_func("/char/stdio/only-one", test_stdio_only_one);
    g_test_add_func("/char/stdio/restore-at-exit",
                    test_stdio_restore_at_exit);
    g_test_add_func("/char/stdio/keeps-nonblock", test_stdio_keeps_flags);
    g_test_add_func("/char/stdio/not-a-terminal", test_stdio_not_a_tty);
    g_test_add_func("/char/pty/announce", test_pty_announce);
    g_test_add_func("/char/pty/buffer-before-client",
                    test_pty_buffer_before_client);
    g_test_add_func("/char/pty/buffer-limit", test_pty_buffer_limit);
    g_test_add_func("/char/pty/reconnect", test_pty_reconnect);
    g_test_add_func("/char/pty/two-clients", test_pty_two_clients);
    g_test_add_func("/char/tty/params", test_tty_params);
    g_test_add_func("/char/tty/data", test_tty_data);
    g_test_add_func("/char/tty/errors", test_tty_errors);
    g_test_add_func("/char/tty/not-a-terminal", test_tty_not_a_terminal);
    g_test_add_func("/char/parport/errors", test_parport_errors);

    /* test_run_fd_checked() fails the run if an fd is left open */
    return test_run_fd_checked();
}
