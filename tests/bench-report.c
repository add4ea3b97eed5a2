/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark figures: median, spread, direction, reference and goal. */

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include "bench-report.h"

struct BenchFigure {
    char *name;
    const char *unit;
    bool higher_better;
    char *ref;
    double goal;
    GArray *values;
    GArray *ratios;
};

static int goals_met, goals_missed;

BenchFigure *bench_figure_new(const char *name, const char *unit,
                              bool higher_better, const char *ref,
                              double goal)
{
    BenchFigure *f = g_new0(BenchFigure, 1);

    f->name = g_strdup(name);
    f->unit = unit;
    f->higher_better = higher_better;
    f->ref = g_strdup(ref);
    f->goal = goal;
    f->values = g_array_new(FALSE, FALSE, sizeof(double));
    f->ratios = g_array_new(FALSE, FALSE, sizeof(double));
    return f;
}

void bench_figure_add(BenchFigure *f, double value, double ref_value)
{
    double ratio = ref_value > 0 ? value / ref_value : 0;

    g_array_append_val(f->values, value);
    g_array_append_val(f->ratios, ratio);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Median of a copy (the rounds stay in order). */
static double median(GArray *a)
{
    double *v = g_memdup2(a->data, a->len * sizeof(double));
    double m;

    qsort(v, a->len, sizeof(double), cmp_double);
    m = a->len % 2 ? v[a->len / 2] : (v[a->len / 2 - 1] + v[a->len / 2]) / 2;
    g_free(v);
    return m;
}

double bench_figure_median(const BenchFigure *f)
{
    return f->values->len ? median(f->values) : 0;
}

void bench_figure_report(BenchFigure *f)
{
    double value, ratio, lo = 0, hi = 0;
    GArray *spread;
    guint i;

    if (f->values->len == 0) {
        goto out;
    }
    value = median(f->values);
    ratio = f->ref ? median(f->ratios) : 1.0;
    /* a reference: how far its rounds are from its median */
    spread = f->ref ? f->ratios : f->values;
    for (i = 0; i < spread->len; i++) {
        double r = g_array_index(spread, double, i);

        if (!f->ref) {
            r = value > 0 ? r / value : 0;
        }
        lo = i ? MIN(lo, r) : r;
        hi = i ? MAX(hi, r) : r;
    }
    printf("bench %s %.*f %s x%.2f %s-better ref=%s", f->name,
           value < 10 ? 3 : 0, value, f->unit, ratio,
           f->higher_better ? "higher" : "lower", f->ref ? f->ref : "self");
    if (f->goal > 0) {
        printf(" goal%sx%.2f", f->higher_better ? ">=" : "<=", f->goal);
    }
    printf(" spread=x%.2f..x%.2f n=%u", lo, hi, f->values->len);
    if (f->goal > 0) {
        bool met = f->higher_better ? ratio >= f->goal : ratio <= f->goal;

        printf(" %s", met ? "met" : "missed");
        if (met) {
            goals_met++;
        } else {
            goals_missed++;
        }
    }
    printf("\n");
    fflush(stdout);
out:
    g_array_free(f->values, TRUE);
    g_array_free(f->ratios, TRUE);
    g_free(f->name);
    g_free(f->ref);
    g_free(f);
}

int bench_summary(void)
{
    printf("%d goals met, %d missed\n", goals_met, goals_missed);
    fflush(stdout);
    return goals_missed;
}
