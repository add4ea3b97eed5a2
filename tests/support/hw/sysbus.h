/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mirrors the part of QEMU v0.15.0 hw/sysbus.h we need: the root bus. */

#ifndef HW_SYSBUS_H
#define HW_SYSBUS_H

#include "qdev.h"

#endif
