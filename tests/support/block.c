/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: block layer stand-in that counts bdrv_commit_all(). */

#include "qemu-common.h"
#include "block.h"
#include "support-test.h"

static int commit_all_calls;

void bdrv_commit_all(void)
{
    /* No block devices in the standalone build: just count the call. */
    commit_all_calls++;
}

int support_bdrv_commit_all_count(void)
{
    return commit_all_calls;
}
