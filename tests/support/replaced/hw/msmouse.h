/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The interface of QEMU v0.15.0's hw/msmouse.h, for the patches before the one that replaces it. */
#ifndef REPLACED_HW_MSMOUSE_H
#define REPLACED_HW_MSMOUSE_H

#include "qemu-common.h"
#include "qemu-option.h"

int qemu_chr_open_msmouse(QemuOpts *opts, CharDriverState **_chr);

#endif
