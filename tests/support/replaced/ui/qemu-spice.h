/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The part of QEMU v0.15.0's ui/qemu-spice.h that chardev code uses, for the patches before the one that replaces it. */
#ifndef REPLACED_UI_QEMU_SPICE_H
#define REPLACED_UI_QEMU_SPICE_H

#include "qemu-common.h"

#ifdef CONFIG_SPICE
#include "qemu-option.h"
#include "qemu-char.h"

extern int using_spice;

int qemu_chr_open_spice(QemuOpts *opts, CharDriverState **_chr);
#else
#define using_spice 0
#endif

#endif
