/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: inet/unix socket helpers driven by QemuOpts. */

#include <glib.h>
#include "qemu-common.h"
#include "qemu_socket.h"

#ifndef AI_ADDRCONFIG
#define AI_ADDRCONFIG 0
#endif

/* Options understood by the string-based compatibility wrappers. */
static QemuOptsList legacy_socket_opts = {
    .name = "dummy",
    .head = QTAILQ_HEAD_INITIALIZER(legacy_socket_opts.head),
    .desc = {
        { .name = "path", .type = QEMU_OPT_STRING },
        { .name = "host", .type = QEMU_OPT_STRING },
        { .name = "port", .type = QEMU_OPT_STRING },
        { .name = "to",   .type = QEMU_OPT_NUMBER },
        { .name = "ipv4", .type = QEMU_OPT_BOOL },
        { .name = "ipv6", .type = QEMU_OPT_BOOL },
        { /* end of list */ }
    },
};

int qemu_socket(int domain, int type, int protocol)
{
    int fd;

    fd = socket(domain, type | SOCK_CLOEXEC, protocol);
    if (fd >= 0 || errno != EINVAL) {
        return fd;
    }
    /* kernels without SOCK_CLOEXEC: set the flag afterwards */
    fd = socket(domain, type, protocol);
    if (fd >= 0) {
        qemu_set_cloexec(fd);
    }
    return fd;
}

int qemu_accept(int s, struct sockaddr *addr, socklen_t *addrlen)
{
    int fd;

    fd = accept4(s, addr, addrlen, SOCK_CLOEXEC);
    if (fd >= 0 || errno != ENOSYS) {
        return fd;
    }
    fd = accept(s, addr, addrlen);
    if (fd >= 0) {
        qemu_set_cloexec(fd);
    }
    return fd;
}

void socket_set_nonblock(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

const char *inet_strfamily(int family)
{
    switch (family) {
    case PF_INET6:
        return "ipv6";
    case PF_INET:
        return "ipv4";
    case PF_UNIX:
        return "unix";
    }
    return "unknown";
}

static int sockaddr_port(const struct sockaddr *sa)
{
    switch (sa->sa_family) {
    case AF_INET6:
        return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
    case AF_INET:
        return ntohs(((const struct sockaddr_in *)sa)->sin_port);
    }
    return 0;
}

static void sockaddr_set_port(struct sockaddr *sa, int port)
{
    switch (sa->sa_family) {
    case AF_INET6:
        ((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
        break;
    case AF_INET:
        ((struct sockaddr_in *)sa)->sin_port = htons(port);
        break;
    }
}

static int family_from_opts(QemuOpts *opts)
{
    int family = PF_UNSPEC;

    /* ipv6 wins when both are given, as in v0.15.0 */
    if (qemu_opt_get_bool(opts, "ipv4", 0)) {
        family = PF_INET;
    }
    if (qemu_opt_get_bool(opts, "ipv6", 0)) {
        family = PF_INET6;
    }
    return family;
}

static void numeric_name(const struct addrinfo *e, char *host, char *serv)
{
    if (getnameinfo(e->ai_addr, e->ai_addrlen, host, INET6_ADDRSTRLEN + 1,
                    serv, 33, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        pstrcpy(host, INET6_ADDRSTRLEN + 1, "?");
        pstrcpy(serv, 33, "?");
    }
}

/*
 * Bind e's address, walking up from its port while the "to" limit allows.
 * Like v0.15.0, the walk stops only after trying one port past "to".
 */
static int inet_bind_range(int fd, struct addrinfo *e, int to,
                           int port_offset, const char *uaddr)
{
    int port;

    for (;;) {
        if (bind(fd, e->ai_addr, e->ai_addrlen) == 0) {
            return 0;
        }
        port = sockaddr_port(e->ai_addr);
        if (to == 0 || port > to + port_offset) {
            fprintf(stderr, "%s: bind(%s,%s,%d): %s\n", "inet_listen_opts",
                    inet_strfamily(e->ai_family), uaddr, port,
                    strerror(errno));
            return -1;
        }
        sockaddr_set_port(e->ai_addr, port + 1);
    }
}

int inet_listen_opts(QemuOpts *opts, int port_offset)
{
    static const int on = 1, off;
    struct addrinfo hints, *res, *e;
    struct sockaddr_storage bound;
    socklen_t bound_len;
    char uaddr[INET6_ADDRSTRLEN + 1];
    char uport[33];
    char port[33];
    const char *addr;
    int fd = -1, rc, to;

    if (qemu_opt_get(opts, "host") == NULL ||
        qemu_opt_get(opts, "port") == NULL) {
        fprintf(stderr, "%s: host and/or port not specified\n",
                "inet_listen_opts");
        return -1;
    }
    pstrcpy(port, sizeof(port), qemu_opt_get(opts, "port"));
    addr = qemu_opt_get(opts, "host");
    to = qemu_opt_get_number(opts, "to", 0);

    memset(&hints, 0, sizeof(hints));
    hints.ai_flags = AI_PASSIVE | AI_ADDRCONFIG;
    hints.ai_family = family_from_opts(opts);
    hints.ai_socktype = SOCK_STREAM;

    if (port_offset) {
        snprintf(port, sizeof(port), "%d", atoi(port) + port_offset);
    }
    /* an empty host means every local address */
    rc = getaddrinfo(addr[0] ? addr : NULL, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "getaddrinfo(%s,%s): %s\n", addr, port,
                gai_strerror(rc));
        return -1;
    }

    for (e = res; e != NULL; e = e->ai_next) {
        numeric_name(e, uaddr, uport);
        fd = qemu_socket(e->ai_family, e->ai_socktype, e->ai_protocol);
        if (fd < 0) {
            fprintf(stderr, "%s: socket(%s): %s\n", "inet_listen_opts",
                    inet_strfamily(e->ai_family), strerror(errno));
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
        if (e->ai_family == PF_INET6) {
            /* one IPv6 socket serves IPv4 clients too */
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
        }
        if (inet_bind_range(fd, e, to, port_offset, uaddr) == 0) {
            break;
        }
        closesocket(fd);
        fd = -1;
    }
    if (e == NULL) {
        fprintf(stderr, "%s: FAILED\n", "inet_listen_opts");
        goto fail;
    }
    if (listen(fd, 1) != 0) {
        perror("listen");
        goto fail;
    }

    /*
     * Report the port actually bound.  getsockname() also resolves port 0
     * to the kernel's choice, where v0.15.0 would have echoed "0".
     */
    bound_len = sizeof(bound);
    if (getsockname(fd, (struct sockaddr *)&bound, &bound_len) == 0) {
        snprintf(uport, sizeof(uport), "%d",
                 sockaddr_port((struct sockaddr *)&bound) - port_offset);
    } else {
        snprintf(uport, sizeof(uport), "%d",
                 sockaddr_port(e->ai_addr) - port_offset);
    }
    qemu_opt_set(opts, "host", uaddr);
    qemu_opt_set(opts, "port", uport);
    qemu_opt_set(opts, "ipv6", e->ai_family == PF_INET6 ? "on" : "off");
    qemu_opt_set(opts, "ipv4", e->ai_family != PF_INET6 ? "on" : "off");
    freeaddrinfo(res);
    return fd;

fail:
    if (fd >= 0) {
        closesocket(fd);
    }
    freeaddrinfo(res);
    return -1;
}

int inet_connect_opts(QemuOpts *opts)
{
    static const int on = 1;
    struct addrinfo hints, *res, *e;
    char uaddr[INET6_ADDRSTRLEN + 1];
    char uport[33];
    const char *addr, *port, *canon;
    int fd, rc;

    addr = qemu_opt_get(opts, "host");
    port = qemu_opt_get(opts, "port");
    if (addr == NULL || port == NULL) {
        fprintf(stderr, "inet_connect: host and/or port not specified\n");
        return -1;
    }

    memset(&hints, 0, sizeof(hints));
    hints.ai_flags = AI_CANONNAME | AI_ADDRCONFIG;
    hints.ai_family = family_from_opts(opts);
    hints.ai_socktype = SOCK_STREAM;

    rc = getaddrinfo(addr, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "getaddrinfo(%s,%s): %s\n", addr, port,
                gai_strerror(rc));
        return -1;
    }

    /* glibc only fills ai_canonname on the first entry */
    canon = res->ai_canonname ? res->ai_canonname : addr;
    for (e = res; e != NULL; e = e->ai_next) {
        numeric_name(e, uaddr, uport);
        fd = qemu_socket(e->ai_family, e->ai_socktype, e->ai_protocol);
        if (fd < 0) {
            fprintf(stderr, "%s: socket(%s): %s\n", "inet_connect_opts",
                    inet_strfamily(e->ai_family), strerror(errno));
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
        if (connect(fd, e->ai_addr, e->ai_addrlen) == 0) {
            freeaddrinfo(res);
            return fd;
        }
        /* only the last failure is worth a message */
        if (e->ai_next == NULL) {
            fprintf(stderr, "%s: connect(%s,%s,%s,%s): %s\n",
                    "inet_connect_opts", inet_strfamily(e->ai_family),
                    canon, uaddr, uport, strerror(errno));
        }
        closesocket(fd);
    }
    freeaddrinfo(res);
    return -1;
}

/*
 * A UDP socket bound to localaddr:localport (any address, ephemeral port
 * by default) and connected to host:port (host defaults to localhost).
 */
int inet_dgram_opts(QemuOpts *opts)
{
    static const int on = 1;
    struct addrinfo hints, *peer = NULL, *local = NULL;
    char uaddr[INET6_ADDRSTRLEN + 1];
    char uport[33];
    const char *addr, *port;
    int fd = -1, rc;

    addr = qemu_opt_get(opts, "host");
    port = qemu_opt_get(opts, "port");
    if (addr == NULL || addr[0] == '\0') {
        addr = "localhost";
    }
    if (port == NULL || port[0] == '\0') {
        fprintf(stderr, "inet_dgram: port not specified\n");
        return -1;
    }

    memset(&hints, 0, sizeof(hints));
    hints.ai_flags = AI_CANONNAME | AI_ADDRCONFIG;
    hints.ai_family = family_from_opts(opts);
    hints.ai_socktype = SOCK_DGRAM;
    rc = getaddrinfo(addr, port, &hints, &peer);
    if (rc != 0) {
        fprintf(stderr, "getaddrinfo(%s,%s): %s\n", addr, port,
                gai_strerror(rc));
        goto fail;
    }

    memset(&hints, 0, sizeof(hints));
    hints.ai_flags = AI_PASSIVE;
    hints.ai_family = peer->ai_family;
    hints.ai_socktype = SOCK_DGRAM;
    addr = qemu_opt_get(opts, "localaddr");
    port = qemu_opt_get(opts, "localport");
    if (addr != NULL && addr[0] == '\0') {
        addr = NULL;
    }
    if (port == NULL || port[0] == '\0') {
        port = "0";
    }
    rc = getaddrinfo(addr, port, &hints, &local);
    if (rc != 0) {
        fprintf(stderr, "getaddrinfo(%s,%s): %s\n", addr ? addr : "(null)",
                port, gai_strerror(rc));
        goto fail;
    }

    fd = qemu_socket(peer->ai_family, peer->ai_socktype, peer->ai_protocol);
    if (fd < 0) {
        fprintf(stderr, "%s: socket(%s): %s\n", "inet_dgram_opts",
                inet_strfamily(peer->ai_family), strerror(errno));
        goto fail;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));

    numeric_name(local, uaddr, uport);
    if (bind(fd, local->ai_addr, local->ai_addrlen) < 0) {
        fprintf(stderr, "%s: bind(%s,%s,%d): %s\n", "inet_dgram_opts",
                inet_strfamily(local->ai_family), uaddr,
                sockaddr_port(local->ai_addr), strerror(errno));
        goto fail;
    }

    numeric_name(peer, uaddr, uport);
    if (connect(fd, peer->ai_addr, peer->ai_addrlen) < 0) {
        fprintf(stderr, "%s: connect(%s,%s,%s,%s): %s\n", "inet_dgram_opts",
                inet_strfamily(peer->ai_family),
                peer->ai_canonname ? peer->ai_canonname : "(null)",
                uaddr, uport, strerror(errno));
        goto fail;
    }
    freeaddrinfo(local);
    freeaddrinfo(peer);
    return fd;

fail:
    if (fd >= 0) {
        closesocket(fd);
    }
    if (local != NULL) {
        freeaddrinfo(local);
    }
    if (peer != NULL) {
        freeaddrinfo(peer);
    }
    return -1;
}

/*
 * Legacy "host:port[,to=N][,ipv4][,ipv6]" syntax.  host may be empty
 * (":port"), a bracketed IPv6 literal, a dotted quad or a name.
 */
static int inet_parse(QemuOpts *opts, const char *str)
{
    char addr[65];
    char port[33];
    const char *rest;
    int pos = 0;

    if (str[0] == ':') {
        addr[0] = '\0';
        if (sscanf(str, ":%32[^,]%n", port, &pos) != 1) {
            fprintf(stderr, "%s: portonly parse error (%s)\n",
                    "inet_parse", str);
            return -1;
        }
    } else if (str[0] == '[') {
        if (sscanf(str, "[%64[^]]]:%32[^,]%n", addr, port, &pos) != 2) {
            fprintf(stderr, "%s: ipv6 parse error (%s)\n", "inet_parse", str);
            return -1;
        }
        qemu_opt_set(opts, "ipv6", "on");
    } else if (qemu_isdigit(str[0])) {
        if (sscanf(str, "%64[0-9.]:%32[^,]%n", addr, port, &pos) != 2) {
            fprintf(stderr, "%s: ipv4 parse error (%s)\n", "inet_parse", str);
            return -1;
        }
        qemu_opt_set(opts, "ipv4", "on");
    } else {
        if (sscanf(str, "%64[^:]:%32[^,]%n", addr, port, &pos) != 2) {
            fprintf(stderr, "%s: hostname parse error (%s)\n",
                    "inet_parse", str);
            return -1;
        }
    }
    qemu_opt_set(opts, "host", addr);
    qemu_opt_set(opts, "port", port);

    rest = str + pos;
    if (strstr(rest, ",to=") != NULL) {
        qemu_opt_set(opts, "to", strstr(rest, ",to=") + 4);
    }
    if (strstr(rest, ",ipv4") != NULL) {
        qemu_opt_set(opts, "ipv4", "on");
    }
    if (strstr(rest, ",ipv6") != NULL) {
        qemu_opt_set(opts, "ipv6", "on");
    }
    return 0;
}

int inet_listen(const char *str, char *ostr, int olen,
                int socktype, int port_offset)
{
    QemuOpts *opts = qemu_opts_create(&legacy_socket_opts, NULL, 0);
    const char *suffix;
    int fd = -1;

    if (inet_parse(opts, str) == 0) {
        fd = inet_listen_opts(opts, port_offset);
    }
    if (fd >= 0 && ostr != NULL) {
        /* echo the bound address, keeping the caller's option suffix */
        suffix = strchr(str, ',');
        snprintf(ostr, olen,
                 qemu_opt_get_bool(opts, "ipv6", 0) ? "[%s]:%s%s" : "%s:%s%s",
                 qemu_opt_get(opts, "host"), qemu_opt_get(opts, "port"),
                 suffix ? suffix : "");
    }
    qemu_opts_del(opts);
    return fd;
}

int inet_connect(const char *str, int socktype)
{
    QemuOpts *opts = qemu_opts_create(&legacy_socket_opts, NULL, 0);
    int fd = -1;

    if (inet_parse(opts, str) == 0) {
        fd = inet_connect_opts(opts);
    }
    qemu_opts_del(opts);
    return fd;
}

/*
 * Listen on path; without one, invent a unique name under $TMPDIR (or
 * /tmp) and store it back into opts.
 */
int unix_listen_opts(QemuOpts *opts)
{
    const char *path = qemu_opt_get(opts, "path");
    const char *tmpdir;
    struct sockaddr_un un;
    int fd, tmpfd;

    fd = qemu_socket(PF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        perror("socket(unix)");
        return -1;
    }

    memset(&un, 0, sizeof(un));
    un.sun_family = AF_UNIX;
    if (path != NULL && path[0] != '\0') {
        snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
    } else {
        tmpdir = getenv("TMPDIR");
        snprintf(un.sun_path, sizeof(un.sun_path), "%s/qemu-socket-XXXXXX",
                 tmpdir ? tmpdir : "/tmp");
        /* mkstemp only reserves a unique name; the file goes away below */
        tmpfd = mkstemp(un.sun_path);
        if (tmpfd >= 0) {
            close(tmpfd);
        }
        qemu_opt_set(opts, "path", un.sun_path);
    }

    /* a stale socket file from an earlier run would make bind fail */
    unlink(un.sun_path);
    if (bind(fd, (struct sockaddr *)&un, sizeof(un)) < 0) {
        fprintf(stderr, "bind(unix:%s): %s\n", un.sun_path, strerror(errno));
        goto fail;
    }
    if (listen(fd, 1) < 0) {
        fprintf(stderr, "listen(unix:%s): %s\n", un.sun_path,
                strerror(errno));
        goto fail;
    }
    return fd;

fail:
    closesocket(fd);
    return -1;
}

int unix_connect_opts(QemuOpts *opts)
{
    const char *path = qemu_opt_get(opts, "path");
    struct sockaddr_un un;
    int fd;

    if (path == NULL) {
        fprintf(stderr, "unix connect: no path specified\n");
        return -1;
    }
    fd = qemu_socket(PF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        perror("socket(unix)");
        return -1;
    }
    memset(&un, 0, sizeof(un));
    un.sun_family = AF_UNIX;
    snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
    if (connect(fd, (struct sockaddr *)&un, sizeof(un)) < 0) {
        fprintf(stderr, "connect(unix:%s): %s\n", path, strerror(errno));
        closesocket(fd);
        return -1;
    }
    return fd;
}

int unix_listen(const char *str, char *ostr, int olen)
{
    QemuOpts *opts = qemu_opts_create(&legacy_socket_opts, NULL, 0);
    const char *suffix = strchr(str, ',');
    char *path;
    int fd;

    /* the path runs up to the first comma; an empty one means "invent" */
    if (suffix == NULL) {
        qemu_opt_set(opts, "path", str);
    } else if (suffix > str) {
        path = g_strndup(str, suffix - str);
        qemu_opt_set(opts, "path", path);
        g_free(path);
    }
    fd = unix_listen_opts(opts);
    if (fd >= 0 && ostr != NULL) {
        snprintf(ostr, olen, "%s%s", qemu_opt_get(opts, "path"),
                 suffix ? suffix : "");
    }
    qemu_opts_del(opts);
    return fd;
}

int unix_connect(const char *path)
{
    QemuOpts *opts = qemu_opts_create(&legacy_socket_opts, NULL, 0);
    int fd;

    qemu_opt_set(opts, "path", path);
    fd = unix_connect_opts(opts);
    qemu_opts_del(opts);
    return fd;
}

/* "host:port", host empty for INADDR_ANY, port in any C base. */
int parse_host_port(struct sockaddr_in *saddr, const char *str)
{
    struct addrinfo hints, *res;
    const char *colon = strchr(str, ':');
    char host[512];
    const char *p;
    char *end;
    long port;

    if (colon == NULL || colon - str >= (ptrdiff_t)sizeof(host)) {
        return -1;
    }
    memcpy(host, str, colon - str);
    host[colon - str] = '\0';

    saddr->sin_family = AF_INET;
    if (host[0] == '\0') {
        saddr->sin_addr.s_addr = 0;
    } else if (qemu_isdigit(host[0])) {
        if (!inet_aton(host, &saddr->sin_addr)) {
            return -1;
        }
    } else {
        memset(&hints, 0, sizeof(hints));
        hints.ai_family = AF_INET;
        if (getaddrinfo(host, NULL, &hints, &res) != 0) {
            return -1;
        }
        saddr->sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
        freeaddrinfo(res);
    }
    p = colon + 1;
    port = strtol(p, &end, 0);
    if (end == p) {
        return -1;
    }
    saddr->sin_port = htons(port);
    return 0;
}

/* Nothing to initialise on POSIX hosts. */
int socket_init(void)
{
    return 0;
}
