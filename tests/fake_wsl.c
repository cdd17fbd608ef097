/*
 * fake_wsl.c - a stand-in wsl.exe, built with mingw-w64 by t_windows, so
 * that bgtrain.bat runs under Wine's cmd without WSL: it writes each
 * argument it was given on a line of its own, then the WSLENV and
 * BGTRAIN_WINDIR it found, into FAKE_WSL_LOG, and exits with FAKE_WSL_EXIT
 * (default 0). The arguments are the C runtime's reading of the command
 * line, as a program started by cmd gets them.
 */
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
	const char *log = getenv("FAKE_WSL_LOG"), *rc = getenv("FAKE_WSL_EXIT");
	const char *wslenv = getenv("WSLENV"), *windir = getenv("BGTRAIN_WINDIR");
	FILE *f;
	int i;

	if (log == NULL || (f = fopen(log, "wb")) == NULL)
		return 99;
	for (i = 1; i < argc; i++)
		fprintf(f, "%s\n", argv[i]);
	fprintf(f, "WSLENV=%s\nBGTRAIN_WINDIR=%s\n", wslenv ? wslenv : "(unset)",
	    windir ? windir : "(unset)");
	return fclose(f) == 0 ? (rc ? atoi(rc) : 0) : 98;
}
