/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TAP output shared by the glib-free programs that run under wine. */

#ifndef WIN32_TAP_H
#define WIN32_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/*
 * The including program names the error a failed check reports:
 * TAP_LAST_ERROR() (GetLastError() for Win32 calls, WSAGetLastError()
 * for winsock, which keeps its own) and TAP_LAST_ERROR_NAME.
 */
#if !defined(TAP_LAST_ERROR) || !defined(TAP_LAST_ERROR_NAME)
#error "define TAP_LAST_ERROR() and TAP_LAST_ERROR_NAME first"
#endif

static int test_no;
static bool test_failed;

/* A failed condition marks the current test failed and says why. */
static void check(bool cond, const char *fmt, ...)
{
    va_list ap;
    unsigned long err;

    if (cond) {
        return;
    }
    /* before any output call can change it */
    err = (unsigned long)TAP_LAST_ERROR();
    test_failed = true;
    printf("# failed: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf(" (%s %lu)\n", TAP_LAST_ERROR_NAME, err);
}

/* Ends the current test: one TAP line. */
static void result(const char *path)
{
    printf("%sok %d %s\n", test_failed ? "not " : "", ++test_no, path);
    fflush(stdout);
    test_failed = false;
}

#endif
