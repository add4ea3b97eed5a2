/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Microsoft serial mouse emulated as a chardev backend ("msmouse"). */
#ifndef HW_MSMOUSE_H
#define HW_MSMOUSE_H

#include "qemu-common.h"
#include "qemu-option.h"

int qemu_chr_open_msmouse(QemuOpts *opts, CharDriverState **_chr);

#endif
