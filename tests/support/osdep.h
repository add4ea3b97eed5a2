/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mirrors the QEMU v0.15.0 osdep.h interface for the standalone build. */

#ifndef QEMU_OSDEP_H
#define QEMU_OSDEP_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/time.h>

#ifndef glue
#define xglue(a, b) a ## b
#define glue(a, b) xglue(a, b)
#define tostring(s) #s
#define stringify(s) tostring(s)
#endif

#ifndef likely
#define likely(cond)   __builtin_expect(!!(cond), 1)
#define unlikely(cond) __builtin_expect(!!(cond), 0)
#endif

#ifndef container_of
#define container_of(ptr, type, member) ({                              \
        const typeof(((type *)0)->member) *container_of_p_ = (ptr);     \
        (type *)((char *)container_of_p_ - offsetof(type, member)); })
#endif

/*
 * Like container_of, but the member must sit at offset 0: a negative array
 * size turns any other layout into a compile error.
 */
#define DO_UPCAST(type, field, dev) (__extension__({                     \
        char __attribute__((unused)) do_upcast_field_not_first_[         \
            -offsetof(type, field)];                                    \
        container_of(dev, type, field); }))

#define typeof_field(type, field) typeof(((type *)0)->field)
#define type_check(t1, t2) ((t1 *)0 - (t2 *)0)

#ifndef MIN
#define MIN(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) (((a) > (b)) ? (a) : (b))
#endif

#ifndef DIV_ROUND_UP
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define REGPARM

#define qemu_printf printf

#if defined(__GNUC__) && defined(__GNUC_MINOR__)
#define QEMU_GNUC_PREREQ(maj, min) \
    ((__GNUC__ << 16) + __GNUC_MINOR__ >= ((maj) << 16) + (min))
#else
#define QEMU_GNUC_PREREQ(maj, min) 0
#endif

#define FMT_pid "%d"

#define qemu_timersub timersub

#endif
