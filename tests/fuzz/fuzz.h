/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libFuzzer entry point every tests/fuzz/fuzz-*.c target defines. */
#ifndef TESTS_FUZZ_H
#define TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
