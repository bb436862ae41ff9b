/*
 * pyframes.h - the runner's --pyframes: every Python function a native
 * frame of its own (pyframes.c explains how).
 *
 * RW_HAVE_PYFRAMES is 1 where it can work: CPython 3.6 or later (a
 * frame-evaluation hook, PEP 523), with the GIL (a free-threaded build's
 * objects and allocator are out of Valgrind's sight anyway), on x86-64
 * (the stubs are x86-64 code).
 *
 *   pyframes_start(PATH)  install the hook (after Py_Initialize); the map
 *                         goes to PATH at the end, each "%p" in it the
 *                         process id.  -1 on failure.
 *   pyframes_resolve()    before Py_Finalize: qualified names for 3.6-3.10
 *   pyframes_finish()     after Py_Finalize: write the map.  -1 on failure.
 *                         (Earlier, it writes the functions seen so far.)
 *   pyframes_write(PATH)  the same, to PATH
 *   pyframes_write_part(PATH, FROM, BASE)  its entries from FROM on, the
 *                         first line naming BASE, the map of those before
 *   pyframes_count()      the entries so far
 *   pyframes_path()       the map's path, "%p" expanded
 */
#ifndef RW_PYFRAMES_H
#define RW_PYFRAMES_H

#include <Python.h>

#ifndef RW_HAVE_PYFRAMES	/* CFLAGS=-DRW_HAVE_PYFRAMES=0 builds without */
#if PY_VERSION_HEX >= 0x03060000 && !defined(Py_GIL_DISABLED) && defined(__x86_64__)
#define RW_HAVE_PYFRAMES 1
#else
#define RW_HAVE_PYFRAMES 0
#endif
#endif

#if RW_HAVE_PYFRAMES
int pyframes_start(const char *path);
void pyframes_resolve(void);
int pyframes_finish(void);
int pyframes_write(const char *path);
int pyframes_write_part(const char *path, size_t from, const char *base);
size_t pyframes_count(void);
const char *pyframes_path(void);
#endif

#endif /* RW_PYFRAMES_H */
