/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mirrors the QEMU v0.15.0 qemu_socket.h interface for the standalone build. */

#ifndef QEMU_SOCKET_H
#define QEMU_SOCKET_H

#include <errno.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/un.h>

#define socket_error() errno
#define closesocket(s) close(s)

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

/* IPv4-only legacy helpers. */
int parse_host_port(struct sockaddr_in *saddr, const char *str);
int socket_init(void);

#endif /* QEMU_SOCKET_H */
