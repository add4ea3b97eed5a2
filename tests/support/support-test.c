/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: fd and temporary directory helpers for tests. */

#include <glib.h>
#include "qemu-common.h"
#include "support-test.h"
#include <dirent.h>

int support_count_open_fds(void)
{
    DIR *dir = opendir("/proc/self/fd");
    struct dirent *de;
    int n = 0;

    if (!dir) {
        return -1;
    }
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }
        /* The directory stream's own fd is not the caller's. */
        if (atoi(de->d_name) == dirfd(dir)) {
            continue;
        }
        n++;
    }
    closedir(dir);
    return n;
}

bool support_fd_is_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);

    return flags >= 0 && (flags & FD_CLOEXEC);
}

char *support_make_tmpdir(void)
{
    return g_dir_make_tmp("qemu-char-test-XXXXXX", NULL);
}

/* Depth-first removal; does not follow symlinks. */
static int rm_tree(const char *path)
{
    struct stat st;
    GDir *dir;
    const char *name;
    int ret = 0;

    if (lstat(path, &st) < 0) {
        return -errno;
    }
    if (!S_ISDIR(st.st_mode)) {
        return unlink(path) < 0 ? -errno : 0;
    }
    dir = g_dir_open(path, 0, NULL);
    if (!dir) {
        return -EACCES;
    }
    while ((name = g_dir_read_name(dir)) != NULL) {
        char *child = g_build_filename(path, name, NULL);
        int r = rm_tree(child);

        g_free(child);
        if (r < 0 && ret == 0) {
            ret = r;
        }
    }
    g_dir_close(dir);
    if (rmdir(path) < 0 && ret == 0) {
        ret = -errno;
    }
    return ret;
}

int support_rm_tmpdir(const char *path)
{
    if (!path) {
        return 0;
    }
    return rm_tree(path);
}
