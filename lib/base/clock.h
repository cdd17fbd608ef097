/* clock.h - the times the suite reads: run times, log stamps, file stamps */
#ifndef CLOCK_H
#define CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Seconds on the monotonic clock: for measuring spans. */
double monotonic_seconds(void);
/* Seconds since the epoch: for logs. */
double wall_seconds(void);
/* Sleep, resuming after signals, for the whole span. */
void pause_seconds(double seconds);
/* Local time as 2026-01-25T15:13:46, the learned file's generated_at. */
void iso_local_time(char *buf, size_t size);
/* SplitMix64: a small, seedable generator for shuffles and initial weights. */
uint64_t splitmix64(uint64_t *state);

#endif
