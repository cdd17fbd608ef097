/* version.h - the suite's version, printed by every --version */
#ifndef VERSION_H
#define VERSION_H

#define BGTRAIN_VERSION "0.1.0"

#endif
