/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mirrors the part of QEMU v0.15.0's qerror.h that the fragment uses. */

#ifndef QERROR_H
#define QERROR_H

#include "qemu-common.h"
#include "qdict.h"

/* The error classes: a JSON template with the arguments of the class. */
#define QERR_DEVICE_NOT_FOUND \
    "{ 'class': 'DeviceNotFound', 'data': { 'device': %s } }"

#define QERR_INVALID_PARAMETER \
    "{ 'class': 'InvalidParameter', 'data': { 'name': %s } }"

#define QERR_INVALID_PARAMETER_TYPE \
    "{ 'class': 'InvalidParameterType', 'data': { 'name': %s,'expected': %s } }"

#define QERR_INVALID_PARAMETER_VALUE \
    "{ 'class': 'InvalidParameterValue', 'data': { 'name': %s, 'expected': %s } }"

#define QERR_MISSING_PARAMETER \
    "{ 'class': 'MissingParameter', 'data': { 'name': %s } }"

#define QERR_COMMAND_NOT_FOUND \
    "{ 'class': 'CommandNotFound', 'data': { 'name': %s } }"

/*
 * Report an error of a monitor command.  In a QMP command the error is
 * kept for the reply (see support_monitor_qmp()); elsewhere its text goes
 * out like error_report() does.
 */
void qerror_report(const char *fmt, ...) GCC_FMT_ATTR(1, 2);

#endif
