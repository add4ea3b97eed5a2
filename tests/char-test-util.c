/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test helpers: a recording chardev frontend and small chardev utilities. */
#include <glib.h>
#include "char-test-util.h"
#include "module.h"
#include "qdev.h"
#include "qemu-config.h"
#include "qemu-error.h"
#include "qemu-objects.h"
#include "support-test.h"
#include "support-virtio.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

static char *tmpdir;

static int test_fe_can_read(void *opaque)
{
    TestFrontend *fe = opaque;

    return fe->can_read < 0 ? 65536 : fe->can_read;
}

static void test_fe_read(void *opaque, const uint8_t *buf, int size)
{
    TestFrontend *fe = opaque;

    g_assert_cmpint(size, >, 0);
    if (fe->can_read >= 0) {
        g_assert_cmpint(size, <=, fe->can_read);
    }
    g_byte_array_append(fe->input, buf, size);
    fe->reads++;
}

static void test_fe_event(void *opaque, int event)
{
    TestFrontend *fe = opaque;

    if (fe->nr_events < TEST_MAX_EVENTS) {
        fe->events[fe->nr_events++] = event;
    }
}

void test_fe_attach(TestFrontend *fe, CharDriverState *chr)
{
    memset(fe, 0, sizeof(*fe));
    fe->chr = chr;
    fe->input = g_byte_array_new();
    fe->can_read = -1;
    qemu_chr_add_handlers(chr, test_fe_can_read, test_fe_read,
                          test_fe_event, fe);
}

void test_fe_detach(TestFrontend *fe)
{
    if (fe->chr) {
        qemu_chr_add_handlers(fe->chr, NULL, NULL, NULL, NULL);
        fe->chr = NULL;
    }
    if (fe->input) {
        g_byte_array_free(fe->input, TRUE);
        fe->input = NULL;
    }
}

int test_fe_count_events(const TestFrontend *fe, int event)
{
    int i, n = 0;

    for (i = 0; i < fe->nr_events; i++) {
        n += fe->events[i] == event;
    }
    return n;
}

typedef struct {
    TestFrontend *fe;
    size_t len;
    int event, count;
} WaitArgs;

static bool have_input(void *opaque)
{
    WaitArgs *w = opaque;

    return w->fe->input->len >= w->len;
}

static bool have_event(void *opaque)
{
    WaitArgs *w = opaque;

    return test_fe_count_events(w->fe, w->event) >= w->count;
}

bool test_fe_wait_input(TestFrontend *fe, size_t len, int timeout_ms)
{
    WaitArgs w = { .fe = fe, .len = len };

    return support_run_until(have_input, &w, timeout_ms);
}

bool test_fe_wait_events(TestFrontend *fe, int event, int count,
                         int timeout_ms)
{
    WaitArgs w = { .fe = fe, .event = event, .count = count };

    return support_run_until(have_event, &w, timeout_ms);
}

bool test_fe_wait_event(TestFrontend *fe, int event, int timeout_ms)
{
    return test_fe_wait_events(fe, event, 1, timeout_ms);
}

static int count_fe_can_read(void *opaque)
{
    return ((TestCountFe *)opaque)->can_read;
}

static void count_fe_read(void *opaque, const uint8_t *buf, int size)
{
    TestCountFe *fe = opaque;

    if (size <= 0 || size > fe->can_read) {
        abort();
    }
    fe->got += size;
}

static void count_fe_event(void *opaque, int event)
{
    TestCountFe *fe = opaque;

    if (event >= 0 && event < TEST_NR_EVENT_KINDS) {
        fe->events[event]++;
    }
}

void test_count_fe_attach(TestCountFe *fe, CharDriverState *chr)
{
    qemu_chr_add_handlers(chr, count_fe_can_read, count_fe_read,
                          count_fe_event, fe);
}

static bool chr_drained(void *opaque)
{
    return qemu_chr_queued_bytes(opaque) == 0;
}

bool test_chr_wait_drained(CharDriverState *chr, int timeout_ms)
{
    return support_run_until(chr_drained, chr, timeout_ms);
}

void test_fe_close_chr(TestFrontend *fe)
{
    CharDriverState *chr = fe->chr;

    test_fe_detach(fe);
    qemu_chr_close(chr);
}

CharDriverState *test_chr_new(const char *optstr)
{
    QemuOpts *opts;
    CharDriverState *chr;

    opts = qemu_opts_parse(qemu_find_opts("chardev"), optstr, 1);
    if (!opts) {
        return NULL;
    }
    chr = qemu_chr_open_opts(opts, NULL);
    qemu_opts_del(opts);
    return chr;
}

CharDriverState *test_unix_server_new(const char *dir, const char *id,
                                      char **path)
{
    char *opts;
    CharDriverState *chr;

    *path = g_strdup_printf("%s/%s.sock", dir, id);
    opts = g_strdup_printf("socket,id=%s,path=%s,server,nowait", id, *path);
    chr = test_chr_new(opts);
    g_assert(chr);
    g_free(opts);
    return chr;
}

char *test_chr_open_error(const char *optstr)
{
    CharDriverState *chr;

    support_error_clear();
    support_error_quiet(true);
    chr = test_chr_new(optstr);
    support_error_quiet(false);
    g_assert(chr == NULL);
    g_assert_cmpint(support_error_count(), ==, 1);
    return g_strdup(support_error_last());
}

void test_assert_open_error(const char *optstr, const char *error,
                            bool prefix)
{
    int fds = support_count_open_fds();
    char *err = test_chr_open_error(optstr);
    const char *id = strstr(optstr, "id=");
    bool ok = prefix ? g_str_has_prefix(err, error) : !strcmp(err, error);

    if (!ok) {
        g_test_message("\"%s\"\ngot  %s\nwant %s%s", optstr, err, error,
                       prefix ? "..." : "");
    }
    g_assert(ok);
    if (id && (id == optstr || id[-1] == ',')) {
        char *name = g_strndup(id + 3, strcspn(id + 3, ","));

        g_assert(qemu_chr_find(name) == NULL);
        g_free(name);
    }
    g_assert_cmpint(support_count_open_fds(), ==, fds);
    g_free(err);
}

static void open_error_row(gconstpointer data)
{
    const TestOpenError *row = data;

    test_assert_open_error(row->opts, row->error, row->prefix);
}

void test_add_open_errors(const TestOpenError *rows, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        g_test_add_data_func(rows[i].path, &rows[i], open_error_row);
    }
}

char *test_subst(const char *s, ...)
{
    char *out = g_strdup(s);
    const char *token;
    va_list ap;

    va_start(ap, s);
    while ((token = va_arg(ap, const char *))) {
        const char *value = va_arg(ap, const char *);
        char **parts = g_strsplit(out, token, -1);

        g_free(out);
        out = g_strjoinv(value, parts);
        g_strfreev(parts);
    }
    va_end(ap);
    return out;
}

bool test_chr_info_frontend_open(const char *label)
{
    QObject *data;
    QListEntry *e;
    bool found = false, open = false;

    qemu_chr_info(NULL, &data);
    QLIST_FOREACH_ENTRY(qobject_to_qlist(data), e) {
        QDict *d = qobject_to_qdict(qlist_entry_obj(e));

        if (strcmp(qdict_get_str(d, "label"), label) == 0) {
            found = true;
            open = qdict_get_bool(d, "frontend-open");
        }
    }
    qobject_decref(data);
    g_assert(found);
    return open;
}

static bool wait_fd(int fd, short events, int timeout_ms)
{
    struct pollfd pfd = { .fd = fd, .events = events };

    return poll(&pfd, 1, timeout_ms) > 0;
}

/* All of @len bytes through @fd, one way, within the timeout. */
static bool io_full(int fd, uint8_t *p, size_t len, int timeout_ms,
                    bool out)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000LL;

    while (len > 0) {
        ssize_t n;
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;

        if (left <= 0 || !wait_fd(fd, out ? POLLOUT : POLLIN, left)) {
            return false;
        }
        n = out ? write(fd, p, len) : read(fd, p, len);
        if (n == 0 && !out) {
            return false;
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            return false;
        }
        p += n;
        len -= n;
    }
    return true;
}

bool test_read_full(int fd, void *buf, size_t len, int timeout_ms)
{
    return io_full(fd, buf, len, timeout_ms, false);
}

bool test_write_full(int fd, const void *buf, size_t len, int timeout_ms)
{
    /* io_full() only reads from the buffer when it writes */
    return io_full(fd, (uint8_t *)buf, len, timeout_ms, true);
}

void test_fill_pattern(uint8_t *buf, size_t len, unsigned int seed)
{
    uint32_t x = seed * 2654435761u + 1;
    size_t i;

    for (i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = x;
    }
}

static char *fd_target(int fd)
{
    char *link = g_strdup_printf("/proc/self/fd/%d", fd);
    char *target = g_file_read_link(link, NULL);

    g_free(link);
    return target ? target : g_strdup("?");
}

void test_fd_foreach(void (*fn)(int fd, const char *target, void *opaque),
                     void *opaque)
{
    GDir *dir = g_dir_open("/proc/self/fd", 0, NULL);
    GArray *fds = g_array_new(FALSE, FALSE, sizeof(int));
    const char *name;
    guint i;

    g_assert(dir);
    while ((name = g_dir_read_name(dir))) {
        int fd = atoi(name);

        g_array_append_val(fds, fd);
    }
    g_dir_close(dir);
    /* the directory's own fd is closed by now and skipped */
    for (i = 0; i < fds->len; i++) {
        int fd = g_array_index(fds, int, i);

        if (fcntl(fd, F_GETFD) >= 0) {
            char *target = fd_target(fd);

            fn(fd, target, opaque);
            g_free(target);
        }
    }
    g_array_free(fds, TRUE);
}

static void snapshot_add(int fd, const char *target, void *opaque)
{
    g_hash_table_add(opaque, GINT_TO_POINTER(fd));
}

GHashTable *test_fd_snapshot(void)
{
    GHashTable *fds = g_hash_table_new(g_direct_hash, g_direct_equal);

    test_fd_foreach(snapshot_add, fds);
    return fds;
}

typedef struct FdFind {
    const char *target;
    int fd;
} FdFind;

static void fd_find(int fd, const char *target, void *opaque)
{
    FdFind *f = opaque;

    if (strcmp(target, f->target) == 0) {
        f->fd = fd;
    }
}

int test_fd_of(const char *target)
{
    FdFind f = { .target = target, .fd = -1 };

    test_fd_foreach(fd_find, &f);
    return f.fd;
}

typedef struct NewFds {
    GHashTable *before;
    bool cloexec;           /* check the flag, rather than count and list */
    int count;
} NewFds;

static void new_fd(int fd, const char *target, void *opaque)
{
    NewFds *n = opaque;

    if (g_hash_table_contains(n->before, GINT_TO_POINTER(fd))) {
        return;
    }
    if (n->cloexec) {
        if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC)) {
            g_error("fd %d (%s) is not close-on-exec", fd, target);
        }
        return;
    }
    fprintf(stderr, "fd leak: fd %d (%s) is still open\n", fd, target);
    n->count++;
}

void test_assert_new_fds_cloexec(GHashTable *before)
{
    NewFds n = { .before = before, .cloexec = true };

    test_fd_foreach(new_fd, &n);
}

int test_report_new_fds(GHashTable *before)
{
    NewFds n = { .before = before };

    test_fd_foreach(new_fd, &n);
    return n.count;
}

int test_run_fd_checked(void)
{
    GHashTable *before;
    int ret, leaked;

    /* the main loop opens its own fds on first use */
    support_run_for(1);
    /*
     * So does GLib's worker context, the first time a child is watched
     * (g_test_trap_subprocess() does): a process-wide singleton, not a
     * leak, so bring it up before the first look.
     */
    g_source_unref(g_child_watch_source_new(getpid()));
    before = test_fd_snapshot();
    ret = g_test_run();
    test_tmpdir_remove();
    support_run_for(1);
    leaked = test_report_new_fds(before);
    g_hash_table_unref(before);
    return leaked ? 1 : ret;
}

int test_free_tcp_port(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int port;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&a, sizeof(a)), ==, 0);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&a, &len), ==, 0);
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

/* @host:@port resolved for a stream socket (freeaddrinfo() it) */
static struct addrinfo *tcp_addr(const char *host, int port)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
    char serv[16];

    snprintf(serv, sizeof(serv), "%d", port);
    g_assert_cmpint(getaddrinfo(host, serv, &hints, &res), ==, 0);
    return res;
}

/* A unix stream socket (CLOEXEC) and the address of @path in @un */
static int unix_socket(const char *path, struct sockaddr_un *un)
{
    memset(un, 0, sizeof(*un));
    un->sun_family = AF_UNIX;
    g_strlcpy(un->sun_path, path, sizeof(un->sun_path));
    return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

int test_tcp_connect(const char *host, int port)
{
    struct addrinfo *res = tcp_addr(host, port);
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int test_unix_connect(const char *path)
{
    struct sockaddr_un un;
    int fd = unix_socket(path, &un);

    if (connect(fd, (struct sockaddr *)&un, sizeof(un)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

typedef struct PumpArgs {
    int fd;
    uint8_t *buf;
    size_t want, got;
} PumpArgs;

static bool pump_some(void *opaque)
{
    PumpArgs *r = opaque;
    struct pollfd pfd = { .fd = r->fd, .events = POLLIN };

    while (r->got < r->want && poll(&pfd, 1, 0) == 1 &&
           (pfd.revents & POLLIN)) {
        ssize_t n = read(r->fd, r->buf + r->got, r->want - r->got);

        if (n <= 0) {
            break;
        }
        r->got += n;
    }
    return r->got >= r->want;
}

size_t test_pump_some(int fd, void *buf, size_t len, int ms)
{
    PumpArgs r = { .fd = fd, .buf = buf, .want = len };

    support_run_until(pump_some, &r, ms);
    return r.got;
}

bool test_pump_read(int fd, void *buf, size_t len, int timeout_ms)
{
    PumpArgs r = { .fd = fd, .buf = buf, .want = len };
    gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000LL;

    /* short loop runs: the fd is not part of the loop */
    while (!support_run_until(pump_some, &r, 20)) {
        if (g_get_monotonic_time() > deadline) {
            return false;
        }
    }
    return true;
}

int test_tcp_listen(const char *host, int port)
{
    struct addrinfo *res = tcp_addr(host, port);
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int on = 1;

    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    g_assert_cmpint(bind(fd, res->ai_addr, res->ai_addrlen), ==, 0);
    g_assert_cmpint(listen(fd, 4), ==, 0);
    freeaddrinfo(res);
    return fd;
}

int test_unix_listen(const char *path)
{
    struct sockaddr_un un;
    int fd = unix_socket(path, &un);

    unlink(path);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&un, sizeof(un)), ==, 0);
    g_assert_cmpint(listen(fd, 4), ==, 0);
    return fd;
}

bool test_fd_readable(int fd, int timeout_ms)
{
    return wait_fd(fd, POLLIN, timeout_ms);
}

int test_accept(int lfd, int timeout_ms)
{
    if (!test_fd_readable(lfd, timeout_ms)) {
        return -1;
    }
    return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

static bool fd_readable_now(void *opaque)
{
    return wait_fd(*(int *)opaque, POLLIN, 0);
}

int test_accept_looping(int lfd, int timeout_ms)
{
    if (!support_run_until(fd_readable_now, &lfd, timeout_ms)) {
        return -1;
    }
    return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

void test_socketpair(int sv[2])
{
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
                    ==, 0);
}

void test_pty_open(TestPty *p)
{
    g_assert_cmpint(openpty(&p->master, &p->slave, p->name, NULL, NULL),
                    ==, 0);
    qemu_set_cloexec(p->master);
    qemu_set_cloexec(p->slave);
}

void test_pty_close(TestPty *p)
{
    close(p->master);
    close(p->slave);
}

void test_child_spawn(TestChild *c, const char *const *argv)
{
    GError *err = NULL;
    gboolean ok;

    ok = g_spawn_async_with_pipes(NULL, (gchar **)argv, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD |
                                  G_SPAWN_SEARCH_PATH |
                                  G_SPAWN_STDERR_TO_DEV_NULL,
                                  NULL, NULL, &c->pid, &c->in, &c->out,
                                  NULL, &err);
    g_assert_no_error(err);
    g_assert(ok);
}

void test_child_finish(TestChild *c)
{
    int status;

    if (c->in >= 0) {
        close(c->in);
    }
    if (c->out >= 0) {
        close(c->out);
    }
    kill(c->pid, SIGTERM);
    waitpid(c->pid, &status, 0);
    g_spawn_close_pid(c->pid);
}

const char *test_tmpdir(void)
{
    if (!tmpdir) {
        tmpdir = support_make_tmpdir();
        g_assert(tmpdir);
    }
    return tmpdir;
}

char *test_tmp_path(const char *name)
{
    return g_strdup_printf("%s/%s", test_tmpdir(), name);
}

void test_tmpdir_remove(void)
{
    if (tmpdir) {
        support_rm_tmpdir(tmpdir);
        g_free(tmpdir);
        tmpdir = NULL;
    }
}

void test_fifos_new(TestFifos *f, const char *name)
{
    f->base = test_tmp_path(name);
    f->in = g_strdup_printf("%s.in", f->base);
    f->out = g_strdup_printf("%s.out", f->base);
    g_assert_cmpint(mkfifo(f->in, 0600), ==, 0);
    g_assert_cmpint(mkfifo(f->out, 0600), ==, 0);
}

void test_fifos_free(TestFifos *f)
{
    unlink(f->in);
    unlink(f->out);
    g_free(f->in);
    g_free(f->out);
    g_free(f->base);
}

CharDriverState *test_pipe_chr_new(TestFifos *f, const char *id)
{
    CharDriverState *chr;
    char *opts;

    test_fifos_new(f, id);
    opts = g_strdup_printf("pipe,id=%s,path=%s", id, f->base);
    chr = test_chr_new(opts);
    g_assert(chr);
    g_free(opts);
    return chr;
}

void test_machine_init(size_t ram_size)
{
    module_call_init(MODULE_INIT_DEVICE);
    qdev_machine_creation_done();
    support_guest_ram_init(ram_size);
}
