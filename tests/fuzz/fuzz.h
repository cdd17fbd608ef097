/*
 * fuzz.h - what the libFuzzer harnesses share: an input as a file
 *
 * Every harness calls the library functions the programs call. Parsers that
 * only read from a path get the input through a file in a private temporary
 * folder (made once per process, removed at exit).
 */
#ifndef FUZZ_H
#define FUZZ_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The process's private folder, made on first use. */
const char *fuzz_dir(void);
/* dir/name holding data[0..size) (replaced); the path, valid until the next call with name. */
const char *fuzz_file(const char *name, const uint8_t *data, size_t size);
/* dir/name, without creating it. */
const char *fuzz_path(const char *name);

#endif
