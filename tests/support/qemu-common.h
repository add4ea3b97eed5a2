/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mirrors the QEMU v0.15.0 qemu-common.h interface for the standalone build. */

#ifndef QEMU_COMMON_H
#define QEMU_COMMON_H

#include "config-host.h"

/* v0.15.0 keeps these in compiler.h, which qemu-common.h includes. */
#define QEMU_NORETURN __attribute__((__noreturn__))
#ifdef CONFIG_GCC_ATTRIBUTE_WARN_UNUSED_RESULT
#define QEMU_WARN_UNUSED_RESULT __attribute__((warn_unused_result))
#else
#define QEMU_WARN_UNUSED_RESULT
#endif
/* clang knows only plain printf formats, not gnu_printf */
#if defined(__clang__)
#define GCC_FMT_ATTR(n, m) __attribute__((format(printf, n, m)))
#define GCC_ATTR __attribute__((__unused__, format(printf, 1, 2)))
#else
#define GCC_FMT_ATTR(n, m) __attribute__((format(gnu_printf, n, m)))
#define GCC_ATTR __attribute__((__unused__, format(gnu_printf, 1, 2)))
#endif
/* File scope only: a true condition makes the array size negative. */
#define QEMU_BUILD_BUG_ON(x)                                            \
    typedef char glue(qemu_build_bug_on_, __LINE__)[(x) ? -1 : 1]       \
        __attribute__((unused))

/* Retry a system call that failed with EINTR. */
#define TFR(expr) do { if ((expr) != -1) break; } while (errno == EINTR)

typedef struct QEMUTimer QEMUTimer;
typedef struct QEMUFile QEMUFile;
typedef struct QEMUBH QEMUBH;
typedef struct DeviceState DeviceState;

struct Monitor;
typedef struct Monitor Monitor;

#include <stdlib.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <inttypes.h>
#include <limits.h>
#include <time.h>
#include <ctype.h>
#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <assert.h>
#include <signal.h>

#ifdef _WIN32
#include "qemu-os-win32.h"
/* v0.15.0 defines its own struct iovec where the host has none */
struct iovec {
    void *iov_base;
    size_t iov_len;
};
#define IOV_MAX 1024
#else
#include <sys/uio.h>
#endif

#ifndef O_LARGEFILE
#define O_LARGEFILE 0
#endif
#ifndef O_BINARY
#define O_BINARY 0
#endif
#ifndef ENOMEDIUM
#define ENOMEDIUM ENODEV
#endif
#ifndef TIME_MAX
#define TIME_MAX LONG_MAX
#endif

typedef int (*fprintf_function)(FILE *f, const char *fmt, ...)
    GCC_FMT_ATTR(2, 3);

#include "osdep.h"

/* bottom halves */
typedef void QEMUBHFunc(void *opaque);

QEMUBH *qemu_bh_new(QEMUBHFunc *cb, void *opaque);
void qemu_bh_schedule(QEMUBH *bh);
/*
 * An idle bottom half runs on a later main loop iteration (within ~10 ms),
 * so one that reschedules itself cannot starve the loop.
 */
void qemu_bh_schedule_idle(QEMUBH *bh);
void qemu_bh_cancel(QEMUBH *bh);
void qemu_bh_delete(QEMUBH *bh);
int qemu_bh_poll(void);
void qemu_bh_update_timeout(int *timeout);

/* cutils.c */
void pstrcpy(char *buf, int buf_size, const char *str);
char *pstrcat(char *buf, int buf_size, const char *s);
int strstart(const char *str, const char *val, const char **ptr);
int stristart(const char *str, const char *val, const char **ptr);
int qemu_strnlen(const char *s, int max_len);

#define STRTOSZ_DEFSUFFIX_TB 'T'
#define STRTOSZ_DEFSUFFIX_GB 'G'
#define STRTOSZ_DEFSUFFIX_MB 'M'
#define STRTOSZ_DEFSUFFIX_KB 'K'
#define STRTOSZ_DEFSUFFIX_B  'B'
int64_t strtosz(const char *nptr, char **end);
int64_t strtosz_suffix(const char *nptr, char **end, const char default_suffix);

#define qemu_isalnum(c)  isalnum((unsigned char)(c))
#define qemu_isalpha(c)  isalpha((unsigned char)(c))
#define qemu_iscntrl(c)  iscntrl((unsigned char)(c))
#define qemu_isdigit(c)  isdigit((unsigned char)(c))
#define qemu_isgraph(c)  isgraph((unsigned char)(c))
#define qemu_islower(c)  islower((unsigned char)(c))
#define qemu_isprint(c)  isprint((unsigned char)(c))
#define qemu_ispunct(c)  ispunct((unsigned char)(c))
#define qemu_isspace(c)  isspace((unsigned char)(c))
#define qemu_isupper(c)  isupper((unsigned char)(c))
#define qemu_isxdigit(c) isxdigit((unsigned char)(c))
#define qemu_tolower(c)  tolower((unsigned char)(c))
#define qemu_toupper(c)  toupper((unsigned char)(c))
#define qemu_isascii(c)  isascii((unsigned char)(c))
#define qemu_toascii(c)  toascii((unsigned char)(c))

/* Allocation aborts on failure; a zero size still yields a unique pointer. */
void *qemu_oom_check(void *ptr);
void *qemu_malloc(size_t size);
void *qemu_realloc(void *ptr, size_t size);
void *qemu_mallocz(size_t size);
void qemu_free(void *ptr);
char *qemu_strdup(const char *str);
char *qemu_strndup(const char *str, size_t size);

void qemu_mutex_lock_iothread(void);
void qemu_mutex_unlock_iothread(void);

int qemu_open(const char *name, int flags, ...);
ssize_t qemu_write_full(int fd, const void *buf, size_t count)
    QEMU_WARN_UNUSED_RESULT;
void qemu_set_cloexec(int fd);

#ifndef _WIN32
int qemu_eventfd(int pipefd[2]);
int qemu_pipe(int pipefd[2]);
#endif

#ifdef _WIN32
#define qemu_recv(sockfd, buf, len, flags) recv(sockfd, (void *)buf, len, flags)
#else
#define qemu_recv(sockfd, buf, len, flags) recv(sockfd, buf, len, flags)
#endif

void QEMU_NORETURN hw_error(const char *fmt, ...) GCC_FMT_ATTR(1, 2);

/* IO callbacks.  */
typedef void IOReadHandler(void *opaque, const uint8_t *buf, int size);
typedef int IOCanReadHandler(void *opaque);
typedef void IOHandler(void *opaque);

/* Opaque types, so that declarations need not pull in the definitions. */
typedef struct NICInfo NICInfo;
typedef struct HCIInfo HCIInfo;
typedef struct AudioState AudioState;
typedef struct BlockDriverState BlockDriverState;
typedef struct DriveInfo DriveInfo;
typedef struct DisplayState DisplayState;
typedef struct DisplayChangeListener DisplayChangeListener;
typedef struct DisplaySurface DisplaySurface;
typedef struct DisplayAllocator DisplayAllocator;
typedef struct PixelFormat PixelFormat;
typedef struct TextConsole TextConsole;
typedef TextConsole QEMUConsole;
typedef struct CharDriverState CharDriverState;
typedef struct MACAddr MACAddr;
typedef struct VLANState VLANState;
typedef struct VLANClientState VLANClientState;
typedef struct PCIBus PCIBus;
typedef struct PCIDevice PCIDevice;
typedef struct SerialState SerialState;
typedef struct IRQState *qemu_irq;
typedef struct MouseTransformInfo MouseTransformInfo;
typedef struct EventNotifier EventNotifier;
typedef struct VirtIODevice VirtIODevice;

typedef uint64_t pcibus_t;

/* Argument of the CHR_IOCTL_PP_EPP_* chardev ioctls (parallel port). */
struct ParallelIOArg {
    void *buffer;
    int count;
};

/* Wake the main loop up so that it recomputes its timeout; thread-safe. */
void qemu_notify_event(void);

typedef struct QEMUIOVector {
    struct iovec *iov;
    int niov;
    int nalloc;  /* -1 when iov is caller-owned (init_external) */
    size_t size;
} QEMUIOVector;

void qemu_iovec_init(QEMUIOVector *qiov, int alloc_hint);
void qemu_iovec_init_external(QEMUIOVector *qiov, struct iovec *iov, int niov);
void qemu_iovec_add(QEMUIOVector *qiov, void *base, size_t len);
void qemu_iovec_destroy(QEMUIOVector *qiov);
void qemu_iovec_reset(QEMUIOVector *qiov);
void qemu_iovec_to_buffer(QEMUIOVector *qiov, void *buf);
void qemu_iovec_from_buffer(QEMUIOVector *qiov, const void *buf, size_t count);

#endif
