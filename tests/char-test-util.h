/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test helpers: a recording chardev frontend and small chardev utilities. */
#ifndef CHAR_TEST_UTIL_H
#define CHAR_TEST_UTIL_H

#include <glib.h>
#include "qemu-common.h"
#include "qemu-char.h"

#define TEST_MAX_EVENTS 64

/*
 * A frontend that records what a backend delivers: input bytes and events.
 * @can_read bounds how much it accepts per call (-1: unlimited, 0: none).
 */
typedef struct TestFrontend {
    CharDriverState *chr;
    GByteArray *input;
    int events[TEST_MAX_EVENTS];
    int nr_events;
    int can_read;
    int reads;                  /* number of chr_read calls */
} TestFrontend;

void test_fe_attach(TestFrontend *fe, CharDriverState *chr);
void test_fe_detach(TestFrontend *fe);
int test_fe_count_events(const TestFrontend *fe, int event);
/* run the main loop until @fe holds at least @len input bytes */
bool test_fe_wait_input(TestFrontend *fe, size_t len, int timeout_ms);
bool test_fe_wait_event(TestFrontend *fe, int event, int timeout_ms);
/* ... until @fe has seen @event at least @count times in all */
bool test_fe_wait_events(TestFrontend *fe, int event, int count,
                         int timeout_ms);

/* run the main loop until @chr has nothing queued for output */
bool test_chr_wait_drained(CharDriverState *chr, int timeout_ms);
/* detach @fe, then close the chardev it was attached to */
void test_fe_close_chr(TestFrontend *fe);

/*
 * A frontend that only counts, for the fuzz targets: the bytes it is
 * given (more than @can_read in one call aborts) and its events by kind.
 */
#define TEST_NR_EVENT_KINDS 8

typedef struct TestCountFe {
    int can_read;
    size_t got;
    int events[TEST_NR_EVENT_KINDS];
} TestCountFe;

void test_count_fe_attach(TestCountFe *fe, CharDriverState *chr);

/* -chardev option string -> chardev (NULL on failure, error recorded) */
CharDriverState *test_chr_new(const char *optstr);
/* "socket,id=<id>,path=<dir>/<id>.sock,server,nowait"; sets *path */
CharDriverState *test_unix_server_new(const char *dir, const char *id,
                                      char **path);
/* the error_report text of a failing -chardev option string */
char *test_chr_open_error(const char *optstr);
/*
 * One row of a table of failing -chardev option strings.  Each row is a
 * test of its own (test_add_open_errors()): the open fails with exactly
 * one error line, @error (or a line starting with it when @prefix is set,
 * for texts that end in a resolver's or the system's words), registers
 * nothing under its id and leaves no fd open.
 */
typedef struct TestOpenError {
    const char *path;       /* GTest path */
    const char *opts;
    const char *error;
    bool prefix;
} TestOpenError;

void test_assert_open_error(const char *optstr, const char *error,
                            bool prefix);
void test_add_open_errors(const TestOpenError *rows, size_t n);
/* @s with every "token", "value" pair of the NULL-ended list replaced */
char *test_subst(const char *s, ...) G_GNUC_NULL_TERMINATED;
/* "frontend-open" of the chardev @label in query-chardev (it must exist) */
bool test_chr_info_frontend_open(const char *label);

/* read exactly @len bytes from a blocking/nonblocking fd within a timeout */
bool test_read_full(int fd, void *buf, size_t len, int timeout_ms);
bool test_write_full(int fd, const void *buf, size_t len, int timeout_ms);
/*
 * g_test_run() between two looks at /proc/self/fd: the run fails (exit
 * status 1, with the fds listed) if it leaves any fd open that was not
 * open before.  Use it instead of g_test_run() in every test program.
 */
int test_run_fd_checked(void);
/* print the fds opened since @before (a snapshot) and not closed; count */
int test_report_new_fds(GHashTable *before);
/* every fd opened since @before (a snapshot) is close-on-exec */
GHashTable *test_fd_snapshot(void);
void test_assert_new_fds_cloexec(GHashTable *before);

/*
 * Read from @fd (not watched by the main loop) while running the main loop,
 * which may have to produce the bytes first: test_pump_read() wants exactly
 * @len bytes within the timeout, test_pump_some() returns what arrived
 * (at most @len) once it has all of it or @ms passed.
 */
bool test_pump_read(int fd, void *buf, size_t len, int timeout_ms);
size_t test_pump_some(int fd, void *buf, size_t len, int ms);

/* a loopback TCP port that was free a moment ago */
int test_free_tcp_port(void);
/* connected stream sockets (CLOEXEC), or -1 if nobody listens */
int test_tcp_connect(const char *host, int port);
int test_unix_connect(const char *path);

/* listening stream sockets (CLOEXEC) for a chardev client to reach */
int test_tcp_listen(const char *host, int port);
int test_unix_listen(const char *path);
/* accept a connection that comes within @timeout_ms (-1 if none does) */
int test_accept(int lfd, int timeout_ms);
/* the same while the main loop runs, for a chardev that connects from it */
int test_accept_looping(int lfd, int timeout_ms);
/* a connected pair of unix stream sockets (CLOEXEC) */
void test_socketpair(int sv[2]);
/* @fd becomes readable within @timeout_ms (end of file counts) */
bool test_fd_readable(int fd, int timeout_ms);

/* A pseudo-terminal; both ends CLOEXEC, @name the slave's path. */
typedef struct TestPty {
    int master;
    int slave;
    char name[64];
} TestPty;

void test_pty_open(TestPty *p);
void test_pty_close(TestPty *p);

/*
 * A program run with its stdin and stdout on pipes (socat as a peer);
 * stderr goes to /dev/null.  test_child_finish() closes the pipes still
 * open (-1: already closed), then terminates and reaps the child.
 */
typedef struct TestChild {
    GPid pid;
    int in, out;            /* its stdin (we write), its stdout (we read) */
} TestChild;

void test_child_spawn(TestChild *c, const char *const *argv);
void test_child_finish(TestChild *c);

/*
 * The fifos of a pipe chardev, made in the test directory: @in (the
 * chardev reads it) is <base>.in, @out (it writes there) <base>.out, and
 * @base is what path= names.  test_fifos_free() removes and frees them.
 */
typedef struct TestFifos {
    char *base, *in, *out;
} TestFifos;

void test_fifos_new(TestFifos *f, const char *name);
void test_fifos_free(TestFifos *f);
/* test_fifos_new(@f, @id) and the chardev "pipe,id=<id>,path=<base>" */
CharDriverState *test_pipe_chr_new(TestFifos *f, const char *id);

/*
 * A private temporary directory for the whole program, made on first use
 * and removed with its contents by test_run_fd_checked() (or by
 * test_tmpdir_remove(), for a process that ends otherwise).
 */
const char *test_tmpdir(void);
/* "<test_tmpdir()>/<name>", to be freed */
char *test_tmp_path(const char *name);
void test_tmpdir_remove(void);

/* Call @fn for every fd open in this process, with its /proc link target. */
void test_fd_foreach(void (*fn)(int fd, const char *target, void *opaque),
                     void *opaque);
/* the fd this process has open on @target (a path, "socket:[...]"), or -1 */
int test_fd_of(const char *target);

/*
 * The board as a test program's main() sets it up: devices registered,
 * machine creation done, and @ram_size bytes of guest RAM for virtio.
 */
void test_machine_init(size_t ram_size);

/* deterministic test pattern */
void test_fill_pattern(uint8_t *buf, size_t len, unsigned int seed);

#endif
