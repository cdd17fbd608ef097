/*
 * probe_win.c - the machine measured into a gate sample, on Windows:
 * GetSystemTimes, GlobalMemoryStatusEx, and NVIDIA's GPUs through nvml.dll
 *
 * The Windows side of gate.h's measuring calls, for res-gate.exe: inside
 * WSL2 the Linux res-gate sees only its virtual machine, so the Windows host
 * measures itself and streams the figures (gate_check.c's --stream). Only
 * Windows' own DLLs are linked; nvml.dll comes with NVIDIA's driver and is
 * loaded at run time, found by LoadLibrary's standard search (the .exe's
 * own folder first, then System32, where drivers since 2019 put it), else
 * where older drivers put it: no library, no NVIDIA GPUs.
 *
 * Windows has no load average: the load is -1, unmeasured (--load off by
 * default; judged, it shuts the gate, as any figure that cannot be read).
 */
#include <windows.h>
/* Relics of 16-bit Windows that would empty struct gate_thresholds' far. */
#undef far
#undef near

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "die.h"
#include "gate.h"
#include "nvml.h"

const char gate_probe_sources[] = "GetSystemTimes and GlobalMemoryStatusEx";

struct gate_probe {
	ULONGLONG idle, all;	/* 100 ns units, summed over every CPU */
	double last;		/* when they were read (monotonic s) */
	HMODULE nvml_lib;
	struct nvml *nvml;
	int warned;		/* about more than GPU_MAX GPUs */
};

static ULONGLONG
ticks(FILETIME f)
{
	return ((ULONGLONG)f.dwHighDateTime << 32) | f.dwLowDateTime;
}

/* The idle and whole CPU time so far; kernel time includes idle time. */
static int
read_times(ULONGLONG *idle, ULONGLONG *all)
{
	FILETIME i, k, u;

	if (!GetSystemTimes(&i, &k, &u))
		return -1;
	*idle = ticks(i);
	*all = ticks(k) + ticks(u);
	return 0;
}

static void *
lookup(void *lib, const char *name)
{
	return (void *)GetProcAddress((HMODULE)lib, name);
}

static HMODULE
load_nvml(void)
{
	WCHAR old[MAX_PATH];
	HMODULE lib = LoadLibraryW(L"nvml.dll");
	DWORD n;

	if (lib != NULL)
		return lib;
	n = ExpandEnvironmentStringsW(L"%ProgramW6432%\\NVIDIA Corporation\\NVSMI\\nvml.dll",
	    old, MAX_PATH);
	return n > 0 && n <= MAX_PATH ? LoadLibraryW(old) : NULL;
}

struct gate_probe *
gate_probe_new(const char *root)
{
	struct gate_probe *p = xcalloc(1, sizeof *p);

	(void)root;
	if (read_times(&p->idle, &p->all) != 0) {
		free(p);
		return NULL;
	}
	p->last = monotonic_seconds();
	if ((p->nvml_lib = load_nvml()) != NULL &&
	    (p->nvml = nvml_bind(p->nvml_lib, lookup)) == NULL) {
		FreeLibrary(p->nvml_lib);
		p->nvml_lib = NULL;
	}
	return p;
}

void
gate_probe_free(struct gate_probe *p)
{
	if (p == NULL)
		return;
	nvml_unbind(p->nvml);
	if (p->nvml_lib != NULL)
		FreeLibrary(p->nvml_lib);
	free(p);
}

static void
measure_gpus(struct gate_probe *p, struct gate_sample *s)
{
	unsigned int count = nvml_count(p->nvml), i;

	if (count > GPU_MAX && !p->warned) {
		warnmsg("%u GPUs; only %d are measured", count, GPU_MAX);
		p->warned = 1;
	}
	for (i = 0; i < count && s->ngpus < GPU_MAX; i++)
		nvml_read(p->nvml, i, &s->gpus[s->ngpus++]);
}

int
gate_measure(struct gate_probe *p, double interval, struct gate_sample *s)
{
	MEMORYSTATUSEX m;
	ULONGLONG idle, all;
	double t;

	memset(s, 0, sizeof *s);
	if (p == NULL)
		return -1;
	if (interval > 0) {
		if (read_times(&p->idle, &p->all) != 0)
			return -1;
		p->last = monotonic_seconds();
		pause_seconds(interval);
	}
	if (read_times(&idle, &all) != 0)
		return -1;
	t = monotonic_seconds();
	s->seconds = t - p->last;
	s->cpus = s->host_cpus = (int)GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
	if (s->cpus < 1)
		s->cpus = s->host_cpus = 1;
	/* Counters that stepped back are no time at all: no figure. */
	if (all > p->all && idle >= p->idle && idle - p->idle <= all - p->all) {
		s->cpu_capacity = (double)(all - p->all) / 1e7;
		s->cpu_used = (double)((all - p->all) - (idle - p->idle)) / 1e7;
	}
	p->idle = idle;
	p->all = all;
	p->last = t;

	m.dwLength = sizeof m;
	if (!GlobalMemoryStatusEx(&m) || m.ullTotalPhys == 0)
		return -1;
	s->mem_total = s->host_mem = m.ullTotalPhys;
	s->mem_used = m.ullTotalPhys - (m.ullAvailPhys < m.ullTotalPhys ?
	    m.ullAvailPhys : m.ullTotalPhys);
	gate_percentages(s);
	s->load = s->load_per_core = -1;
	measure_gpus(p, s);
	return 0;
}

double
gate_self_cpu(void)
{
	FILETIME created, exited, kernel, user;

	if (!GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user))
		return -1;
	return (double)(ticks(kernel) + ticks(user)) / 1e7;
}

/*
 * Standard input may be a pipe (WSL's interop, wine), a console or
 * nothing: a thread reads it to its end, whatever it is, and raises an
 * event that the stream's pause waits on.
 */
static HANDLE input_ended;

static DWORD WINAPI
read_input(LPVOID unused)
{
	HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
	char buf[512];
	DWORD n;

	(void)unused;
	while (in != NULL && in != INVALID_HANDLE_VALUE &&
	    ReadFile(in, buf, sizeof buf, &n, NULL) && n > 0)
		;
	SetEvent(input_ended);
	return 0;
}

int
gate_input_ended(double seconds)
{
	HANDLE thread;

	if (input_ended == NULL) {
		if ((input_ended = CreateEventW(NULL, TRUE, FALSE, NULL)) == NULL)
			return 1;
		if ((thread = CreateThread(NULL, 0, read_input, NULL, 0, NULL)) == NULL) {
			warnmsg("cannot watch standard input: stopping");
			return 1;
		}
		CloseHandle(thread);
	}
	return WaitForSingleObject(input_ended, seconds > 0 ?
	    (DWORD)(seconds * 1000 + 0.5) : 0) == WAIT_OBJECT_0;
}
