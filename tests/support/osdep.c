/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: allocation, close-on-exec fd helpers and I/O vectors. */

#include <glib.h>
#include "qemu-common.h"
#include <sys/eventfd.h>

void *qemu_oom_check(void *ptr)
{
    if (ptr == NULL) {
        fprintf(stderr, "Failed to allocate memory: %s\n", strerror(errno));
        abort();
    }
    return ptr;
}

/*
 * The g_malloc family aborts on failure.  g_malloc(0) returns NULL, so a
 * zero size is rounded up: v0.15.0 callers expect a unique non-NULL
 * pointer they can later qemu_free().
 */
void *qemu_malloc(size_t size)
{
    return g_malloc(size ? size : 1);
}

void *qemu_realloc(void *ptr, size_t size)
{
    return g_realloc(ptr, size ? size : 1);
}

void *qemu_mallocz(size_t size)
{
    return g_malloc0(size ? size : 1);
}

void qemu_free(void *ptr)
{
    g_free(ptr);
}

char *qemu_strdup(const char *str)
{
    return g_strdup(str);
}

/* Copies at most size bytes of str, stopping early at its NUL. */
char *qemu_strndup(const char *str, size_t size)
{
    return g_strndup(str, size);
}

void qemu_set_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);

    if (flags >= 0) {
        fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    }
}

/* open(2) that always sets close-on-exec. */
int qemu_open(const char *name, int flags, ...)
{
    mode_t mode = 0;

    if (flags & O_CREAT) {
        va_list ap;

        va_start(ap, flags);
        mode = va_arg(ap, int);
        va_end(ap);
    }
    return open(name, flags | O_CLOEXEC, mode);
}

/*
 * write(2) until everything is written or an error other than EINTR.
 * Returns the bytes written; errno is set if that is less than count.
 * Meant for blocking fds (EAGAIN also ends it).
 */
ssize_t qemu_write_full(int fd, const void *buf, size_t count)
{
    const char *p = buf;
    ssize_t total = 0;

    while (count > 0) {
        ssize_t n = write(fd, p, count);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        p += n;
        count -= n;
        total += n;
    }
    return total;
}

int qemu_pipe(int pipefd[2])
{
    return pipe2(pipefd, O_CLOEXEC);
}

/*
 * An eventfd that looks like a pipe: both ends are the same counter (two
 * descriptors, so each can be closed separately).  Falls back to a pipe.
 */
int qemu_eventfd(int fds[2])
{
    int efd = eventfd(0, EFD_CLOEXEC);

    if (efd < 0) {
        if (errno != ENOSYS) {
            return -1;
        }
        return qemu_pipe(fds);
    }
    fds[1] = fcntl(efd, F_DUPFD_CLOEXEC, 0);
    if (fds[1] < 0) {
        goto fail;
    }
    fds[0] = efd;
    return 0;

fail:
    close(efd);
    return -1;
}

void qemu_iovec_init(QEMUIOVector *qiov, int alloc_hint)
{
    qiov->iov = g_new(struct iovec, MAX(alloc_hint, 1));
    qiov->niov = 0;
    qiov->nalloc = MAX(alloc_hint, 1);
    qiov->size = 0;
}

void qemu_iovec_init_external(QEMUIOVector *qiov, struct iovec *iov, int niov)
{
    int i;

    qiov->iov = iov;
    qiov->niov = niov;
    qiov->nalloc = -1;
    qiov->size = 0;
    for (i = 0; i < niov; i++) {
        qiov->size += iov[i].iov_len;
    }
}

void qemu_iovec_add(QEMUIOVector *qiov, void *base, size_t len)
{
    assert(qiov->nalloc != -1);

    if (qiov->niov == qiov->nalloc) {
        qiov->nalloc = 2 * qiov->nalloc + 1;
        qiov->iov = g_renew(struct iovec, qiov->iov, qiov->nalloc);
    }
    qiov->iov[qiov->niov].iov_base = base;
    qiov->iov[qiov->niov].iov_len = len;
    qiov->niov++;
    qiov->size += len;
}

void qemu_iovec_destroy(QEMUIOVector *qiov)
{
    assert(qiov->nalloc != -1);

    g_free(qiov->iov);
    qiov->iov = NULL;
    qiov->niov = 0;
    qiov->nalloc = 0;
    qiov->size = 0;
}

void qemu_iovec_reset(QEMUIOVector *qiov)
{
    assert(qiov->nalloc != -1);

    qiov->niov = 0;
    qiov->size = 0;
}

void qemu_iovec_to_buffer(QEMUIOVector *qiov, void *buf)
{
    char *p = buf;
    int i;

    for (i = 0; i < qiov->niov; i++) {
        memcpy(p, qiov->iov[i].iov_base, qiov->iov[i].iov_len);
        p += qiov->iov[i].iov_len;
    }
}

/* Scatters up to count bytes of buf over the vector. */
void qemu_iovec_from_buffer(QEMUIOVector *qiov, const void *buf, size_t count)
{
    const char *p = buf;
    int i;

    for (i = 0; i < qiov->niov && count > 0; i++) {
        size_t n = MIN(count, qiov->iov[i].iov_len);

        memcpy(qiov->iov[i].iov_base, p, n);
        p += n;
        count -= n;
    }
}
