/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The QEMU v0.15.0 win32 main-loop hooks (qemu-os-win32.h) the fragment uses. */

#ifndef QEMU_OS_WIN32_H
#define QEMU_OS_WIN32_H

/* winsock2.h must come before windows.h */
#include <winsock2.h>
#include <windows.h>

/*
 * Declarations only: the standalone build runs on POSIX hosts, and the
 * win32 build of the fragment is checked for syntax (tests/win32).
 */

/* MinGW's strings.h lacks it; QEMU provides one for win32. */
int ffs(int i);

/* Called every main loop turn; nonzero: do not sleep afterwards. */
typedef int PollingFunc(void *opaque);

int qemu_add_polling_cb(PollingFunc *func, void *opaque);
void qemu_del_polling_cb(PollingFunc *func, void *opaque);

/* Called when @handle is signalled. */
typedef void WaitObjectFunc(void *opaque);

int qemu_add_wait_object(HANDLE handle, WaitObjectFunc *func, void *opaque);
void qemu_del_wait_object(HANDLE handle, WaitObjectFunc *func, void *opaque);

#endif
