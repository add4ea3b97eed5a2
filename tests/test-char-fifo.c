/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of ByteFifo, the bounded byte queue behind every chardev ring. */
#include <glib.h>
#include "qemu-common.h"
#include "qemu-char.h"

/* Bytes i, i+1, ... (mod 256): a shifted or reordered byte shows. */
static void fill_seq(uint8_t *buf, size_t n, unsigned int first)
{
    size_t i;

    for (i = 0; i < n; i++) {
        buf[i] = (uint8_t)(first + i);
    }
}

static void assert_seq(const uint8_t *buf, size_t n, unsigned int first)
{
    size_t i;

    for (i = 0; i < n; i++) {
        g_assert_cmpuint(buf[i], ==, (uint8_t)(first + i));
    }
}

static void test_empty(void)
{
    ByteFifo f;
    uint8_t buf[4] = { 0 };
    size_t n = 99;

    byte_fifo_init(&f, 16);
    g_assert_cmpuint(byte_fifo_len(&f), ==, 0);
    g_assert_cmpuint(byte_fifo_room(&f), ==, 16);
    g_assert_cmpuint(byte_fifo_pop(&f, buf, sizeof(buf)), ==, 0);
    byte_fifo_peek(&f, &n);
    g_assert_cmpuint(n, ==, 0);
    /* nothing was allocated for an empty FIFO */
    g_assert(f.buf == NULL);
    byte_fifo_destroy(&f);
    g_assert_cmpuint(byte_fifo_room(&f), ==, 16);
}

static void test_zero_length(void)
{
    ByteFifo f;
    uint8_t buf[8];

    fill_seq(buf, sizeof(buf), 0);
    byte_fifo_init(&f, 8);
    g_assert_cmpuint(byte_fifo_push(&f, buf, 0), ==, 0);
    g_assert_cmpuint(byte_fifo_len(&f), ==, 0);
    g_assert_cmpuint(byte_fifo_push(&f, buf, 3), ==, 3);
    g_assert_cmpuint(byte_fifo_pop(&f, buf, 0), ==, 0);
    byte_fifo_consume(&f, 0);
    g_assert_cmpuint(byte_fifo_len(&f), ==, 3);
    byte_fifo_destroy(&f);

    /* a zeroed FIFO has limit 0 and takes nothing */
    memset(&f, 0, sizeof(f));
    g_assert_cmpuint(byte_fifo_push(&f, buf, 1), ==, 0);
    g_assert_cmpuint(byte_fifo_len(&f), ==, 0);
    byte_fifo_destroy(&f);
}

static void test_full(void)
{
    ByteFifo f;
    uint8_t in[40], out[40];

    fill_seq(in, sizeof(in), 10);
    byte_fifo_init(&f, 32);
    /* a push larger than the room is short, never over the limit */
    g_assert_cmpuint(byte_fifo_push(&f, in, 20), ==, 20);
    g_assert_cmpuint(byte_fifo_push(&f, in + 20, 20), ==, 12);
    g_assert_cmpuint(byte_fifo_len(&f), ==, 32);
    g_assert_cmpuint(byte_fifo_room(&f), ==, 0);
    g_assert_cmpuint(f.size, <=, 32);
    g_assert_cmpuint(byte_fifo_push(&f, in, 1), ==, 0);
    /* what went in comes out, in order */
    g_assert_cmpuint(byte_fifo_pop(&f, out, sizeof(out)), ==, 32);
    assert_seq(out, 32, 10);
    g_assert_cmpuint(byte_fifo_len(&f), ==, 0);
    g_assert_cmpuint(byte_fifo_room(&f), ==, 32);
    byte_fifo_destroy(&f);
}

static void test_partial_pop(void)
{
    ByteFifo f;
    uint8_t in[10], out[10];

    fill_seq(in, sizeof(in), 0);
    byte_fifo_init(&f, 100);
    g_assert_cmpuint(byte_fifo_push(&f, in, 10), ==, 10);
    g_assert_cmpuint(byte_fifo_pop(&f, out, 4), ==, 4);
    assert_seq(out, 4, 0);
    g_assert_cmpuint(byte_fifo_len(&f), ==, 6);
    g_assert_cmpuint(byte_fifo_pop(&f, out, 4), ==, 4);
    assert_seq(out, 4, 4);
    /* asking for more than is there takes what is there */
    g_assert_cmpuint(byte_fifo_pop(&f, out, 10), ==, 2);
    assert_seq(out, 2, 8);
    g_assert_cmpuint(byte_fifo_len(&f), ==, 0);
    byte_fifo_destroy(&f);
}

/* Storage fixed at the limit: the data wraps around its end. */
static void test_wrap_around(void)
{
    ByteFifo f;
    uint8_t in[64], out[64];
    const uint8_t *p;
    size_t n, got;
    unsigned int next_in = 0, next_out = 0;
    int round;

    byte_fifo_init(&f, 64);
    fill_seq(in, 64, next_in);
    g_assert_cmpuint(byte_fifo_push(&f, in, 64), ==, 64);
    next_in += 64;
    g_assert_cmpuint(f.size, ==, 64);

    for (round = 0; round < 50; round++) {
        /* odd sizes so the head and tail land everywhere */
        size_t take = 1 + (round * 7) % 37;

        g_assert_cmpuint(byte_fifo_pop(&f, out, take), ==, take);
        assert_seq(out, take, next_out);
        next_out += take;
        fill_seq(in, take, next_in);
        g_assert_cmpuint(byte_fifo_push(&f, in, take), ==, take);
        next_in += take;
        g_assert_cmpuint(byte_fifo_len(&f), ==, 64);
        /* never regrown: the limit is the storage */
        g_assert_cmpuint(f.size, ==, 64);
    }

    /* peek gives the part up to the end of storage, then the rest */
    got = 0;
    while (byte_fifo_len(&f) > 0) {
        p = byte_fifo_peek(&f, &n);
        g_assert_cmpuint(n, >, 0);
        g_assert_cmpuint(n, <=, byte_fifo_len(&f));
        assert_seq(p, n, next_out + got);
        byte_fifo_consume(&f, n);
        got += n;
    }
    g_assert_cmpuint(got, ==, 64);
    byte_fifo_destroy(&f);
}

static void test_peek_consume(void)
{
    ByteFifo f;
    uint8_t in[16];
    const uint8_t *p;
    size_t n;

    fill_seq(in, sizeof(in), 100);
    byte_fifo_init(&f, 16);
    byte_fifo_push(&f, in, 16);
    p = byte_fifo_peek(&f, &n);
    g_assert_cmpuint(n, ==, 16);
    assert_seq(p, n, 100);
    /* a peek takes nothing */
    g_assert_cmpuint(byte_fifo_len(&f), ==, 16);
    /* a consumer that took part of it */
    byte_fifo_consume(&f, 5);
    p = byte_fifo_peek(&f, &n);
    g_assert_cmpuint(n, ==, 11);
    assert_seq(p, n, 105);
    byte_fifo_clear(&f);
    g_assert_cmpuint(byte_fifo_len(&f), ==, 0);
    byte_fifo_peek(&f, &n);
    g_assert_cmpuint(n, ==, 0);
    /* storage is kept across a clear and reused */
    g_assert(f.buf != NULL);
    byte_fifo_push(&f, in, 3);
    p = byte_fifo_peek(&f, &n);
    g_assert_cmpuint(n, ==, 3);
    assert_seq(p, n, 100);
    byte_fifo_destroy(&f);
    g_assert(f.buf == NULL);
    g_assert_cmpuint(byte_fifo_len(&f), ==, 0);
}

/* Growing while the data wraps keeps it in order. */
static void test_grow_wrapped(void)
{
    ByteFifo f;
    uint8_t in[4096], out[4096];
    size_t cap;

    byte_fifo_init(&f, sizeof(in));
    fill_seq(in, sizeof(in), 0);
    g_assert_cmpuint(byte_fifo_push(&f, in, 10), ==, 10);
    cap = f.size;
    g_assert_cmpuint(cap, <, sizeof(in));
    /* move the head near the end of storage, then wrap the tail */
    g_assert_cmpuint(byte_fifo_pop(&f, out, 8), ==, 8);
    g_assert_cmpuint(byte_fifo_push(&f, in + 10, cap - 4), ==, cap - 4);
    g_assert_cmpuint(f.size, ==, cap);
    /* more than the storage holds: it grows, the order stays */
    g_assert_cmpuint(byte_fifo_push(&f, in + 6 + cap, 1000), ==, 1000);
    g_assert_cmpuint(f.size, >, cap);
    g_assert_cmpuint(byte_fifo_len(&f), ==, 2 + cap - 4 + 1000);
    g_assert_cmpuint(byte_fifo_pop(&f, out, sizeof(out)), ==,
                     2 + cap - 4 + 1000);
    assert_seq(out, 2 + cap - 4 + 1000, 8);
    byte_fifo_destroy(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/char/fifo/empty", test_empty);
    g_test_add_func("/char/fifo/zero-length", test_zero_length);
    g_test_add_func("/char/fifo/full", test_full);
    g_test_add_func("/char/fifo/partial-pop", test_partial_pop);
    g_test_add_func("/char/fifo/wrap-around", test_wrap_around);
    g_test_add_func("/char/fifo/peek-consume", test_peek_consume);
    g_test_add_func("/char/fifo/grow-wrapped", test_grow_wrapped);
    return g_test_run();
}
