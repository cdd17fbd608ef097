/*
 * gpu.c - GPU utilisation and memory on Linux: NVIDIA through NVML, loaded
 * with dlopen() (its calls are nvml.c's), AMD through sysfs
 *
 * amdgpu puts its figures in sysfs: gpu_busy_percent and
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
#include "nvml.h"
#include "path.h"
#include "resources.h"

static void *
lookup(void *lib, const char *name)
{
	return dlsym(lib, name);
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
	/* No library, or one that does not start: no NVIDIA GPUs. */
	if ((g->nvml_lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL)) != NULL &&
	    (g->nvml = nvml_bind(g->nvml_lib, lookup)) == NULL) {
		dlclose(g->nvml_lib);
		g->nvml_lib = NULL;
	}
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
	for (i = 0; i < count && n < max; i++, n++)
		nvml_read(g->nvml, i, &out[n]);
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
	nvml_unbind(g->nvml);
	if (g->nvml_lib != NULL)
		dlclose(g->nvml_lib);
	free(g->drm);
	memset(g, 0, sizeof *g);
}
