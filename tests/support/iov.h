/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mirrors the QEMU v0.15.0 iov.h interface for the standalone build. */

#ifndef QEMU_IOV_H
#define QEMU_IOV_H

#include "qemu-common.h"

/* Copy into / out of a scatter list starting @iov_off bytes into it. */
size_t iov_from_buf(struct iovec *iov, unsigned int iov_cnt,
                    const void *buf, size_t iov_off, size_t size);
size_t iov_to_buf(const struct iovec *iov, const unsigned int iov_cnt,
                  void *buf, size_t iov_off, size_t size);
size_t iov_size(const struct iovec *iov, const unsigned int iov_cnt);

#endif
