/*
 * fake_nvml.c - a stand-in libnvidia-ml.so.1, so the GPU code is tested
 * without a GPU
 *
 * FAKE_NVML="UTIL:MEM_USED:MEM_TOTAL,..." describes one GPU per item (util in
 * percent, memory in bytes); "-" for a value makes its call fail as NVML does
 * on GPUs that cannot report it (NOT_SUPPORTED). FAKE_NVML=fail makes
 * nvmlInit fail, as with no driver loaded. FAKE_NVML_LOG=FILE gets a line
 * per nvmlInit and nvmlShutdown, so tests can see the library is shut down.
 * Calls before nvmlInit fail with UNINITIALIZED, as the real library's do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	NVML_SUCCESS = 0,
	NVML_ERROR_UNINITIALIZED = 1,
	NVML_ERROR_INVALID_ARGUMENT = 2,
	NVML_ERROR_NOT_SUPPORTED = 3,
	NVML_ERROR_DRIVER_NOT_LOADED = 9
};

#define FAKE_MAX 256

struct fake_gpu {
	long long util, used, total;	/* -1: not supported */
};
typedef struct fake_gpu *nvmlDevice_t;

typedef struct {
	unsigned int gpu, memory;
} nvmlUtilization_t;

typedef struct {
	unsigned long long total, free, used;
} nvmlMemory_t;

static struct fake_gpu gpus[FAKE_MAX];
static unsigned int ngpus;
static int initialised;

static void
log_call(const char *what)
{
	const char *path = getenv("FAKE_NVML_LOG");
	FILE *f;

	if (path == NULL || (f = fopen(path, "a")) == NULL)
		return;
	fprintf(f, "%s\n", what);
	fclose(f);
}

static long long
field(const char **p)
{
	long long v = -1;
	char *end;

	if (**p == '-') {
		(*p)++;
	} else {
		v = strtoll(*p, &end, 10);
		*p = end;
	}
	if (**p == ':')
		(*p)++;
	return v;
}

int
nvmlInit_v2(void)
{
	const char *spec = getenv("FAKE_NVML"), *p;

	log_call("init");
	if (spec == NULL || strcmp(spec, "fail") == 0)
		return NVML_ERROR_DRIVER_NOT_LOADED;
	ngpus = 0;
	for (p = spec; *p != '\0' && ngpus < FAKE_MAX; ngpus++) {
		gpus[ngpus].util = field(&p);
		gpus[ngpus].used = field(&p);
		gpus[ngpus].total = field(&p);
		while (*p != '\0' && *p != ',')
			p++;
		if (*p == ',')
			p++;
	}
	initialised = 1;
	return NVML_SUCCESS;
}

int
nvmlShutdown(void)
{
	log_call("shutdown");
	if (!initialised)
		return NVML_ERROR_UNINITIALIZED;
	initialised = 0;
	return NVML_SUCCESS;
}

int
nvmlDeviceGetCount_v2(unsigned int *count)
{
	if (!initialised)
		return NVML_ERROR_UNINITIALIZED;
	*count = ngpus;
	return NVML_SUCCESS;
}

int
nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *dev)
{
	if (!initialised)
		return NVML_ERROR_UNINITIALIZED;
	if (index >= ngpus)
		return NVML_ERROR_INVALID_ARGUMENT;
	*dev = &gpus[index];
	return NVML_SUCCESS;
}

int
nvmlDeviceGetUtilizationRates(nvmlDevice_t dev, nvmlUtilization_t *u)
{
	if (!initialised)
		return NVML_ERROR_UNINITIALIZED;
	if (dev->util < 0)
		return NVML_ERROR_NOT_SUPPORTED;
	u->gpu = (unsigned int)dev->util;
	u->memory = 0;
	return NVML_SUCCESS;
}

int
nvmlDeviceGetMemoryInfo(nvmlDevice_t dev, nvmlMemory_t *m)
{
	if (!initialised)
		return NVML_ERROR_UNINITIALIZED;
	if (dev->used < 0 || dev->total < 0)
		return NVML_ERROR_NOT_SUPPORTED;
	m->total = (unsigned long long)dev->total;
	m->used = (unsigned long long)dev->used;
	m->free = m->total - m->used;
	return NVML_SUCCESS;
}
