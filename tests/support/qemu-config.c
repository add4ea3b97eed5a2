/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: the registry of option groups (-chardev, -mon, ...). */

#include "qemu-common.h"
#include "qemu-error.h"
#include "qemu-option.h"
#include "qemu-config.h"

static QemuOptsList qemu_chardev_opts = {
    .name = "chardev",
    .implied_opt_name = "backend",
    .head = QTAILQ_HEAD_INITIALIZER(qemu_chardev_opts.head),
    .desc = {
        /* the complete v0.15.0 set */
        { .name = "backend",   .type = QEMU_OPT_STRING },
        { .name = "path",      .type = QEMU_OPT_STRING },
        { .name = "host",      .type = QEMU_OPT_STRING },
        { .name = "port",      .type = QEMU_OPT_STRING },
        { .name = "localaddr", .type = QEMU_OPT_STRING },
        { .name = "localport", .type = QEMU_OPT_STRING },
        { .name = "to",        .type = QEMU_OPT_NUMBER },
        { .name = "ipv4",      .type = QEMU_OPT_BOOL },
        { .name = "ipv6",      .type = QEMU_OPT_BOOL },
        { .name = "wait",      .type = QEMU_OPT_BOOL },
        { .name = "server",    .type = QEMU_OPT_BOOL },
        { .name = "delay",     .type = QEMU_OPT_BOOL },
        { .name = "telnet",    .type = QEMU_OPT_BOOL },
        { .name = "width",     .type = QEMU_OPT_NUMBER },
        { .name = "height",    .type = QEMU_OPT_NUMBER },
        { .name = "cols",      .type = QEMU_OPT_NUMBER },
        { .name = "rows",      .type = QEMU_OPT_NUMBER },
        { .name = "mux",       .type = QEMU_OPT_BOOL },
        { .name = "signal",    .type = QEMU_OPT_BOOL },
        { .name = "name",      .type = QEMU_OPT_STRING },
        { .name = "debug",     .type = QEMU_OPT_NUMBER },
        /*
         * Beyond v0.15.0: a client socket that loses (or never gets) its
         * peer retries the connection every this many seconds.
         */
        {
            .name = "reconnect",
            .type = QEMU_OPT_NUMBER,
            .help = "seconds between client reconnection attempts",
        },
        /* Beyond v0.15.0: the ringbuf backend's size in bytes */
        {
            .name = "size",
            .type = QEMU_OPT_SIZE,
            .help = "ringbuf: bytes of output kept (a power of two)",
        },
        /* Beyond v0.15.0: a copy of what every backend delivers */
        {
            .name = "logfile",
            .type = QEMU_OPT_STRING,
            .help = "append what the backend delivers to this file",
        },
        {
            .name = "logappend",
            .type = QEMU_OPT_BOOL,
            .help = "keep what the log file holds (off: truncate at open)",
        },
        { /* end of list */ }
    },
};

static QemuOptsList qemu_device_opts = {
    .name = "device",
    .implied_opt_name = "driver",
    .head = QTAILQ_HEAD_INITIALIZER(qemu_device_opts.head),
    .desc = {
        /* empty: properties are checked by the device model itself */
        { /* end of list */ }
    },
};

static QemuOptsList qemu_mon_opts = {
    .name = "mon",
    .implied_opt_name = "chardev",
    .head = QTAILQ_HEAD_INITIALIZER(qemu_mon_opts.head),
    .desc = {
        { .name = "mode",    .type = QEMU_OPT_STRING },
        { .name = "chardev", .type = QEMU_OPT_STRING },
        { .name = "default", .type = QEMU_OPT_BOOL },
        { .name = "pretty",  .type = QEMU_OPT_BOOL },
        { /* end of list */ }
    },
};

static QemuOptsList qemu_global_opts = {
    .name = "global",
    .head = QTAILQ_HEAD_INITIALIZER(qemu_global_opts.head),
    .desc = {
        { .name = "driver",   .type = QEMU_OPT_STRING },
        { .name = "property", .type = QEMU_OPT_STRING },
        { .name = "value",    .type = QEMU_OPT_STRING },
        { /* end of list */ }
    },
};

QemuOptsList qemu_fsdev_opts = {
    .name = "fsdev",
    .implied_opt_name = "fstype",
    .head = QTAILQ_HEAD_INITIALIZER(qemu_fsdev_opts.head),
    .desc = {
        { .name = "fstype",         .type = QEMU_OPT_STRING },
        { .name = "path",           .type = QEMU_OPT_STRING },
        { .name = "security_model", .type = QEMU_OPT_STRING },
        { /* end of list */ }
    },
};

QemuOptsList qemu_virtfs_opts = {
    .name = "virtfs",
    .implied_opt_name = "fstype",
    .head = QTAILQ_HEAD_INITIALIZER(qemu_virtfs_opts.head),
    .desc = {
        { .name = "fstype",         .type = QEMU_OPT_STRING },
        { .name = "path",           .type = QEMU_OPT_STRING },
        { .name = "mount_tag",      .type = QEMU_OPT_STRING },
        { .name = "security_model", .type = QEMU_OPT_STRING },
        { /* end of list */ }
    },
};

QemuOptsList qemu_spice_opts = {
    .name = "spice",
    .head = QTAILQ_HEAD_INITIALIZER(qemu_spice_opts.head),
    .desc = {
        { .name = "port",                     .type = QEMU_OPT_NUMBER },
        { .name = "tls-port",                 .type = QEMU_OPT_NUMBER },
        { .name = "addr",                     .type = QEMU_OPT_STRING },
        { .name = "ipv4",                     .type = QEMU_OPT_BOOL },
        { .name = "ipv6",                     .type = QEMU_OPT_BOOL },
        { .name = "password",                 .type = QEMU_OPT_STRING },
        { .name = "disable-ticketing",        .type = QEMU_OPT_BOOL },
        { .name = "disable-copy-paste",       .type = QEMU_OPT_BOOL },
        { .name = "sasl",                     .type = QEMU_OPT_BOOL },
        { .name = "x509-dir",                 .type = QEMU_OPT_STRING },
        { .name = "x509-key-file",            .type = QEMU_OPT_STRING },
        { .name = "x509-key-password",        .type = QEMU_OPT_STRING },
        { .name = "x509-cert-file",           .type = QEMU_OPT_STRING },
        { .name = "x509-cacert-file",         .type = QEMU_OPT_STRING },
        { .name = "x509-dh-key-file",         .type = QEMU_OPT_STRING },
        { .name = "tls-ciphers",              .type = QEMU_OPT_STRING },
        { .name = "tls-channel",              .type = QEMU_OPT_STRING },
        { .name = "plaintext-channel",        .type = QEMU_OPT_STRING },
        { .name = "image-compression",        .type = QEMU_OPT_STRING },
        { .name = "jpeg-wan-compression",     .type = QEMU_OPT_STRING },
        { .name = "zlib-glz-wan-compression", .type = QEMU_OPT_STRING },
        { .name = "streaming-video",          .type = QEMU_OPT_STRING },
        { .name = "agent-mouse",              .type = QEMU_OPT_BOOL },
        { .name = "playback-compression",     .type = QEMU_OPT_BOOL },
        { /* end of list */ }
    },
};

/* Fixed capacity, NULL-terminated, like v0.15.0's table. */
#define CONFIG_GROUPS_MAX 32

static QemuOptsList *config_groups[CONFIG_GROUPS_MAX] = {
    &qemu_chardev_opts,
    &qemu_device_opts,
    &qemu_global_opts,
    &qemu_mon_opts,
    NULL,
};

static QemuOptsList *find_list(QemuOptsList **lists, const char *group)
{
    int i;

    for (i = 0; lists[i] != NULL; i++) {
        if (strcmp(lists[i]->name, group) == 0) {
            return lists[i];
        }
    }
    error_report("there is no option group \"%s\"", group);
    return NULL;
}

QemuOptsList *qemu_find_opts(const char *group)
{
    return find_list(config_groups, group);
}

void qemu_add_opts(QemuOptsList *list)
{
    int i;

    /* the last slot stays NULL as the terminator */
    for (i = 0; i < CONFIG_GROUPS_MAX - 1; i++) {
        if (config_groups[i] == NULL) {
            config_groups[i] = list;
            return;
        }
    }
    fprintf(stderr, "ran out of space in vm_config_groups");
    abort();
}

/* "group.id.name=value" sets one option of an existing group. */
int qemu_set_option(const char *str)
{
    char group[64], id[64], arg[64];
    QemuOptsList *list;
    QemuOpts *opts;
    int offset = 0;

    if (sscanf(str, "%63[^.].%63[^.].%63[^=]%n", group, id, arg,
               &offset) < 3 || str[offset] != '=') {
        error_report("can't parse: \"%s\"", str);
        return -1;
    }
    list = qemu_find_opts(group);
    if (list == NULL) {
        return -1;
    }
    opts = qemu_opts_find(list, id);
    if (opts == NULL) {
        error_report("there is no %s \"%s\" defined", list->name, id);
        return -1;
    }
    if (qemu_opt_set(opts, arg, str + offset + 1) == -1) {
        return -1;
    }
    return 0;
}

/* "driver.property=value" records a -global default. */
int qemu_global_option(const char *str)
{
    char driver[64], property[64];
    QemuOpts *opts;
    int offset = 0;

    if (sscanf(str, "%63[^.].%63[^=]%n", driver, property, &offset) < 2 ||
        str[offset] != '=') {
        error_report("can't parse: \"%s\"", str);
        return -1;
    }
    opts = qemu_opts_create(&qemu_global_opts, NULL, 0);
    qemu_opt_set(opts, "driver", driver);
    qemu_opt_set(opts, "property", property);
    qemu_opt_set(opts, "value", str + offset + 1);
    return 0;
}

typedef struct ConfigWriter {
    QemuOptsList *list;
    FILE *fp;
} ConfigWriter;

static int config_write_opt(const char *name, const char *value,
                            void *opaque)
{
    ConfigWriter *w = opaque;

    fprintf(w->fp, "  %s = \"%s\"\n", name, value ? value : "");
    return 0;
}

static int config_write_opts(QemuOpts *opts, void *opaque)
{
    ConfigWriter *w = opaque;
    const char *id = qemu_opts_id(opts);

    if (id != NULL) {
        fprintf(w->fp, "[%s \"%s\"]\n", w->list->name, id);
    } else {
        fprintf(w->fp, "[%s]\n", w->list->name);
    }
    qemu_opt_foreach(opts, config_write_opt, w, 0);
    fprintf(w->fp, "\n");
    return 0;
}

void qemu_config_write(FILE *fp)
{
    ConfigWriter w = { .fp = fp };
    int i;

    fprintf(fp, "# qemu config file\n\n");
    for (i = 0; config_groups[i] != NULL; i++) {
        w.list = config_groups[i];
        qemu_opts_foreach(w.list, config_write_opts, &w, 0);
    }
}

/*
 * The -readconfig format: "[group]" or "[group "id"]" headers followed by
 * '  name = "value"' lines; blank lines and '#' comments are skipped.
 */
int qemu_config_parse(FILE *fp, QemuOptsList **lists, const char *fname)
{
    char line[1024], group[64], id[64], arg[64], value[1024];
    QemuOptsList *list;
    QemuOpts *opts = NULL;
    Location loc;
    int lineno = 0;
    int ret = -1;

    loc_push_none(&loc);
    while (fgets(line, sizeof(line), fp) != NULL) {
        loc_set_file(fname, ++lineno);
        if (line[0] == '\n' || line[0] == '#') {
            continue;
        }
        if (sscanf(line, "[%63s \"%63[^\"]\"]", group, id) == 2) {
            list = find_list(lists, group);
            if (list == NULL) {
                goto out;
            }
            opts = qemu_opts_create(list, id, 1);
            continue;
        }
        if (sscanf(line, "[%63[^]]]", group) == 1) {
            list = find_list(lists, group);
            if (list == NULL) {
                goto out;
            }
            opts = qemu_opts_create(list, NULL, 0);
            continue;
        }
        if (sscanf(line, " %63s = \"%1023[^\"]\"", arg, value) == 2) {
            if (opts == NULL) {
                error_report("no group defined");
                goto out;
            }
            if (qemu_opt_set(opts, arg, value) != 0) {
                goto out;
            }
            continue;
        }
        error_report("parse error");
        goto out;
    }
    if (ferror(fp)) {
        error_report("error reading file");
        goto out;
    }
    ret = 0;
out:
    loc_pop(&loc);
    return ret;
}

int qemu_read_config_file(const char *filename)
{
    FILE *f = fopen(filename, "r");
    int ret;

    if (f == NULL) {
        return -errno;
    }
    ret = qemu_config_parse(f, config_groups, filename);
    fclose(f);
    return ret == 0 ? 0 : -EINVAL;
}
