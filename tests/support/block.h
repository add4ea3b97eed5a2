/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mirrors the QEMU v0.15.0 block.h interface for the standalone build. */

#ifndef BLOCK_H
#define BLOCK_H

#include "qemu-common.h"

/* Only what the chardev fragment calls: the mux "C-a s" command. */
void bdrv_commit_all(void);

#endif
