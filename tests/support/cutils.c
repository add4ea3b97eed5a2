/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: bounded string helpers and size parsing (cutils). */

#include "qemu-common.h"

/* Copies at most buf_size - 1 bytes and always terminates buf. */
void pstrcpy(char *buf, int buf_size, const char *str)
{
    size_t n;

    if (buf_size <= 0) {
        return;
    }
    n = strnlen(str, buf_size - 1);
    memcpy(buf, str, n);
    buf[n] = '\0';
}

/* Appends s to the string in buf, truncating to fit buf_size. */
char *pstrcat(char *buf, int buf_size, const char *s)
{
    int len = strlen(buf);

    if (len < buf_size) {
        pstrcpy(buf + len, buf_size - len, s);
    }
    return buf;
}

/* If str begins with val, store the rest of str in *ptr and return 1. */
int strstart(const char *str, const char *val, const char **ptr)
{
    size_t n = strlen(val);

    if (strncmp(str, val, n) != 0) {
        return 0;
    }
    if (ptr) {
        *ptr = str + n;
    }
    return 1;
}

/* Case-insensitive strstart. */
int stristart(const char *str, const char *val, const char **ptr)
{
    size_t i;

    for (i = 0; val[i] != '\0'; i++) {
        if (qemu_toupper(str[i]) != qemu_toupper(val[i])) {
            return 0;
        }
    }
    if (ptr) {
        *ptr = str + i;
    }
    return 1;
}

int qemu_strnlen(const char *s, int max_len)
{
    if (max_len <= 0) {
        return 0;
    }
    return strnlen(s, max_len);
}

static bool size_terminator(char c)
{
    return c == '\0' || c == ',' || qemu_isspace(c);
}

/*
 * Parse a byte count such as "64", "1.5G" or "512k".  Without a suffix,
 * default_suffix applies (a fractional number then needs a unit larger
 * than bytes).  The number may be followed by whitespace, ',' or the end
 * of the string.  Returns -1 on error; *end gets where parsing stopped.
 */
int64_t strtosz_suffix(const char *nptr, char **end, const char default_suffix)
{
    int64_t result = -1;
    char *endptr;
    double val;
    double mul;
    bool fractional;
    char unit;
    bool explicit_unit;

    errno = 0;
    val = strtod(nptr, &endptr);
    if (endptr == nptr || errno != 0 || val != val || val < 0 ||
        val >= 9223372036854775808.0) {
        goto fail;
    }
    fractional = val != (double)(int64_t)val;

    explicit_unit = !size_terminator(*endptr);
    unit = explicit_unit ? *endptr : default_suffix;

    switch (qemu_toupper(unit)) {
    case STRTOSZ_DEFSUFFIX_B:
        if (fractional) {
            goto fail;
        }
        mul = 1;
        break;
    case STRTOSZ_DEFSUFFIX_KB:
        mul = 1ULL << 10;
        break;
    case '\0':
        /* No unit at all: mebibytes, but only for whole numbers. */
        if (fractional) {
            goto fail;
        }
        mul = 1ULL << 20;
        break;
    case STRTOSZ_DEFSUFFIX_MB:
        mul = 1ULL << 20;
        break;
    case STRTOSZ_DEFSUFFIX_GB:
        mul = 1ULL << 30;
        break;
    case STRTOSZ_DEFSUFFIX_TB:
        mul = 1ULL << 40;
        break;
    default:
        goto fail;
    }
    if (explicit_unit) {
        endptr++;
        if (!size_terminator(*endptr)) {
            goto fail;
        }
    }
    if (val * mul >= 9223372036854775808.0) {
        goto fail;
    }
    result = (int64_t)(val * mul);

fail:
    if (end) {
        *end = endptr;
    }
    return result;
}

int64_t strtosz(const char *nptr, char **end)
{
    return strtosz_suffix(nptr, end, STRTOSZ_DEFSUFFIX_MB);
}
