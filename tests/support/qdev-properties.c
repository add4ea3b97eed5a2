/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: qdev properties (integers, bits, strings, chardevs). */

#include "hw/qdev.h"
#include "qemu-char.h"
#include "qemu-error.h"

void *qdev_get_prop_ptr(DeviceState *dev, Property *prop)
{
    return (uint8_t *)dev + prop->offset;
}

/* Unsigned number in C notation that fits in @max. */
static int parse_unsigned(const char *str, uint64_t max, uint64_t *val)
{
    char *end;

    if (!*str || *str == '-') {
        return -EINVAL;
    }
    errno = 0;
    *val = strtoull(str, &end, 0);
    if (errno || *end || *val > max) {
        return -EINVAL;
    }
    return 0;
}

/* bit */

static uint32_t qdev_get_prop_mask(Property *prop)
{
    assert(prop->info->type == PROP_TYPE_BIT);
    return 0x1 << prop->bitnr;
}

static void bit_prop_set(DeviceState *dev, Property *props, bool val)
{
    uint32_t *p = qdev_get_prop_ptr(dev, props);
    uint32_t mask = qdev_get_prop_mask(props);

    if (val) {
        *p |= mask;
    } else {
        *p &= ~mask;
    }
}

static int parse_bit(DeviceState *dev, Property *prop, const char *str)
{
    if (!strcasecmp(str, "on")) {
        bit_prop_set(dev, prop, true);
    } else if (!strcasecmp(str, "off")) {
        bit_prop_set(dev, prop, false);
    } else {
        return -EINVAL;
    }
    return 0;
}

static int print_bit(DeviceState *dev, Property *prop, char *dest, size_t len)
{
    uint32_t *p = qdev_get_prop_ptr(dev, prop);

    return snprintf(dest, len, (*p & qdev_get_prop_mask(prop)) ? "on"
                                                               : "off");
}

PropertyInfo qdev_prop_bit = {
    .name  = "on/off",
    .type  = PROP_TYPE_BIT,
    .size  = sizeof(uint32_t),
    .parse = parse_bit,
    .print = print_bit,
};

/* integers */

#define DEFINE_UINT_PROP(_bits, _name, _fmt)                             \
static int parse_uint##_bits(DeviceState *dev, Property *prop,           \
                             const char *str)                            \
{                                                                        \
    uint##_bits##_t *ptr = qdev_get_prop_ptr(dev, prop);                 \
    uint64_t v;                                                          \
                                                                         \
    if (parse_unsigned(str, UINT##_bits##_MAX, &v) < 0) {                \
        return -EINVAL;                                                  \
    }                                                                    \
    *ptr = v;                                                            \
    return 0;                                                            \
}                                                                        \
static int print_uint##_bits(DeviceState *dev, Property *prop,           \
                             char *dest, size_t len)                     \
{                                                                        \
    uint##_bits##_t *ptr = qdev_get_prop_ptr(dev, prop);                 \
                                                                         \
    return snprintf(dest, len, _fmt, *ptr);                              \
}                                                                        \
PropertyInfo qdev_prop_uint##_bits = {                                   \
    .name  = _name,                                                      \
    .type  = PROP_TYPE_UINT##_bits,                                      \
    .size  = sizeof(uint##_bits##_t),                                    \
    .parse = parse_uint##_bits,                                          \
    .print = print_uint##_bits,                                          \
};

DEFINE_UINT_PROP(8, "uint8", "%" PRIu8)
DEFINE_UINT_PROP(16, "uint16", "%" PRIu16)
DEFINE_UINT_PROP(32, "uint32", "%" PRIu32)
DEFINE_UINT_PROP(64, "uint64", "%" PRIu64)

static int parse_int32(DeviceState *dev, Property *prop, const char *str)
{
    int32_t *ptr = qdev_get_prop_ptr(dev, prop);
    char *end;
    long long v;

    errno = 0;
    v = strtoll(str, &end, 0);
    if (!*str || errno || *end || v < INT32_MIN || v > INT32_MAX) {
        return -EINVAL;
    }
    *ptr = v;
    return 0;
}

static int print_int32(DeviceState *dev, Property *prop, char *dest,
                       size_t len)
{
    int32_t *ptr = qdev_get_prop_ptr(dev, prop);

    return snprintf(dest, len, "%" PRId32, *ptr);
}

PropertyInfo qdev_prop_int32 = {
    .name  = "int32",
    .type  = PROP_TYPE_INT32,
    .size  = sizeof(int32_t),
    .parse = parse_int32,
    .print = print_int32,
};

static int parse_hex32(DeviceState *dev, Property *prop, const char *str)
{
    uint32_t *ptr = qdev_get_prop_ptr(dev, prop);
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(str, &end, 16);
    if (!*str || errno || *end || v > UINT32_MAX) {
        return -EINVAL;
    }
    *ptr = v;
    return 0;
}

static int print_hex32(DeviceState *dev, Property *prop, char *dest,
                       size_t len)
{
    uint32_t *ptr = qdev_get_prop_ptr(dev, prop);

    return snprintf(dest, len, "0x%" PRIx32, *ptr);
}

PropertyInfo qdev_prop_hex32 = {
    .name  = "hex32",
    .type  = PROP_TYPE_UINT32,
    .size  = sizeof(uint32_t),
    .parse = parse_hex32,
    .print = print_hex32,
};

/* string */

static int parse_string(DeviceState *dev, Property *prop, const char *str)
{
    char **ptr = qdev_get_prop_ptr(dev, prop);

    qemu_free(*ptr);
    *ptr = qemu_strdup(str);
    return 0;
}

static void free_string(DeviceState *dev, Property *prop)
{
    char **ptr = qdev_get_prop_ptr(dev, prop);

    qemu_free(*ptr);
    *ptr = NULL;
}

static int print_string(DeviceState *dev, Property *prop, char *dest,
                        size_t len)
{
    char **ptr = qdev_get_prop_ptr(dev, prop);

    return snprintf(dest, len, "\"%s\"", *ptr ? *ptr : "<null>");
}

PropertyInfo qdev_prop_string = {
    .name  = "string",
    .type  = PROP_TYPE_STRING,
    .size  = sizeof(char *),
    .parse = parse_string,
    .print = print_string,
    .free  = free_string,
};

/* chardev: taking one claims a connection of the backend */

static int parse_chr(DeviceState *dev, Property *prop, const char *str)
{
    CharDriverState **ptr = qdev_get_prop_ptr(dev, prop);
    CharDriverState *chr = qemu_chr_find(str);

    if (chr == NULL) {
        return -ENOENT;
    }
    if (chr->avail_connections < 1) {
        return -EEXIST;
    }
    --chr->avail_connections;
    *ptr = chr;
    return 0;
}

static int print_chr(DeviceState *dev, Property *prop, char *dest,
                     size_t len)
{
    CharDriverState **ptr = qdev_get_prop_ptr(dev, prop);

    if (*ptr && (*ptr)->label) {
        return snprintf(dest, len, "%s", (*ptr)->label);
    }
    return snprintf(dest, len, "<null>");
}

PropertyInfo qdev_prop_chr = {
    .name  = "chr",
    .type  = PROP_TYPE_CHR,
    .size  = sizeof(CharDriverState *),
    .parse = parse_chr,
    .print = print_chr,
};

/* pointer: set by board code only */

PropertyInfo qdev_prop_ptr = {
    .name  = "ptr",
    .type  = PROP_TYPE_PTR,
    .size  = sizeof(void *),
};

/* setting properties */

static Property *qdev_prop_walk(Property *props, const char *name)
{
    if (!props) {
        return NULL;
    }
    while (props->name) {
        if (strcmp(props->name, name) == 0) {
            return props;
        }
        props++;
    }
    return NULL;
}

static Property *qdev_prop_find(DeviceState *dev, const char *name)
{
    Property *prop = qdev_prop_walk(dev->info->props, name);

    if (prop) {
        return prop;
    }
    if (dev->parent_bus) {
        return qdev_prop_walk(dev->parent_bus->info->props, name);
    }
    return NULL;
}

int qdev_prop_exists(DeviceState *dev, const char *name)
{
    return qdev_prop_find(dev, name) ? true : false;
}

int qdev_prop_parse(DeviceState *dev, const char *name, const char *value)
{
    Property *prop = qdev_prop_find(dev, name);
    int ret;

    if (!prop) {
        error_report("Property '%s.%s' not found", dev->info->name, name);
        return -1;
    }
    if (!prop->info->parse) {
        error_report("Property '%s.%s' can not be set from the command line",
                     dev->info->name, name);
        return -1;
    }
    ret = prop->info->parse(dev, prop, value);
    if (ret < 0) {
        switch (ret) {
        case -EEXIST:
            error_report("Property '%s.%s' can't take value '%s', "
                         "it's in use", dev->info->name, name, value);
            break;
        case -ENOENT:
            error_report("Property '%s.%s' can't find value '%s'",
                         dev->info->name, name, value);
            break;
        default:
            error_report("Property '%s.%s' doesn't take value '%s'",
                         dev->info->name, name, value);
            break;
        }
        return -1;
    }
    return 0;
}

void qdev_prop_set(DeviceState *dev, const char *name, void *src,
                   enum PropertyType type)
{
    Property *prop = qdev_prop_find(dev, name);

    if (!prop) {
        hw_error("%s: property \"%s.%s\" not found", __func__,
                 dev->info->name, name);
    }
    if (prop->info->type != type) {
        hw_error("%s: property \"%s.%s\" type mismatch", __func__,
                 dev->info->name, name);
    }
    memcpy(qdev_get_prop_ptr(dev, prop), src, prop->info->size);
}

void qdev_prop_set_bit(DeviceState *dev, const char *name, bool value)
{
    Property *prop = qdev_prop_find(dev, name);

    if (!prop || prop->info->type != PROP_TYPE_BIT) {
        hw_error("%s: bit property \"%s.%s\" not found", __func__,
                 dev->info->name, name);
    }
    bit_prop_set(dev, prop, value);
}

void qdev_prop_set_uint8(DeviceState *dev, const char *name, uint8_t value)
{
    qdev_prop_set(dev, name, &value, PROP_TYPE_UINT8);
}

void qdev_prop_set_uint16(DeviceState *dev, const char *name, uint16_t value)
{
    qdev_prop_set(dev, name, &value, PROP_TYPE_UINT16);
}

void qdev_prop_set_uint32(DeviceState *dev, const char *name, uint32_t value)
{
    qdev_prop_set(dev, name, &value, PROP_TYPE_UINT32);
}

void qdev_prop_set_int32(DeviceState *dev, const char *name, int32_t value)
{
    qdev_prop_set(dev, name, &value, PROP_TYPE_INT32);
}

void qdev_prop_set_uint64(DeviceState *dev, const char *name, uint64_t value)
{
    qdev_prop_set(dev, name, &value, PROP_TYPE_UINT64);
}

void qdev_prop_set_string(DeviceState *dev, const char *name, char *value)
{
    char *copy = qemu_strdup(value);
    Property *prop = qdev_prop_find(dev, name);

    if (prop && prop->info->type == PROP_TYPE_STRING) {
        qemu_free(*(char **)qdev_get_prop_ptr(dev, prop));
    }
    qdev_prop_set(dev, name, &copy, PROP_TYPE_STRING);
}

/* Like v0.15.0: the board wires the chardev, no connection is claimed. */
void qdev_prop_set_chr(DeviceState *dev, const char *name,
                       CharDriverState *value)
{
    qdev_prop_set(dev, name, &value, PROP_TYPE_CHR);
}

void qdev_prop_set_ptr(DeviceState *dev, const char *name, void *value)
{
    qdev_prop_set(dev, name, &value, PROP_TYPE_PTR);
}

void qdev_prop_set_defaults(DeviceState *dev, Property *props)
{
    if (!props) {
        return;
    }
    for (; props->name; props++) {
        if (!props->defval) {
            continue;
        }
        if (props->info->type == PROP_TYPE_BIT) {
            bit_prop_set(dev, props, *(bool *)props->defval);
        } else {
            memcpy(qdev_get_prop_ptr(dev, props), props->defval,
                   props->info->size);
        }
    }
}
