/*
 * gpu.c - GPU utilisation and memory: NVIDIA through NVML, AMD through sysfs
 *
 * NVML comes with NVIDIA's driver, not as a package to build against, so it
 * is loaded with dlopen() and its few types are declared here, laid out as
 * NVIDIA's nvml.h has them: the programs build and run on machines without
 * it. amdgpu puts its figures in sysfs: gpu_busy_percent and
 * mem_info_vram_{used,total} under /sys/class/drm/cardN/device.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "file.h"
#include "gpu.h"
#include "path.h"
#include "resources.h"

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
	void *lib;
	init_fn *init, *shutdown;
	count_fn *count;
	handle_fn *handle;
	util_fn *utilization;
	memory_fn *memory;
};

/* Drivers before 2011 lack the _v2 names. */
static void *
sym(void *lib, const char *name, const char *older)
{
	void *p = dlsym(lib, name);

	if (p == NULL && older != NULL)
		p = dlsym(lib, older);
	return p;
}

static struct nvml *
nvml_open(void)
{
	void *lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
	struct nvml *n;

	if (lib == NULL)
		return NULL;
	n = xcalloc(1, sizeof *n);
	n->lib = lib;
	n->init = (init_fn *)sym(lib, "nvmlInit_v2", "nvmlInit");
	n->shutdown = (init_fn *)sym(lib, "nvmlShutdown", NULL);
	n->count = (count_fn *)sym(lib, "nvmlDeviceGetCount_v2", "nvmlDeviceGetCount");
	n->handle = (handle_fn *)sym(lib, "nvmlDeviceGetHandleByIndex_v2",
	    "nvmlDeviceGetHandleByIndex");
	n->utilization = (util_fn *)sym(lib, "nvmlDeviceGetUtilizationRates", NULL);
	n->memory = (memory_fn *)sym(lib, "nvmlDeviceGetMemoryInfo", NULL);
	if (n->init == NULL || n->shutdown == NULL || n->count == NULL ||
	    n->handle == NULL || n->utilization == NULL || n->memory == NULL ||
	    n->init() != 0) {
		dlclose(lib);
		free(n);
		return NULL;
	}
	return n;
}

static void
nvml_close(struct nvml *n)
{
	if (n == NULL)
		return;
	n->shutdown();
	dlclose(n->lib);
	free(n);
}

static unsigned int
nvml_count(struct nvml *n)
{
	unsigned int count = 0;

	if (n == NULL || n->count(&count) != 0)
		return 0;
	return count;
}

/* A GPU NVML lists but cannot read stays in the list, as unknown. */
static void
nvml_read(struct nvml *n, unsigned int i, struct gpu_info *gi)
{
	struct nvml_utilization u;
	struct nvml_memory m;
	nvml_device dev;

	if (n->handle(i, &dev) != 0)
		return;
	if (n->utilization(dev, &u) == 0)
		gi->util = u.gpu;
	if (n->memory(dev, &m) == 0 && m.total > 0) {
		gi->mem_used = m.used;
		gi->mem_total = m.total;
		gi->mem = 100.0 * (double)m.used / (double)m.total;
	}
}

/* N of "cardN"; -1 for connectors ("card0-DP-1") and the rest. */
static int
card_number(const char *name)
{
	const char *p;
	int n = 0;

	if (strncmp(name, "card", 4) != 0 || name[4] == '\0')
		return -1;
	for (p = name + 4; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || n > 99999)
			return -1;
		n = n * 10 + (*p - '0');
	}
	return n;
}

static int
card_file(const char *drm, int card, const char *file, char *path, size_t size)
{
	int n = snprintf(path, size, "%s/card%d/device/%s", drm, card, file);

	return n > 0 && (size_t)n < size ? 0 : -1;
}

static int
is_amd(const char *drm, int card)
{
	char path[PATH_MAX], buf[64];

	if (card_file(drm, card, "gpu_busy_percent", path, sizeof path) == 0 &&
	    file_read_into(path, buf, sizeof buf) >= 0)
		return 1;
	return card_file(drm, card, "mem_info_vram_total", path, sizeof path) == 0 &&
	    file_read_into(path, buf, sizeof buf) >= 0;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The GPU_MAX lowest-numbered AMD cards, in order. */
static void
list_amd(struct gpu_probe *g)
{
	struct dirent *e;
	DIR *d;
	int card, i, top;

	if ((d = opendir(g->drm)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if ((card = card_number(e->d_name)) < 0 || !is_amd(g->drm, card))
			continue;
		if (g->namd < GPU_MAX) {
			g->amd[g->namd++] = card;
			continue;
		}
		for (top = 0, i = 1; i < g->namd; i++)
			if (g->amd[i] > g->amd[top])
				top = i;
		if (card < g->amd[top])
			g->amd[top] = card;
		if (!g->warned)
			warnmsg("more than %d GPUs; the rest are not measured", GPU_MAX);
		g->warned = 1;
	}
	closedir(d);
	qsort(g->amd, (size_t)g->namd, sizeof g->amd[0], cmp_int);
}

static void
amd_read(const char *drm, int card, struct gpu_info *gi)
{
	char path[PATH_MAX];
	unsigned long long v, used, total;

	if (card_file(drm, card, "gpu_busy_percent", path, sizeof path) == 0 &&
	    kfile_ull(path, &v) == 0)
		gi->util = v > 100 ? 100 : (double)v;
	if (card_file(drm, card, "mem_info_vram_used", path, sizeof path) == 0 &&
	    kfile_ull(path, &used) == 0 &&
	    card_file(drm, card, "mem_info_vram_total", path, sizeof path) == 0 &&
	    kfile_ull(path, &total) == 0 && total > 0) {
		gi->mem_used = used;
		gi->mem_total = total;
		gi->mem = 100.0 * (double)used / (double)total;
	}
}

void
gpu_open(struct gpu_probe *g, const char *root)
{
	memset(g, 0, sizeof *g);
	g->nvml = nvml_open();
	g->drm = path_join(root, "sys/class/drm");
	list_amd(g);
}

int
gpu_read(struct gpu_probe *g, struct gpu_info *out, int max)
{
	unsigned int count = nvml_count(g->nvml), i;
	unsigned long long all = (unsigned long long)count + (unsigned long long)g->namd;
	int n = 0, k;

	if (all > (unsigned long long)max && !g->warned) {
		warnmsg("%llu GPUs; only %d are measured", all, max);
		g->warned = 1;
	}
	for (i = 0; i < count && n < max; i++, n++) {
		memset(&out[n], 0, sizeof out[n]);
		out[n].vendor = GPU_NVIDIA;
		out[n].index = (int)i;
		out[n].util = out[n].mem = -1;
		nvml_read(g->nvml, i, &out[n]);
	}
	for (k = 0; k < g->namd && n < max; k++, n++) {
		memset(&out[n], 0, sizeof out[n]);
		out[n].vendor = GPU_AMD;
		out[n].index = g->amd[k];
		out[n].util = out[n].mem = -1;
		amd_read(g->drm, g->amd[k], &out[n]);
	}
	return n;
}

void
gpu_close(struct gpu_probe *g)
{
	nvml_close(g->nvml);
	free(g->drm);
	memset(g, 0, sizeof *g);
}

const char *
gpu_vendor_name(int vendor)
{
	return vendor == GPU_NVIDIA ? "nvidia" : vendor == GPU_AMD ? "amd" : "unknown";
}
