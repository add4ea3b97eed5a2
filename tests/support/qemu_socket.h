/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qemu_socket.h of QEMU v0.15.0 and the series, for the standalone build. */

#ifndef QEMU_SOCKET_H
#define QEMU_SOCKET_H

#include <errno.h>
#include <stdbool.h>
#include <unistd.h>
#include <sys/types.h>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#define socket_error() WSAGetLastError()
/* socket_error() values; mingw-w64's errno.h has others of these names */
#undef EINTR
#undef EWOULDBLOCK
#undef EINPROGRESS
#define EWOULDBLOCK WSAEWOULDBLOCK
#define EINTR       WSAEINTR
#define EINPROGRESS WSAEINPROGRESS

int inet_aton(const char *cp, struct in_addr *ia);
#else
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/un.h>

#define socket_error() errno
#define closesocket(s) close(s)
#endif /* !_WIN32 */

#include "qemu-option.h"

/* All descriptors these return are close-on-exec. */
int qemu_socket(int domain, int type, int protocol);
int qemu_accept(int s, struct sockaddr *addr, socklen_t *addrlen);
void socket_set_nonblock(int fd);
/* Defined by the chardev core (qemu-char.c), not by the support layer. */
int send_all(int fd, const void *buf, int len1);

/*
 * Option-driven helpers.  They read host/port/to/ipv4/ipv6 (inet) or path
 * (unix) from opts and write the address actually used back into opts.
 */
int inet_listen_opts(QemuOpts *opts, int port_offset);
int inet_listen(const char *str, char *ostr, int olen,
                int socktype, int port_offset);
int inet_connect_opts(QemuOpts *opts);
int inet_connect(const char *str, int socktype);
int inet_dgram_opts(QemuOpts *opts);
const char *inet_strfamily(int family);

int unix_listen_opts(QemuOpts *opts);
int unix_listen(const char *path, char *ostr, int olen);
int unix_connect_opts(QemuOpts *opts);
int unix_connect(const char *path);

/*
 * Socket helpers over resolved addresses that say what went wrong and
 * never block unless asked to (qemu-sockets.c; on win32 the inet ones
 * only).  The fds they return are close-on-exec and non-blocking.
 */

/* One resolved address, as connect() and bind() take it. */
typedef struct SockAddr {
    int family;
    socklen_t len;
    struct sockaddr_storage ss;
} SockAddr;

/* Why a helper failed; its return value is -code. */
typedef struct SockError {
    int code;                   /* errno value (EINVAL: lookup failed) */
    bool local;                 /* the local address was at fault */
    char msg[1024];             /* the failure, naming the address */
} SockError;

/* Room for a numeric address or a unix path in a message. */
#define SOCK_ADDR_STRLEN 128

/* host/port into *addrs (qemu_free() it): how many, or -errno. */
int sock_resolve(const char *host, const char *port, int family,
                 int socktype, bool passive, SockAddr **addrs,
                 SockError *err);
#ifndef _WIN32
/* The address of a unix socket; false if path does not fit. */
bool sock_unix_addr(const char *path, SockAddr *a);
#endif
/* Numeric host and port of an inet address: 0, or -1. */
int sock_addr_name(const SockAddr *a, char *host, size_t hostlen,
                   char *serv, size_t servlen);
int sock_addr_port(const SockAddr *a);
/*
 * Connect to addrs[*next] or, if that fails at once, to the addresses
 * after it; *next moves past the address used.  With wait, blocks until
 * the connection is made; without, *in_progress tells whether it is
 * still under way (sock_connect_result() says how it ended).  fd, or
 * -errno naming the last address tried.
 */
int sock_connect_next(const SockAddr *addrs, int nr, int *next, bool wait,
                      bool *in_progress, SockError *err);
/* 0, or -errno: how a connect that was under way on fd ended. */
int sock_connect_result(int fd);
/*
 * Listen on the first of addrs with a free port in port..to (to = 0:
 * port only); *bound is the address used.  fd or -errno.
 */
int sock_listen_inet(const SockAddr *addrs, int nr, int port, int to,
                     SockAddr *bound, SockError *err);
#ifndef _WIN32
/* Listen on a unix path, replacing a stale socket file.  fd or -errno. */
int sock_listen_unix(const SockAddr *a, SockError *err);
#endif
/* A datagram socket bound to local and sending to peer.  fd or -errno. */
int sock_dgram(const SockAddr *peer, const SockAddr *local, SockError *err);

/* IPv4-only legacy helpers. */
int parse_host_port(struct sockaddr_in *saddr, const char *str);
int socket_init(void);

#endif /* QEMU_SOCKET_H */
