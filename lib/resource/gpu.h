/*
 * gpu.h - how busy each GPU is and how full its memory: NVIDIA through
 * NVML, loaded at run time, and AMD through sysfs
 */
#ifndef GPU_H
#define GPU_H

/* More GPUs than this are left out (with a warning), whatever the driver says. */
#define GPU_MAX 64

enum gpu_vendor { GPU_NVIDIA = 1, GPU_AMD };

struct gpu_info {
	int vendor;			/* GPU_NVIDIA or GPU_AMD */
	int index;			/* NVML's index, or N of /sys/class/drm/cardN */
	double util;			/* percent busy; -1 when the driver cannot say */
	double mem;			/* percent of its memory used; -1 when unknown */
	unsigned long long mem_used;	/* bytes, when mem is known */
	unsigned long long mem_total;
	int host;			/* measured by the host probe, not here */
};

struct nvml;

struct gpu_probe {
	void *nvml_lib;			/* dlopen's handle, or NULL */
	struct nvml *nvml;		/* NULL: no NVIDIA driver */
	char *drm;			/* ROOT/sys/class/drm */
	int amd[GPU_MAX];		/* N of each cardN with amdgpu's files */
	int namd;
	int warned;			/* about more than GPU_MAX GPUs */
};

/*
 * dlopen("libnvidia-ml.so.1") and initialise it, and list the AMD cards
 * under ROOT/sys/class/drm ("/" on a real system). No library, a failing
 * initialisation or no cards means no GPUs of that kind, not an error.
 */
void gpu_open(struct gpu_probe *g, const char *root);
/* Read every GPU, NVIDIA first, into out[max]; returns how many. */
int gpu_read(struct gpu_probe *g, struct gpu_info *out, int max);
void gpu_close(struct gpu_probe *g);

#endif
