/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: copying between flat buffers and scatter/gather lists. */

#include "iov.h"

size_t iov_from_buf(struct iovec *iov, unsigned int iov_cnt,
                    const void *buf, size_t iov_off, size_t size)
{
    const uint8_t *src = buf;
    size_t done = 0;
    unsigned int i;

    for (i = 0; i < iov_cnt && done < size; i++) {
        size_t n;

        if (iov_off >= iov[i].iov_len) {
            iov_off -= iov[i].iov_len;
            continue;
        }
        n = MIN(iov[i].iov_len - iov_off, size - done);
        memcpy((uint8_t *)iov[i].iov_base + iov_off, src + done, n);
        done += n;
        iov_off = 0;
    }
    return done;
}

size_t iov_to_buf(const struct iovec *iov, const unsigned int iov_cnt,
                  void *buf, size_t iov_off, size_t size)
{
    uint8_t *dst = buf;
    size_t done = 0;
    unsigned int i;

    for (i = 0; i < iov_cnt && done < size; i++) {
        size_t n;

        if (iov_off >= iov[i].iov_len) {
            iov_off -= iov[i].iov_len;
            continue;
        }
        n = MIN(iov[i].iov_len - iov_off, size - done);
        memcpy(dst + done, (const uint8_t *)iov[i].iov_base + iov_off, n);
        done += n;
        iov_off = 0;
    }
    return done;
}

size_t iov_size(const struct iovec *iov, const unsigned int iov_cnt)
{
    size_t len = 0;
    unsigned int i;

    for (i = 0; i < iov_cnt; i++) {
        len += iov[i].iov_len;
    }
    return len;
}
