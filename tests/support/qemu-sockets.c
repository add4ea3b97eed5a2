/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: inet/unix socket helpers driven by QemuOpts. */

#include <glib.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/stat.h>
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

/*
 * Helpers over resolved addresses, for callers that report their own
 * errors and must not block the main loop: every fd they return is
 * close-on-exec and non-blocking, and every failure fills a SockError.
 */

static int GCC_FMT_ATTR(4, 5) sock_fail(SockError *err, bool local, int code,
                                        const char *fmt, ...)
{
    va_list ap;

    err->code = code;
    err->local = local;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return -code;
}

/* Numeric "host:port", "[v6]:port" or the unix path, for messages. */
static void sock_addr_str(const SockAddr *a, char *out, size_t size)
{
    char host[INET6_ADDRSTRLEN + 1], serv[33];

    if (a->family == AF_UNIX) {
        snprintf(out, size, "%s",
                 ((const struct sockaddr_un *)&a->ss)->sun_path);
    } else if (sock_addr_name(a, host, sizeof(host), serv,
                              sizeof(serv)) < 0) {
        snprintf(out, size, "?");
    } else {
        snprintf(out, size, a->family == AF_INET6 ? "[%s]:%s" : "%s:%s",
                 host, serv);
    }
}

int sock_addr_name(const SockAddr *a, char *host, size_t hostlen,
                   char *serv, size_t servlen)
{
    if (getnameinfo((const struct sockaddr *)&a->ss, a->len, host, hostlen,
                    serv, servlen, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        return -1;
    }
    return 0;
}

int sock_addr_port(const SockAddr *a)
{
    switch (a->family) {
    case AF_INET6:
        return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
    case AF_INET:
        return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
    }
    return 0;
}

static void sock_addr_set_port(SockAddr *a, int port)
{
    switch (a->family) {
    case AF_INET6:
        ((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
        break;
    case AF_INET:
        ((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
        break;
    }
}

/*
 * AI_ADDRCONFIG is not used: it hides ::1 on hosts whose only IPv6
 * address is the loopback one.
 */
int sock_resolve(const char *host, const char *port, int family,
                 int socktype, bool passive, SockAddr **addrs,
                 SockError *err)
{
    struct addrinfo hints, *res, *e;
    int rc, n = 0;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    rc = getaddrinfo(host && *host ? host : NULL, port, &hints, &res);
    if (rc != 0) {
        return sock_fail(err, passive, EINVAL,
                         "cannot resolve \"%s\" port \"%s\": %s",
                         host ? host : "", port,
                         rc == EAI_SYSTEM ? strerror(errno)
                                          : gai_strerror(rc));
    }
    for (e = res; e; e = e->ai_next) {
        n++;
    }
    *addrs = qemu_mallocz(n * sizeof(**addrs));
    for (n = 0, e = res; e; e = e->ai_next) {
        if (e->ai_addrlen > sizeof((*addrs)[n].ss)) {
            continue;
        }
        (*addrs)[n].family = e->ai_family;
        (*addrs)[n].len = e->ai_addrlen;
        memcpy(&(*addrs)[n].ss, e->ai_addr, e->ai_addrlen);
        n++;
    }
    freeaddrinfo(res);
    return n;
}

bool sock_unix_addr(const char *path, SockAddr *a)
{
    struct sockaddr_un *un = (struct sockaddr_un *)&a->ss;

    if (strlen(path) >= sizeof(un->sun_path)) {
        return false;
    }
    memset(a, 0, sizeof(*a));
    a->family = AF_UNIX;
    a->len = sizeof(*un);
    un->sun_family = AF_UNIX;
    pstrcpy(un->sun_path, sizeof(un->sun_path), path);
    return true;
}

/* Start a connect without blocking: fd (connected or pending) or -errno. */
static int sock_connect_start(const SockAddr *a, bool *pending)
{
    int fd = qemu_socket(a->family, SOCK_STREAM, 0);
    int err;

    *pending = false;
    if (fd < 0) {
        return -errno;
    }
    socket_set_nonblock(fd);
    if (connect(fd, (const struct sockaddr *)&a->ss, a->len) == 0) {
        return fd;
    }
    err = errno;
    /* an interrupted non-blocking connect goes on in the background */
    if (err == EINPROGRESS || err == EINTR) {
        *pending = true;
        return fd;
    }
    closesocket(fd);
    return -err;
}

int sock_connect_result(int fd)
{
    int err = 0;
    socklen_t len = sizeof(err);

    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
        return -errno;
    }
    return -err;
}

static int sock_connect_wait(int fd)
{
    struct pollfd pfd = { .fd = fd, .events = POLLOUT };

    while (poll(&pfd, 1, -1) < 0) {
        if (errno != EINTR) {
            return -errno;
        }
    }
    return sock_connect_result(fd);
}

int sock_connect_next(const SockAddr *addrs, int nr, int *next, bool wait,
                      bool *in_progress, SockError *err)
{
    char where[SOCK_ADDR_STRLEN] = "?";
    int fd = -ENOENT;

    while (*next < nr) {
        const SockAddr *a = &addrs[(*next)++];
        bool pending;

        fd = sock_connect_start(a, &pending);
        if (fd >= 0 && pending && wait) {
            int ret = sock_connect_wait(fd);

            pending = false;
            if (ret < 0) {
                closesocket(fd);
                fd = ret;
            }
        }
        if (fd >= 0) {
            if (in_progress) {
                *in_progress = pending;
            }
            return fd;
        }
        sock_addr_str(a, where, sizeof(where));
    }
    return sock_fail(err, false, -fd, "cannot connect to %s: %s", where,
                     strerror(-fd));
}

/* One listening socket on exactly a; fd or -errno. */
static int sock_bind_listen(const SockAddr *a)
{
    static const int enable = 1, disable;
    int fd = qemu_socket(a->family, SOCK_STREAM, 0);
    int err;

    if (fd < 0) {
        return -errno;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &enable, sizeof(enable));
    if (a->family == AF_INET6) {
        /* one socket serves both families */
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &disable, sizeof(disable));
    }
    if (bind(fd, (const struct sockaddr *)&a->ss, a->len) < 0 ||
        listen(fd, 1) < 0) {
        err = errno;
        closesocket(fd);
        return -err;
    }
    socket_set_nonblock(fd);
    return fd;
}

/*
 * Unlike inet_listen_opts() the range ends at to, not one port past it,
 * and only a busy port moves on to the next one.
 */
int sock_listen_inet(const SockAddr *addrs, int nr, int port, int to,
                     SockAddr *bound, SockError *err)
{
    char where[SOCK_ADDR_STRLEN] = "?";
    int i, p, fd = -EADDRNOTAVAIL;
    int last = to ? to : port;

    for (i = 0; i < nr; i++) {
        SockAddr a = addrs[i];

        for (p = port; p <= last; p++) {
            sock_addr_set_port(&a, p);
            fd = sock_bind_listen(&a);
            if (fd >= 0) {
                *bound = a;
                bound->len = sizeof(bound->ss);
                getsockname(fd, (struct sockaddr *)&bound->ss, &bound->len);
                return fd;
            }
            if (fd != -EADDRINUSE) {
                break;
            }
        }
        sock_addr_str(&a, where, sizeof(where));
    }
    if (last != port && fd == -EADDRINUSE) {
        return sock_fail(err, true, EADDRINUSE,
                         "no free port in %d..%d (last tried %s): %s",
                         port, last, where, strerror(EADDRINUSE));
    }
    return sock_fail(err, true, -fd, "cannot listen on %s: %s", where,
                     strerror(-fd));
}

/*
 * Replace a stale socket, never a file that is something else, nor
 * (unlike unix_listen_opts()) the socket of a server that still
 * listens there.
 */
int sock_listen_unix(const SockAddr *a, SockError *err)
{
    const char *path = ((const struct sockaddr_un *)&a->ss)->sun_path;
    struct stat st;
    int fd, ret;

    if (lstat(path, &st) == 0) {
        bool pending;

        if (!S_ISSOCK(st.st_mode)) {
            return sock_fail(err, true, EEXIST,
                             "\"%s\" exists and is not a socket", path);
        }
        fd = sock_connect_start(a, &pending);
        if (fd >= 0 || fd == -EAGAIN) {
            if (fd >= 0) {
                closesocket(fd);
            }
            return sock_fail(err, true, EADDRINUSE,
                             "\"%s\" is in use by a listening server", path);
        }
        unlink(path);
    }
    fd = qemu_socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        ret = errno;
        return sock_fail(err, true, ret, "socket: %s", strerror(ret));
    }
    if (bind(fd, (const struct sockaddr *)&a->ss, a->len) < 0 ||
        listen(fd, 1) < 0) {
        ret = errno;
        closesocket(fd);
        return sock_fail(err, true, ret, "cannot listen on \"%s\": %s", path,
                         strerror(ret));
    }
    socket_set_nonblock(fd);
    return fd;
}

int sock_dgram(const SockAddr *peer, const SockAddr *local, SockError *err)
{
    static const int enable = 1;
    char where[SOCK_ADDR_STRLEN];
    int fd = qemu_socket(peer->family, SOCK_DGRAM, 0);
    int ret;

    if (fd < 0) {
        ret = errno;
        return sock_fail(err, false, ret, "socket: %s", strerror(ret));
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &enable, sizeof(enable));
    if (bind(fd, (const struct sockaddr *)&local->ss, local->len) < 0) {
        ret = errno;
        closesocket(fd);
        sock_addr_str(local, where, sizeof(where));
        return sock_fail(err, true, ret, "cannot bind to %s: %s", where,
                         strerror(ret));
    }
    if (connect(fd, (const struct sockaddr *)&peer->ss, peer->len) < 0) {
        ret = errno;
        closesocket(fd);
        sock_addr_str(peer, where, sizeof(where));
        return sock_fail(err, false, ret, "cannot send to %s: %s", where,
                         strerror(ret));
    }
    socket_set_nonblock(fd);
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
