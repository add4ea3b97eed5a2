/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every fd the chardev backends open is close-on-exec, and closing them leaves none behind. */
#include <glib.h>
#include "qemu-common.h"
#include "char-test-util.h"
#include "qemu-char.h"
#include "qemu-error.h"
#include "support-test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

/* Open one chardev of every kind that owns fds, with its peers connected. */
static void test_all_backends_cloexec(void)
{
    GHashTable *before;
    GPtrArray *chrs = g_ptr_array_new();
    char *opt, *fifo;
    int peers[4], npeers = 0, i;
    TestFrontend fe;
    TestPty pty;
    guint j;

    test_pty_open(&pty);
    fifo = g_strdup_printf("%s/fifo", test_tmpdir());
    g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
    before = test_fd_snapshot();

    support_error_quiet(true);
    opt = g_strdup_printf("file,id=f,path=%s/file", test_tmpdir());
    g_ptr_array_add(chrs, test_chr_new(opt));
    g_free(opt);
    opt = g_strdup_printf("pipe,id=p,path=%s", fifo);
    g_ptr_array_add(chrs, test_chr_new(opt));
    g_free(opt);
    g_ptr_array_add(chrs, test_chr_new("pty,id=pt"));
    opt = g_strdup_printf("tty,id=t,path=%s", pty.name);
    g_ptr_array_add(chrs, test_chr_new(opt));
    g_free(opt);
    opt = g_strdup_printf("socket,id=us,path=%s/s,server,nowait", test_tmpdir());
    g_ptr_array_add(chrs, test_chr_new(opt));
    g_free(opt);
    g_ptr_array_add(chrs, test_chr_new("socket,id=ts,host=127.0.0.1,port=0,"
                                       "server,nowait,telnet"));
    g_ptr_array_add(chrs, test_chr_new("udp,id=u,host=127.0.0.1,port=9,"
                                       "localaddr=127.0.0.1,localport=0"));
    g_ptr_array_add(chrs, test_chr_new("null,id=m,mux=on"));
    support_error_quiet(false);
    for (j = 0; j < chrs->len; j++) {
        g_assert(g_ptr_array_index(chrs, j) != NULL);
    }

    /* clients for the servers, so that accepted sockets exist too */
    opt = g_strdup_printf("%s/s", test_tmpdir());
    peers[npeers++] = test_unix_connect(opt);
    g_free(opt);
    g_assert_cmpint(peers[0], >=, 0);
    /* the peer passes an fd: the one the chardev receives is new too */
    test_fe_attach(&fe, qemu_chr_find("us"));
    {
        char byte = 'x';
        struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
        union {
            struct cmsghdr hdr;
            char buf[CMSG_SPACE(sizeof(int))];
        } ctl;
        struct msghdr msg = {
            .msg_iov = &iov, .msg_iovlen = 1,
            .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
        };
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

        memset(&ctl, 0, sizeof(ctl));
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &pty.slave, sizeof(int));
        g_assert_cmpint(sendmsg(peers[0], &msg, 0), ==, 1);
    }
    g_assert(test_fe_wait_input(&fe, 1, 2000));
    for (i = 0; i < npeers; i++) {
        g_assert_cmpint(peers[i], >=, 0);
    }
    support_run_for(50);

    test_assert_new_fds_cloexec(before);
    {
        /* the passed fd was among them, and is handed out once */
        int fd = qemu_chr_get_msgfd(qemu_chr_find("us"));

        g_assert_cmpint(fd, >=, 0);
        g_assert(support_fd_is_cloexec(fd));
        g_assert_cmpint(qemu_chr_get_msgfd(qemu_chr_find("us")), ==, -1);
        close(fd);
    }

    test_fe_detach(&fe);
    for (j = 0; j < chrs->len; j++) {
        qemu_chr_close(g_ptr_array_index(chrs, j));
    }
    for (i = 0; i < npeers; i++) {
        close(peers[i]);
    }
    support_run_for(20);
    /* everything the chardevs opened is gone again */
    g_assert_cmpint(test_report_new_fds(before), ==, 0);
    g_hash_table_unref(before);
    g_ptr_array_free(chrs, TRUE);
    test_pty_close(&pty);
    unlink(fifo);
    g_free(fifo);
}

/* ---- fds the main loop could not watch ---- */

typedef struct LowFds {
    struct rlimit saved;
    GArray *held;
} LowFds;

/*
 * Take every free fd below FD_SETSIZE (the soft limit raised above it),
 * so that whatever opens next gets an fd of FD_SETSIZE or more.  False
 * (test skipped) if the hard limit does not allow it.
 */
static bool low_fds_take(LowFds *l)
{
    struct rlimit rl;
    int null_fd, fd;

    g_assert_cmpint(getrlimit(RLIMIT_NOFILE, &l->saved), ==, 0);
    rl = l->saved;
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur < FD_SETSIZE + 64) {
        rl.rlim_cur = FD_SETSIZE + 64;
    }
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur) {
        g_test_skip("RLIMIT_NOFILE hard limit below FD_SETSIZE + 64");
        return false;
    }
    g_assert_cmpint(setrlimit(RLIMIT_NOFILE, &rl), ==, 0);
    l->held = g_array_new(FALSE, FALSE, sizeof(int));
    null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    g_assert_cmpint(null_fd, >=, 0);
    g_array_append_val(l->held, null_fd);
    while ((fd = fcntl(null_fd, F_DUPFD_CLOEXEC, 0)) < FD_SETSIZE) {
        g_assert_cmpint(fd, >=, 0);
        g_array_append_val(l->held, fd);
    }
    close(fd);
    return true;
}

static void low_fds_give_back(LowFds *l)
{
    guint i;

    for (i = 0; i < l->held->len; i++) {
        close(g_array_index(l->held, int, i));
    }
    g_array_free(l->held, TRUE);
    g_assert_cmpint(setrlimit(RLIMIT_NOFILE, &l->saved), ==, 0);
}

/*
 * Every backend that needs an fd fails to open with one error line when
 * that fd would be FD_SETSIZE or more, and keeps nothing open.
 */
static void test_above_fd_setsize_open(void)
{
    char *unix_srv = g_strdup_printf("%s/fdset-srv", test_tmpdir());
    char *fifo = g_strdup_printf("%s/fdset-fifo", test_tmpdir());
    int listen_fd, tcp_listen_fd, tcp_port, i;
    TestPty pty;
    GPtrArray *opts = g_ptr_array_new_with_free_func(g_free);
    LowFds low;

    /* peers for the client sockets, and a terminal for tty */
    test_pty_open(&pty);
    listen_fd = test_unix_listen(unix_srv);
    tcp_port = test_free_tcp_port();
    tcp_listen_fd = test_tcp_listen("127.0.0.1", tcp_port);
    g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);

    g_ptr_array_add(opts, g_strdup_printf("file,id=f,path=%s/fdset-file",
                                          test_tmpdir()));
    g_ptr_array_add(opts, g_strdup_printf("pipe,id=p,path=%s", fifo));
    g_ptr_array_add(opts, g_strdup("pty,id=pt"));
    g_ptr_array_add(opts, g_strdup_printf("tty,id=t,path=%s", pty.name));
    g_ptr_array_add(opts, g_strdup_printf("socket,id=us,path=%s/fdset-us,"
                                          "server,nowait", test_tmpdir()));
    g_ptr_array_add(opts, g_strdup("socket,id=ts,host=127.0.0.1,port=0,"
                                   "server,nowait"));
    g_ptr_array_add(opts, g_strdup_printf("socket,id=uc,path=%s", unix_srv));
    g_ptr_array_add(opts, g_strdup_printf("socket,id=tc,host=127.0.0.1,"
                                          "port=%d", tcp_port));
    g_ptr_array_add(opts, g_strdup("udp,id=u,host=127.0.0.1,port=9,"
                                   "localaddr=127.0.0.1,localport=0"));

    if (!low_fds_take(&low)) {
        goto out;
    }
    for (i = 0; i < (int)opts->len; i++) {
        const char *opt = g_ptr_array_index(opts, i);
        int fds = support_count_open_fds();
        int handlers = support_fd_handler_count();
        char *err = test_chr_open_error(opt);
        char *id = g_strndup(opt + strcspn(opt, ",") + 4,
                             strcspn(opt + strcspn(opt, ",") + 4, ","));
        char *head = g_strdup_printf("chardev \"%s\": backend \"%.*s\": ", id,
                                     (int)strcspn(opt, ","), opt);

        g_test_message("%s -> %s", opt, err);
        g_assert(g_str_has_prefix(err, head));
        g_assert(strstr(err, "is not below FD_SETSIZE"));
        g_assert_null(strchr(err, '\n'));
        g_assert_cmpint(support_count_open_fds(), ==, fds);
        g_assert_cmpint(support_fd_handler_count(), ==, handlers);
        g_free(head);
        g_free(id);
        g_free(err);
    }
    low_fds_give_back(&low);

out:
    g_ptr_array_free(opts, TRUE);
    close(listen_fd);
    close(tcp_listen_fd);
    test_pty_close(&pty);
    unlink(unix_srv);
    unlink(fifo);
    g_free(unix_srv);
    g_free(fifo);
}

static bool error_reported(void *opaque)
{
    return support_error_count() > 0;
}

/*
 * A server whose accepted socket would be FD_SETSIZE or more turns the
 * client away (and says so), then takes the next client once fds are free.
 */
static void test_above_fd_setsize_accept(void)
{
    char *path;
    CharDriverState *chr = test_unix_server_new(test_tmpdir(), "fdset-acc", &path);
    TestFrontend fe;
    LowFds low;
    char byte;
    int client, fds;

    g_assert(chr);
    test_fe_attach(&fe, chr);
    if (!low_fds_take(&low)) {
        goto out;
    }
    fds = support_count_open_fds();
    support_error_clear();
    support_error_quiet(true);
    client = test_unix_connect(path);
    g_assert_cmpint(client, >=, FD_SETSIZE);
    /* refused: the client sees the end of the connection, nothing opens */
    g_assert(support_run_until(error_reported, NULL, 10000));
    g_assert_cmpint(support_error_count(), ==, 1);
    g_assert(support_error_seen("chardev \"fdset-acc\": backend \"socket\": "
                                "fd"));
    g_assert(support_error_seen("is not below FD_SETSIZE"));
    g_assert_cmpint(read(client, &byte, 1), ==, 0);
    support_error_quiet(false);
    g_assert_cmpint(test_fe_count_events(&fe, CHR_EVENT_OPENED), ==, 0);
    close(client);
    g_assert_cmpint(support_count_open_fds(), ==, fds);
    low_fds_give_back(&low);

    client = test_unix_connect(path);
    g_assert_cmpint(client, >=, 0);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, 10000));
    close(client);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_CLOSED, 10000));

out:
    test_fe_detach(&fe);
    qemu_chr_close(chr);
    g_free(path);
}

/*
 * pipe with path.in and path.out: when one of them would be FD_SETSIZE or
 * more, the open fails with that cause instead of taking the bare path,
 * which is another file.  One fd stays free below FD_SETSIZE, so the
 * bare path could be opened.
 */
static void test_above_fd_setsize_pipe_pair(void)
{
    char *base = g_strdup_printf("%s/fdset-pair", test_tmpdir());
    char *in = g_strdup_printf("%s.in", base);
    char *out = g_strdup_printf("%s.out", base);
    char *opt = g_strdup_printf("pipe,id=pair,path=%s", base);
    char *err;
    LowFds low;

    g_assert_cmpint(mkfifo(in, 0600), ==, 0);
    g_assert_cmpint(mkfifo(out, 0600), ==, 0);
    g_assert(g_file_set_contents(base, "another file", -1, NULL));
    if (low_fds_take(&low)) {
        close(g_array_index(low.held, int, low.held->len - 1));
        g_array_remove_index(low.held, low.held->len - 1);
        err = test_chr_open_error(opt);
        g_assert(g_str_has_prefix(err, "chardev \"pair\": backend \"pipe\": "));
        g_assert(strstr(err, "is not below FD_SETSIZE"));
        g_free(err);
        low_fds_give_back(&low);
    }
    unlink(in);
    unlink(out);
    unlink(base);
    g_free(opt);
    g_free(in);
    g_free(out);
    g_free(base);
}

/*
 * ivshmem hands qemu_chr_open_eventfd() fds that its peers passed: one
 * the main loop cannot watch is refused with one error line, and the fd
 * stays open for the caller.
 */
static void test_above_fd_setsize_eventfd(void)
{
    LowFds low;
    int efd;

    if (!low_fds_take(&low)) {
        return;
    }
    efd = eventfd(0, EFD_CLOEXEC);
    g_assert_cmpint(efd, >=, FD_SETSIZE);
    support_error_clear();
    support_error_quiet(true);
    g_assert(qemu_chr_open_eventfd(efd) == NULL);
    support_error_quiet(false);
    g_assert_cmpint(support_error_count(), ==, 1);
    g_assert(support_error_seen("\"eventfd\": fd"));
    g_assert(support_error_seen("is not below FD_SETSIZE"));
    g_assert_cmpint(fcntl(efd, F_GETFD), >=, 0);
    close(efd);
    low_fds_give_back(&low);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/char/fds/all-backends-cloexec",
                    test_all_backends_cloexec);
    g_test_add_func("/char/fds/above-fd-setsize/pipe-pair",
                    test_above_fd_setsize_pipe_pair);
    g_test_add_func("/char/fds/above-fd-setsize/eventfd",
                    test_above_fd_setsize_eventfd);
    g_test_add_func("/char/fds/above-fd-setsize/open",
                    test_above_fd_setsize_open);
    g_test_add_func("/char/fds/above-fd-setsize/accept",
                    test_above_fd_setsize_accept);
    return test_run_fd_checked();
}
