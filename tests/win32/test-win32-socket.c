/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Under wine: the socket backends' winsock pieces and the calls they rely on. */

/*
 * The socket and udp backends of qemu-char.c share their code between
 * hosts; on Windows they go through the host pieces of the win32 section.
 * tests/win32/wine-socket copies the pieces that need nothing but winsock
 * (sock_errno() to sock_connect_ended()) out of qemu-char.c into
 * win32-sock-pieces.c, and this program runs them on real sockets, with
 * the winsock calls the backends make the way they make them.  The rest
 * of qemu-char.c needs glib, which Debian has not for Windows, so it is
 * not run here.  Output is TAP.
 */

#include "qemu_socket.h"
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "win32-sock-pieces.c"

/* As v0.15.0's oslib-win32.c has it. */
void socket_set_nonblock(int fd)
{
    u_long on = 1;

    ioctlsocket(fd, FIONBIO, &on);
}

#define TAP_LAST_ERROR() WSAGetLastError()
#define TAP_LAST_ERROR_NAME "WSAGetLastError"
#include "win32-tap.h"

static struct sockaddr_in loopback(int port)
{
    struct sockaddr_in a;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    return a;
}

/* A non-blocking listening socket on a free loopback port. */
static int listener(int *port)
{
    struct sockaddr_in a = loopback(0);
    int len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    check(fd >= 0, "socket");
    check(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "bind");
    check(listen(fd, 1) == 0, "listen");
    check(getsockname(fd, (struct sockaddr *)&a, &len) == 0, "getsockname");
    socket_set_nonblock(fd);
    *port = ntohs(a.sin_port);
    return fd;
}

static int blocking_client(int port)
{
    struct sockaddr_in a = loopback(port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    check(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "connect");
    return fd;
}

/* A connected pair: *srv accepted as the server backend accepts it. */
static void tcp_pair(int *cli, int *srv)
{
    int port, lfd = listener(&port);

    *cli = blocking_client(port);
    check(sock_wait_readable(lfd) == 0, "sock_wait_readable on listener");
    *srv = accept(lfd, NULL, NULL);
    check(*srv >= 0, "accept after sock_wait_readable");
    closesocket(lfd);
}

/* Poll sock_connect_ended() for up to 5 s, as a wait object would wake. */
static bool connect_ends(int fd)
{
    int i;

    for (i = 0; i < 500; i++) {
        if (sock_connect_ended(fd)) {
            return true;
        }
        Sleep(10);
    }
    return false;
}

/* accept() without a client: would block, seen as EAGAIN, not an error. */
static void test_accept_would_block(void)
{
    int port, lfd = listener(&port);

    check((int)accept(lfd, NULL, NULL) < 0, "accept without a client");
    check(sock_errno() == EAGAIN, "sock_errno() %d, not EAGAIN",
          sock_errno());
    closesocket(lfd);
    result("/win32/socket/accept-would-block");
}

/*
 * sock_wait_readable() returns for a client; the accepted socket is
 * non-blocking like its listener; sock_fd_watchable() takes any value.
 */
static void test_accept_nonblocking(void)
{
    int cli, srv;
    char c;

    tcp_pair(&cli, &srv);
    check(sock_fd_watchable(srv) == srv, "sock_fd_watchable(%d)", srv);
    check(recv(srv, &c, 1, 0) < 0 && sock_errno() == EAGAIN,
          "recv on an idle accepted socket does not say EAGAIN");
    closesocket(cli);
    closesocket(srv);
    result("/win32/socket/accepted-socket-nonblocking");
}

/* What tcp_chr_recv() asks: the bytes queued, then a read of them. */
static void test_queued(void)
{
    static const char msg[100] = "hello";
    char buf[200];
    int cli, srv;

    tcp_pair(&cli, &srv);
    check(send(cli, msg, sizeof(msg), 0) == sizeof(msg), "send");
    check(sock_wait_readable(srv) == 0, "sock_wait_readable");
    Sleep(50);
    check(sock_queued(srv) == sizeof(msg), "sock_queued() %d, not %d",
          sock_queued(srv), (int)sizeof(msg));
    check(recv(srv, buf, sizeof(buf), 0) == sizeof(msg), "recv");
    check(sock_queued(srv) == 0, "sock_queued() %d after the read",
          sock_queued(srv));
    closesocket(cli);
    closesocket(srv);
    result("/win32/socket/queued-bytes");
}

/*
 * chr_io_idle_check()'s look: a one-byte MSG_PEEK says 0 for a hangup,
 * and shows input the peer sent before it left first.
 */
static void test_hangup_peek(void)
{
    int cli, srv;
    char c;

    tcp_pair(&cli, &srv);
    closesocket(cli);
    check(sock_wait_readable(srv) == 0, "sock_wait_readable");
    check(recv(srv, &c, 1, MSG_PEEK) == 0, "MSG_PEEK after a hangup");
    closesocket(srv);

    tcp_pair(&cli, &srv);
    check(send(cli, "x", 1, 0) == 1, "send");
    closesocket(cli);
    check(sock_wait_readable(srv) == 0, "sock_wait_readable");
    check(recv(srv, &c, 1, MSG_PEEK) == 1 && c == 'x',
          "MSG_PEEK of input sent before a hangup");
    check(recv(srv, &c, 1, 0) == 1, "read the input");
    check(recv(srv, &c, 1, MSG_PEEK) == 0, "MSG_PEEK after the input");
    closesocket(srv);
    result("/win32/socket/hangup-seen-by-peek");
}

/* tcp_chr_send() on a peer that reads nothing: would block, never waits. */
static void test_full_send(void)
{
    static char chunk[65536];
    int cli, srv, n = 0;
    long total = 0;

    tcp_pair(&cli, &srv);
    socket_set_nonblock(cli);
    while (total < 256L * 1024 * 1024) {
        /* MSG_NOSIGNAL and MSG_DONTWAIT are 0 there */
        n = send(cli, chunk, sizeof(chunk), 0);
        if (n < 0) {
            break;
        }
        total += n;
    }
    check(n < 0 && sock_errno() == EAGAIN,
          "send did not say EAGAIN after %ld bytes", total);
    printf("# the socket took %ld bytes before EAGAIN\n", total);
    closesocket(cli);
    closesocket(srv);
    result("/win32/socket/full-send-would-block");
}

/*
 * A non-blocking connect() that is refused: it starts as EWOULDBLOCK
 * (qemu-sockets.c takes that for in progress), ends for
 * sock_connect_ended(), and SO_ERROR says why.
 */
static void test_connect_refused(void)
{
    int port, lfd = listener(&port);
    struct sockaddr_in a = loopback(port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int err = 0, len = sizeof(err);

    /* the port is free again: nobody listens there */
    closesocket(lfd);
    socket_set_nonblock(fd);
    check(connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0,
          "connect to a closed port");
    check(socket_error() == EWOULDBLOCK, "connect says %d, not EWOULDBLOCK",
          socket_error());
    check(connect_ends(fd), "refused connect never ended");
    check(getsockopt(fd, SOL_SOCKET, SO_ERROR, (void *)&err, &len) == 0,
          "getsockopt SO_ERROR");
    check(err == WSAECONNREFUSED, "SO_ERROR %d, not WSAECONNREFUSED", err);
    WSASetLastError(err);
    check(sock_errno() == ECONNREFUSED, "sock_errno() %d for %d",
          sock_errno(), err);
    closesocket(fd);
    result("/win32/socket/connect-refused-ends");
}

/*
 * tcp_chr_watch_connect()'s way: FD_CONNECT on an event, set by hand if
 * the connect ended before; afterwards a plain non-blocking socket again.
 */
static void test_connect_event(void)
{
    int port, lfd = listener(&port);
    struct sockaddr_in a = loopback(port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    WSAEVENT ev = WSACreateEvent();
    int err = -1, len = sizeof(err), srv;
    char c;

    socket_set_nonblock(fd);
    check(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 ||
          socket_error() == EWOULDBLOCK, "non-blocking connect");
    check(WSAEventSelect(fd, ev, FD_CONNECT) == 0, "WSAEventSelect");
    if (sock_connect_ended(fd)) {
        WSASetEvent(ev);
    }
    check(WaitForSingleObject(ev, 5000) == WAIT_OBJECT_0,
          "connect event not set");
    check(sock_connect_ended(fd), "sock_connect_ended() after the event");
    check(getsockopt(fd, SOL_SOCKET, SO_ERROR, (void *)&err, &len) == 0 &&
          err == 0, "SO_ERROR %d after a connect that was taken", err);
    check(WSAEventSelect(fd, NULL, 0) == 0, "WSAEventSelect off");
    WSACloseEvent(ev);
    check(recv(fd, &c, 1, 0) < 0 && sock_errno() == EAGAIN,
          "recv without input does not say EAGAIN");
    check(sock_wait_readable(lfd) == 0, "sock_wait_readable on listener");
    srv = accept(lfd, NULL, NULL);
    check(srv >= 0, "accept");
    check(send(srv, "y", 1, 0) == 1, "send");
    check(sock_wait_readable(fd) == 0, "sock_wait_readable after the event");
    check(recv(fd, &c, 1, 0) == 1 && c == 'y', "recv");
    closesocket(srv);
    closesocket(fd);
    closesocket(lfd);
    result("/win32/socket/connect-event");
}

/* A connected udp pair on loopback. */
static void udp_pair(int *a, int *b)
{
    struct sockaddr_in sa = loopback(0), sb = loopback(0);
    int len = sizeof(sa);

    *a = socket(AF_INET, SOCK_DGRAM, 0);
    *b = socket(AF_INET, SOCK_DGRAM, 0);
    check(bind(*a, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind a");
    check(getsockname(*a, (struct sockaddr *)&sa, &len) == 0, "name a");
    len = sizeof(sb);
    check(bind(*b, (struct sockaddr *)&sb, sizeof(sb)) == 0, "bind b");
    check(getsockname(*b, (struct sockaddr *)&sb, &len) == 0, "name b");
    check(connect(*a, (struct sockaddr *)&sb, sizeof(sb)) == 0, "conn a");
    check(connect(*b, (struct sockaddr *)&sa, sizeof(sa)) == 0, "conn b");
    socket_set_nonblock(*a);
    socket_set_nonblock(*b);
}

/*
 * udp_chr_recv()'s way: peek the whole datagram, then dequeue it with a
 * one-byte read (winsock may say WSAEMSGSIZE, but drops the datagram).
 */
static void test_udp_peek_dequeue(void)
{
    static char buf[65536];
    int a, b, n;

    udp_pair(&a, &b);
    check(send(a, "first", 5, 0) == 5, "send first");
    check(send(a, "second", 6, 0) == 6, "send second");
    check(sock_wait_readable(b) == 0, "sock_wait_readable");
    n = recv(b, buf, sizeof(buf), MSG_PEEK);
    check(n == 5 && memcmp(buf, "first", 5) == 0, "peek first: %d", n);
    n = recv(b, buf, 1, 0);
    check(n == 1 || (n < 0 && socket_error() == WSAEMSGSIZE),
          "one-byte dequeue: %d", n);
    Sleep(50);
    n = recv(b, buf, sizeof(buf), MSG_PEEK);
    check(n == 6 && memcmp(buf, "second", 6) == 0, "peek second: %d", n);
    recv(b, buf, 1, 0);
    check(recv(b, buf, sizeof(buf), MSG_PEEK) < 0 && sock_errno() == EAGAIN,
          "empty queue does not say EAGAIN");
    closesocket(a);
    closesocket(b);
    result("/win32/udp/peek-then-dequeue");
}

/*
 * udp to a port nobody listens on: what recv says after it is one the
 * udp backend takes for "nothing now" (ECONNRESET is winsock's ICMP
 * refusal), and sending goes on.
 */
static void test_udp_refused(void)
{
    int a, b, n, err;
    char buf[16];

    udp_pair(&a, &b);
    closesocket(b);
    check(send(a, "x", 1, 0) == 1, "send");
    Sleep(100);
    n = recv(a, buf, sizeof(buf), MSG_PEEK);
    err = n < 0 ? sock_errno() : 0;
    check(n < 0 && (err == ECONNRESET || err == EAGAIN),
          "recv after a refused datagram: %d, errno %d", n, err);
    printf("# recv after a refused datagram: %s\n",
           err == ECONNRESET ? "ECONNRESET" : "EAGAIN");
    n = send(a, "y", 1, 0);
    err = n < 0 ? sock_errno() : 0;
    check(n == 1 || err == ECONNRESET, "send after a refusal: %d, errno %d",
          n, err);
    closesocket(a);
    result("/win32/udp/refused-is-transient");
}

int main(void)
{
    WSADATA wsa;

    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
        printf("Bail out! WSAStartup failed\n");
        return 1;
    }
    printf("1..9\n");
    test_accept_would_block();
    test_accept_nonblocking();
    test_queued();
    test_hangup_peek();
    test_full_send();
    test_connect_refused();
    test_connect_event();
    test_udp_peek_dequeue();
    test_udp_refused();
    WSACleanup();
    return 0;
}
