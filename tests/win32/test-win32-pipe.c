/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Under wine: the named-pipe behaviour the win32 pipe backend relies on. */

/*
 * The pipe backend of qemu-char.c never blocks the main loop on a named
 * pipe: it connects, writes and reads with overlapped I/O and waits for
 * completions through events.  This program checks, on a real named
 * pipe created with the backend's flags, that Windows (here: wine)
 * behaves as that code assumes.  It needs no glib, so it runs where
 * Debian has no Windows glib; it does not run qemu-char.c itself.
 * Output is TAP.
 */

#include <windows.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The backend's sizes (WIN_SEND_MAX, WIN_PIPE_BUFSIZE in qemu-char.c). */
#define SEND_MAX 4096
#define PIPE_BUFSIZE 4096
/* Bound on what a full pipe may take before a write stays pending. */
#define FILL_LIMIT (4 * 1024 * 1024)

#define TAP_LAST_ERROR() GetLastError()
#define TAP_LAST_ERROR_NAME "GetLastError"
#include "win32-tap.h"

typedef struct Pipe {
    char name[128];
    HANDLE server;              /* as the backend creates it */
    HANDLE client;              /* a plain client, as a user opens it */
    HANDLE hconnect;
    OVERLAPPED oconnect;
} Pipe;

static bool signalled(HANDLE ev, DWORD ms)
{
    return WaitForSingleObject(ev, ms) == WAIT_OBJECT_0;
}

/* Start the overlapped connect; true if it is pending (no client yet). */
static bool pipe_listen(Pipe *p)
{
    ZeroMemory(&p->oconnect, sizeof(p->oconnect));
    p->oconnect.hEvent = p->hconnect;
    ResetEvent(p->hconnect);
    return !ConnectNamedPipe(p->server, &p->oconnect) &&
           GetLastError() == ERROR_IO_PENDING;
}

static bool pipe_client_open(Pipe *p)
{
    p->client = CreateFile(p->name, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                           OPEN_EXISTING, 0, NULL);
    return p->client != INVALID_HANDLE_VALUE;
}

static void pipe_open(Pipe *p)
{
    snprintf(p->name, sizeof(p->name), "\\\\.\\pipe\\chardev-test-%lu",
             GetCurrentProcessId());
    p->server = CreateNamedPipe(p->name,
                                PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                PIPE_TYPE_BYTE | PIPE_READMODE_BYTE |
                                PIPE_WAIT, 1, PIPE_BUFSIZE, PIPE_BUFSIZE, 0,
                                NULL);
    check(p->server != INVALID_HANDLE_VALUE, "CreateNamedPipe %s", p->name);
    p->hconnect = CreateEvent(NULL, TRUE, FALSE, NULL);
    p->client = INVALID_HANDLE_VALUE;
}

static void pipe_close(Pipe *p)
{
    if (p->client != INVALID_HANDLE_VALUE) {
        CloseHandle(p->client);
    }
    CloseHandle(p->hconnect);
    CloseHandle(p->server);
}

/* Open: the connect waits in the background and completes on a client. */
static void test_connect(void)
{
    Pipe p;
    DWORD size;

    pipe_open(&p);
    check(pipe_listen(&p), "ConnectNamedPipe is not pending without client");
    check(!signalled(p.hconnect, 0), "connect event set without a client");
    check(pipe_client_open(&p), "client CreateFile");
    check(signalled(p.hconnect, 5000), "connect event not set by a client");
    check(GetOverlappedResult(p.server, &p.oconnect, &size, FALSE),
          "connect result");
    pipe_close(&p);
    result("/win32/pipe/connect-in-background");
}

/* No client yet: a write fails at once (the backend drops and counts it). */
static void test_write_no_client(void)
{
    Pipe p;
    HANDLE ev = CreateEvent(NULL, TRUE, FALSE, NULL);
    OVERLAPPED o;
    DWORD size;
    char c = 'x';

    pipe_open(&p);
    pipe_listen(&p);
    ZeroMemory(&o, sizeof(o));
    o.hEvent = ev;
    check(!WriteFile(p.server, &c, 1, &size, &o) &&
          GetLastError() != ERROR_IO_PENDING,
          "write without a client did not fail at once");
    CloseHandle(ev);
    pipe_close(&p);
    result("/win32/pipe/write-without-client-fails");
}

/*
 * A client that reads nothing: writes of SEND_MAX go pending instead of
 * blocking, the event is set only once the client has read, and every
 * byte arrives in order.
 */
static void test_write_full(void)
{
    static char buf[SEND_MAX], rbuf[SEND_MAX];
    Pipe p;
    HANDLE ev = CreateEvent(NULL, TRUE, FALSE, NULL);
    OVERLAPPED o;
    DWORD size, got;
    unsigned long sent = 0, received = 0, bad = 0, i;
    bool pending = false;

    pipe_open(&p);
    pipe_listen(&p);
    check(pipe_client_open(&p), "client CreateFile");
    while (sent < FILL_LIMIT && !pending) {
        for (i = 0; i < SEND_MAX; i++) {
            buf[i] = (char)((sent + i) % 251);
        }
        ZeroMemory(&o, sizeof(o));
        o.hEvent = ev;
        if (WriteFile(p.server, buf, SEND_MAX, &size, &o)) {
            sent += size;
        } else {
            pending = GetLastError() == ERROR_IO_PENDING;
            check(pending, "write to a full pipe failed");
            if (!pending) {
                break;
            }
        }
    }
    check(pending, "no write went pending after %lu bytes", sent);
    if (pending) {
        check(!signalled(ev, 100), "pending write completed with no reader");
        /* the client reads; the write under way then completes */
        while (!signalled(ev, 0) && received < FILL_LIMIT + SEND_MAX) {
            if (!ReadFile(p.client, rbuf, sizeof(rbuf), &got, NULL)) {
                check(false, "client ReadFile");
                break;
            }
            for (i = 0; i < got; i++) {
                bad += rbuf[i] != (char)((received + i) % 251);
            }
            received += got;
        }
        check(GetOverlappedResult(p.server, &o, &size, TRUE) &&
              size == SEND_MAX, "pending write did not complete whole");
        sent += size;
        while (received < sent) {
            if (!ReadFile(p.client, rbuf, sizeof(rbuf), &got, NULL)) {
                check(false, "client ReadFile of the rest");
                break;
            }
            for (i = 0; i < got; i++) {
                bad += rbuf[i] != (char)((received + i) % 251);
            }
            received += got;
        }
        check(received == sent, "sent %lu, received %lu", sent, received);
        check(bad == 0, "%lu bytes out of order or corrupt", bad);
    }
    printf("# %lu bytes before a write went pending\n", sent - SEND_MAX);
    CloseHandle(ev);
    pipe_close(&p);
    result("/win32/pipe/full-pipe-write-goes-pending");
}

/* Input: PeekNamedPipe says how much; an overlapped read then gets it. */
static void test_read(void)
{
    Pipe p;
    HANDLE ev = CreateEvent(NULL, TRUE, FALSE, NULL);
    OVERLAPPED o;
    DWORD size = 0, avail = 0;
    char buf[64];

    pipe_open(&p);
    pipe_listen(&p);
    check(pipe_client_open(&p), "client CreateFile");
    check(PeekNamedPipe(p.server, NULL, 0, NULL, &avail, NULL) && avail == 0,
          "peek on an empty pipe: %lu", avail);
    check(WriteFile(p.client, "hello pipe", 10, &size, NULL) && size == 10,
          "client WriteFile");
    check(PeekNamedPipe(p.server, NULL, 0, NULL, &avail, NULL) &&
          avail == 10, "peek after 10 bytes: %lu", avail);
    ZeroMemory(&o, sizeof(o));
    o.hEvent = ev;
    size = 0;
    if (!ReadFile(p.server, buf, avail, &size, &o)) {
        check(GetLastError() == ERROR_IO_PENDING, "server ReadFile");
        check(GetOverlappedResult(p.server, &o, &size, TRUE), "read result");
    }
    check(size == 10 && memcmp(buf, "hello pipe", 10) == 0,
          "read %lu bytes", size);
    CloseHandle(ev);
    pipe_close(&p);
    result("/win32/pipe/peek-then-read");
}

/* The client leaves: peek fails, and the pipe takes the next client. */
static void test_reconnect(void)
{
    Pipe p;
    DWORD avail;

    pipe_open(&p);
    pipe_listen(&p);
    check(pipe_client_open(&p), "client CreateFile");
    check(signalled(p.hconnect, 5000), "first client not seen");
    CloseHandle(p.client);
    p.client = INVALID_HANDLE_VALUE;
    check(!PeekNamedPipe(p.server, NULL, 0, NULL, &avail, NULL),
          "peek succeeded after the client left");
    DisconnectNamedPipe(p.server);
    check(pipe_listen(&p), "second connect is not pending");
    check(pipe_client_open(&p), "second client CreateFile");
    check(signalled(p.hconnect, 5000), "second client not seen");
    pipe_close(&p);
    result("/win32/pipe/next-client-after-hangup");
}

int main(void)
{
    printf("1..5\n");
    test_connect();
    test_write_no_client();
    test_write_full();
    test_read();
    test_reconnect();
    return 0;
}
