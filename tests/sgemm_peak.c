/*
 * sgemm_peak - the benchmark's yardstick: single-precision GFLOP/s of
 * OpenBLAS on 2048 x 2048 matrices, one thread, best of five.
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"

#define N 2048

int
main(void)
{
	float *a = malloc(sizeof(float) * N * N), *b = malloc(sizeof(float) * N * N),
	    *c = malloc(sizeof(float) * N * N);
	double best = 0;
	size_t i;
	int rep;

	openblas_set_num_threads(1);
	for (i = 0; i < (size_t)N * N; i++) {
		a[i] = (float)(i % 7) * 0.1f;
		b[i] = (float)(i % 5) * 0.2f;
	}
	for (rep = 0; rep < 5; rep++) {
		double t = monotonic_seconds(), gflops;

		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, N, N, 1.0f,
		    a, N, b, N, 0.0f, c, N);
		gflops = 2.0 * N * N * N / (monotonic_seconds() - t) / 1e9;
		if (gflops > best)
			best = gflops;
	}
	/* Print a result element so the products cannot be optimised away. */
	printf("%.2f %g\n", best, (double)c[N + 1]);
	free(a);
	free(b);
	free(c);
	return 0;
}
