/*
 * nvml.c - NVIDIA's GPUs through NVML, over the functions the system's
 * loader found
 *
 * NVML comes with NVIDIA's driver, not as a package to build against, so it
 * is loaded at run time and its few types are declared here, laid out as
 * NVIDIA's nvml.h has them: the programs build and run on machines without
 * it. The loading is the system's (dlopen in gpu.c, LoadLibrary in
 * lib/windows/probe_win.c); the calls are the same on both, so they are
 * made here, once, by plain C that both builds compile.
 */
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "nvml.h"

typedef int nvml_return;			/* nvmlReturn_t: 0 is NVML_SUCCESS */
typedef struct nvml_device *nvml_device;	/* nvmlDevice_t */
struct nvml_utilization {			/* nvmlUtilization_t, percent */
	unsigned int gpu, memory;
};
struct nvml_memory {				/* nvmlMemory_t, bytes */
	unsigned long long total, free, used;
};

typedef nvml_return init_fn(void);
typedef nvml_return count_fn(unsigned int *count);
typedef nvml_return handle_fn(unsigned int index, nvml_device *dev);
typedef nvml_return util_fn(nvml_device dev, struct nvml_utilization *u);
typedef nvml_return memory_fn(nvml_device dev, struct nvml_memory *m);

struct nvml {
	init_fn *init, *shutdown;
	count_fn *count;
	handle_fn *handle;
	util_fn *utilization;
	memory_fn *memory;
};

/* Drivers before 2011 lack the _v2 names. */
static void *
sym(void *lib, nvml_lookup_fn *lookup, const char *name, const char *older)
{
	void *p = lookup(lib, name);

	if (p == NULL && older != NULL)
		p = lookup(lib, older);
	return p;
}

struct nvml *
nvml_bind(void *lib, nvml_lookup_fn *lookup)
{
	struct nvml *n = xcalloc(1, sizeof *n);

	n->init = (init_fn *)sym(lib, lookup, "nvmlInit_v2", "nvmlInit");
	n->shutdown = (init_fn *)sym(lib, lookup, "nvmlShutdown", NULL);
	n->count = (count_fn *)sym(lib, lookup, "nvmlDeviceGetCount_v2",
	    "nvmlDeviceGetCount");
	n->handle = (handle_fn *)sym(lib, lookup, "nvmlDeviceGetHandleByIndex_v2",
	    "nvmlDeviceGetHandleByIndex");
	n->utilization = (util_fn *)sym(lib, lookup, "nvmlDeviceGetUtilizationRates",
	    NULL);
	n->memory = (memory_fn *)sym(lib, lookup, "nvmlDeviceGetMemoryInfo", NULL);
	if (n->init == NULL || n->shutdown == NULL || n->count == NULL ||
	    n->handle == NULL || n->utilization == NULL || n->memory == NULL ||
	    n->init() != 0) {
		free(n);
		return NULL;
	}
	return n;
}

void
nvml_unbind(struct nvml *n)
{
	if (n == NULL)
		return;
	n->shutdown();
	free(n);
}

unsigned int
nvml_count(struct nvml *n)
{
	unsigned int count = 0;

	if (n == NULL || n->count(&count) != 0)
		return 0;
	return count;
}

/* A GPU NVML lists but cannot read stays in the list, as unknown. */
void
nvml_read(struct nvml *n, unsigned int i, struct gpu_info *gi)
{
	struct nvml_utilization u;
	struct nvml_memory m;
	nvml_device dev;

	memset(gi, 0, sizeof *gi);
	gi->vendor = GPU_NVIDIA;
	gi->index = (int)i;
	gi->util = gi->mem = -1;
	if (n == NULL || n->handle(i, &dev) != 0)
		return;
	if (n->utilization(dev, &u) == 0)
		gi->util = u.gpu > 100 ? 100 : u.gpu;
	if (n->memory(dev, &m) == 0 && m.total > 0) {
		gi->mem_used = m.used;
		gi->mem_total = m.total;
		gi->mem = 100.0 * (double)m.used / (double)m.total;
	}
}
