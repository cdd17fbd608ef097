/*
 * res-gate.exe - res-gate on Windows: the same options, checks and exit
 * statuses, over Windows' own figures (lib/windows/probe_win.c)
 *
 * Built with mingw-w64 (make windows). Its main use is --stream, the
 * probe that res-gate --host and bgtrain --host-probe read from WSL, where
 * the Linux side sees only its virtual machine; run alone it is a gate for
 * Windows scripts. Linux's --sysfs-root and --host have no meaning here.
 */
#include <fcntl.h>
#include <io.h>
#include <stdio.h>

#include "die.h"
#include "gate.h"
#include "gate_check.h"
#include "options.h"

static const char synopsis[] =
"usage: res-gate.exe [OPTIONS]\n"
"Exit 0 when CPU, memory and GPU use are under their thresholds; with\n"
"--stream, print this machine's figures for res-gate --host in WSL.\n";

static const char footer[] =
"PCT is 0 to 100, or off. Windows has no load average: --load shuts the gate.\n"
"Exit status: 0 all under, 1 some over, 2 some far over, 75 --wait gave up,\n"
"64 usage error, 72 the system's figures cannot be read, 74 output failed.\n";

int
main(int argc, char **argv)
{
	struct gate_thresholds t;
	struct gate_check c;
	struct opt_set set = { 0 };
	struct gate_probe *probe;
	int status;

	progname = "res-gate";
	/* Lines end in \n, as on Linux, whatever reads them. */
	_setmode(_fileno(stdout), _O_BINARY);
	if ((status = gate_check_args(&set, &t, &c, NULL, NULL, argc, argv, synopsis,
	    footer)) >= 0) {
		opt_free(&set);
		return status;
	}
	if ((probe = gate_probe_new(NULL)) == NULL)
		die(EX_OSFILE, "cannot read %s", gate_probe_sources);
	status = gate_check_run(&c, &t, probe);
	gate_probe_free(probe);
	opt_free(&set);
	return status;
}
