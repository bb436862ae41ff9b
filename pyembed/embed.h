/*
 * embed.h - what the runner (runner.c) and the hook (hook.c) share: the
 * allocator modes and pymalloc's annotation, the vg module, the phases and
 * what Callgrind counts of them.  embed.c is the one file of each that
 * includes c/rw.h, so that its state (the phase running, whether Callgrind
 * instruments) is one.
 *
 *   embed_set_mode(MODE)       the allocator mode (enum embed_mode)
 *   embed_annotate()           install the annotation (annotate, adhoc):
 *                              before the interpreter allocates anything
 *   embed_use_malloc()         MEM and OBJ through the raw allocator
 *                              (malloc mode, Python 3.6 and 3.7)
 *   embed_init_vg              the vg module's init function, for
 *                              PyImport_AppendInittab
 *   embed_options(TIMES, ...)  where phase wall times go (NULL: nowhere;
 *                              "-": stderr), and the file made as the
 *                              program starts (NULL: none)
 *   embed_set_parts(DIR, MAP)  the vg module's `parts` (DIR: where the
 *                              tool's files go) and pyframes_map() and
 *                              pyframes_count() (MAP: the --pyframes map's
 *                              path and calls), for rangewall pytest's
 *                              plugin; NULLs: None
 *   embed_start(FIRST, ALL)    the program starts: start-up ends, phase
 *                              FIRST begins; unless ALL, Callgrind's
 *                              counts so far are dropped and it starts
 *                              instrumenting
 *   embed_finalize(ALL)        the program ended: phase "finalize" begins;
 *                              unless ALL, Callgrind stops instrumenting
 *   embed_exit()               after Py_Finalize: phase "exit" begins; in
 *                              annotate mode the blocks the interpreter
 *                              leaves by design end first
 *   embed_snippet_only()       say Valgrind runs with --instr-atstart=no
 *   embed_silence()            no Callgrind request from now on (DHAT)
 *   embed_take_settings(HIDE)  read the drivers' settings (c/rw.h's
 *                              RW_SNAPSHOT_PREFIX, RW_SYSCALL_MARKS) now;
 *                              HIDE: take them out of the environment
 *   embed_on_valgrind()        true under Valgrind
 */
#ifndef RW_EMBED_H
#define RW_EMBED_H

#include <Python.h>

enum embed_mode { MODE_ANNOTATE, MODE_MALLOC, MODE_PYMALLOC, MODE_ADHOC };
#define EMBED_N_MODES 4
extern const char *const embed_mode_names[EMBED_N_MODES];
#define EMBED_HAVE_ALLOCATOR_API (PY_VERSION_HEX >= 0x03060000)

void embed_set_mode(enum embed_mode m);
#if EMBED_HAVE_ALLOCATOR_API
void embed_annotate(void);
void embed_use_malloc(void);
#endif
#if PY_MAJOR_VERSION >= 3
PyObject *embed_init_vg(void);
#else
void embed_init_vg(void);
#endif
void embed_options(const char *times, const char *started);
/* The --pyframes map, for the vg module: its path, and how to write it. */
struct embed_map {
	const char *path;
	int (*write)(const char *path, size_t from, const char *base);
	size_t (*count)(void);
};
void embed_set_parts(const char *dir, const struct embed_map *map);
/* What Callgrind counts (embed_start's MEASURE): the program, from its
 * start (snippet); all, start-up and finalisation too; calls, nothing
 * but the calls the vg module's count_begin() and count_end() frame. */
enum { EMBED_MEASURE_SNIPPET, EMBED_MEASURE_ALL, EMBED_MEASURE_CALLS };
void embed_start(const char *first_phase, int measure_all);
void embed_finalize(int measure_all);
void embed_exit(void);
void embed_snippet_only(void);
void embed_silence(void);
void embed_take_settings(int hide);
int embed_on_valgrind(void);

#endif /* RW_EMBED_H */
