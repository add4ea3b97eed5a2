/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every fd the chardev backends open is close-on-exec, and closing them leaves none behind. */
#include <glib.h>
#include "qemu-common.h"
#include "char-test-util.h"
#include "qemu-char.h"
#include "qemu-error.h"
#include "support-test.h"

#include <pty.h>
#include <sys/socket.h>
#include <sys/stat.h>

static char *tmpdir;

/* Open one chardev of every kind that owns fds, with its peers connected. */
static void test_all_backends_cloexec(void)
{
    GHashTable *before;
    GPtrArray *chrs = g_ptr_array_new();
    char *opt, *fifo;
    int master, slave, peers[4], npeers = 0, i;
    TestFrontend fe;
    char slave_name[64];
    guint j;

    g_assert_cmpint(openpty(&master, &slave, slave_name, NULL, NULL), ==, 0);
    qemu_set_cloexec(master);
    qemu_set_cloexec(slave);
    fifo = g_strdup_printf("%s/fifo", tmpdir);
    g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
    before = test_fd_snapshot();

    support_error_quiet(true);
    opt = g_strdup_printf("file,id=f,path=%s/file", tmpdir);
    g_ptr_array_add(chrs, test_chr_new(opt));
    g_free(opt);
    opt = g_strdup_printf("pipe,id=p,path=%s", fifo);
    g_ptr_array_add(chrs, test_chr_new(opt));
    g_free(opt);
    g_ptr_array_add(chrs, test_chr_new("pty,id=pt"));
    opt = g_strdup_printf("tty,id=t,path=%s", slave_name);
    g_ptr_array_add(chrs, test_chr_new(opt));
    g_free(opt);
    opt = g_strdup_printf("socket,id=us,path=%s/s,server,nowait", tmpdir);
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
    opt = g_strdup_printf("%s/s", tmpdir);
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
        memcpy(CMSG_DATA(c), &slave, sizeof(int));
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
    {
        /* everything the chardevs opened is gone again */
        GHashTable *after = test_fd_snapshot();
        GHashTableIter it;
        gpointer key;

        g_hash_table_iter_init(&it, after);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            if (fcntl(GPOINTER_TO_INT(key), F_GETFD) >= 0) {
                g_assert(g_hash_table_contains(before, key));
            }
        }
        g_hash_table_unref(after);
    }
    g_hash_table_unref(before);
    g_ptr_array_free(chrs, TRUE);
    close(master);
    close(slave);
    unlink(fifo);
    g_free(fifo);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = support_make_tmpdir();
    g_test_add_func("/char/fds/all-backends-cloexec",
                    test_all_backends_cloexec);
    ret = test_run_fd_checked();
    support_rm_tmpdir(tmpdir);
    g_free(tmpdir);
    return ret;
}
