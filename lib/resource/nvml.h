/*
 * nvml.h - NVIDIA's GPUs through NVML, over the functions the system's
 * loader found: dlsym() in gpu.c, GetProcAddress() in res-gate.exe
 */
#ifndef NVML_H
#define NVML_H

#include "gpu.h"

struct nvml;

/* A symbol of the loaded library, or NULL. */
typedef void *nvml_lookup_fn(void *lib, const char *name);

/*
 * Find NVML's calls in lib and initialise it. NULL when a call is missing
 * or nvmlInit fails (no driver loaded): no NVIDIA GPUs, not an error. The
 * caller still owns lib, and unloads it after nvml_unbind.
 */
struct nvml *nvml_bind(void *lib, nvml_lookup_fn *lookup);
/* nvmlShutdown, and the handle freed; NULL is allowed. */
void nvml_unbind(struct nvml *n);
/* The GPUs NVML lists; 0 when it cannot say (or n is NULL). */
unsigned int nvml_count(struct nvml *n);
/* GPU i into gi, as an NVIDIA GPU; a figure NVML cannot give stays -1. */
void nvml_read(struct nvml *n, unsigned int i, struct gpu_info *gi);

#endif
