/*
 * pyrun - run a Python snippet inside an embedded CPython, measuring only
 * the snippet, split into phases, with pymalloc's objects made visible to
 * Valgrind.  One source for CPython 2.7 and 3.6+; built once per Python
 * (scripts/build-runners), as build/pyembed/pyrun-TAG.
 *
 * Phases.  Interpreter start-up, then the snippet -- "setup" until its
 * first vg.phase("name"), then each named phase -- then "finalize"
 * (Py_Finalize).  Each boundary is an rw_phase() (c/rw.h): a Callgrind
 * part and a Massif detailed snapshot.  With --measure=snippet (the
 * default) Callgrind counts only the snippet: its costs so far are zeroed
 * and instrumentation starts as the snippet starts (run valgrind with
 * --instr-atstart=no to skip instrumenting start-up too), and stops as it
 * ends.  --measure=all counts start-up and finalisation as parts of their
 * own.  The hash seed is fixed (0), so counts repeat run to run.
 *
 * Allocator modes (--mode):
 *   annotate  pymalloc, with every block it serves from its own arenas
 *             reported to Valgrind as a heap block (VALGRIND_MALLOCLIKE_
 *             BLOCK, FREELIKE, RESIZEINPLACE): Massif and Memcheck see
 *             objects, with the real allocator in place.  Blocks pymalloc
 *             hands on to malloc are already visible and are not reported
 *             again: the arenas' address ranges, recorded through
 *             PyObject_SetArenaAllocator, decide.  Needs Python 3.6+.
 *   malloc    every allocation through malloc (PYTHONMALLOC=malloc).
 *             DHAT in valgrind 3.19 ignores MALLOCLIKE requests: use this.
 *   pymalloc  Python's default, untouched; Valgrind sees only pymalloc's
 *             arenas (mmap) and what it passes to malloc.
 * Default: annotate under Valgrind on 3.6+, else pymalloc.
 *
 * The snippet imports `vg`, built in: vg.phase(name), vg.start(),
 * vg.stop(), vg.snapshot(name), vg.running(), vg.mode.  Outside Valgrind
 * they cost a few instructions and do nothing else.
 */
#include <Python.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "cli.h"
#include "pyframes.h"
#include "rw.h"

#ifndef RW_PYTHON_EXE		/* baked in by scripts/build-runners */
#error "build with -DRW_PYTHON_EXE='\"/path/to/python\"'"
#endif

#define PY3 (PY_MAJOR_VERSION >= 3)
#define HAVE_ALLOCATOR_API (PY_VERSION_HEX >= 0x03060000)
#define HAVE_PRECONFIG (PY_VERSION_HEX >= 0x03080000)
#define EXIT_SKIP 77		/* a snippet that cannot run here: sys.exit(77) */

static const char *prog = "pyrun";
static enum { MODE_ANNOTATE, MODE_MALLOC, MODE_PYMALLOC, MODE_ADHOC } mode;
static const char *mode_names[] = { "annotate", "malloc", "pymalloc", "adhoc" };
#define N_MODES 4
static const char *pyframes_map;	/* --pyframes[=FILE] */
static const char *executable = RW_PYTHON_EXE;	/* --executable: a venv's python */
static const char *first_phase = "setup";	/* --first-phase */
static int safe_path;			/* -P: no script folder in sys.path */
static int measure_all;		/* --measure=all */
static int print_times;		/* --times */

/* ------------------------------------------------------------------------
 * Phases, with wall times for --times.
 */
static struct timespec phase_t0;

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* End the current phase (and time it), begin `next`. */
static void phase(const char *next)
{
	if (print_times)
		fprintf(stderr, "%s: phase %s %.6f s\n", prog, rw_phase_name(),
			seconds_since(&phase_t0));
	rw_phase(next);
	clock_gettime(CLOCK_MONOTONIC, &phase_t0);
}

/* ------------------------------------------------------------------------
 * pymalloc annotation (--mode=annotate).
 *
 * Arenas are kept sorted by address; each has a table of the requested
 * size of every block that starts in it (one uint16_t per 8 bytes, the
 * smallest alignment pymalloc has used), because Memcheck's
 * RESIZEINPLACE and the definedness fix-ups need the old size.  Tables are
 * mmap'd, not malloc'd, so that Massif does not count them.
 */
#if HAVE_ALLOCATOR_API
#define SLOT 8

struct arena {
	uintptr_t start, end;
	uint16_t *sizes;	/* requested size of the block at start + SLOT*i */
};

static struct arena *arenas;
static size_t n_arenas, cap_arenas;
static PyObjectArenaAllocator orig_arena;

struct hook {
	PyMemAllocatorEx orig;	/* the allocator this domain had before */
};
static struct hook hook_mem, hook_obj;

/* The arena holding `p`, or NULL: binary search. */
static struct arena *arena_of(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	size_t lo = 0, hi = n_arenas;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a < arenas[mid].start)
			hi = mid;
		else if (a >= arenas[mid].end)
			lo = mid + 1;
		else
			return &arenas[mid];
	}
	return NULL;
}

static uint16_t *size_slot(struct arena *a, const void *p)
{
	return &a->sizes[((uintptr_t)p - a->start) / SLOT];
}

static void *map_pages(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Record a new arena; on failure the arena is simply not annotated. */
static void arena_add(void *p, size_t size)
{
	uintptr_t a = (uintptr_t)p;
	size_t i;

	if (n_arenas == cap_arenas) {
		size_t cap = cap_arenas ? 2 * cap_arenas : 256;
		struct arena *t = map_pages(cap * sizeof *t);

		if (t == NULL)
			return;
		if (arenas != NULL) {
			memcpy(t, arenas, n_arenas * sizeof *t);
			munmap(arenas, cap_arenas * sizeof *t);
		}
		arenas = t;
		cap_arenas = cap;
	}
	for (i = n_arenas; i > 0 && arenas[i - 1].start > a; i--)
		arenas[i] = arenas[i - 1];
	arenas[i].start = a;
	arenas[i].end = a + size;
	arenas[i].sizes = map_pages(size / SLOT * sizeof(uint16_t) + 1);
	if (arenas[i].sizes == NULL) {	/* undo: leave it unannotated */
		memmove(&arenas[i], &arenas[i + 1], (n_arenas - i) * sizeof *arenas);
		return;
	}
	n_arenas++;
}

static void arena_remove(void *p)
{
	struct arena *a = arena_of(p);
	size_t i;

	if (a == NULL || a->start != (uintptr_t)p)
		return;
	munmap(a->sizes, (a->end - a->start) / SLOT * sizeof(uint16_t) + 1);
	i = (size_t)(a - arenas);
	memmove(&arenas[i], &arenas[i + 1], (n_arenas - i - 1) * sizeof *arenas);
	n_arenas--;
}

static void *hook_arena_alloc(void *ctx, size_t size)
{
	void *p = orig_arena.alloc(orig_arena.ctx, size);

	(void)ctx;
	if (p != NULL)
		arena_add(p, size);
	return p;
}

static void hook_arena_free(void *ctx, void *p, size_t size)
{
	(void)ctx;
	arena_remove(p);
	orig_arena.free(orig_arena.ctx, p, size);
}

/*
 * A block pymalloc just served: report it if it lies in one of its arenas.
 * In adhoc mode, DHAT counts every block served instead, as an ad-hoc
 * event weighing its size (DHAT ignores MALLOCLIKE blocks).
 */
static void note_alloc(void *p, size_t size, int zeroed)
{
	struct arena *a;

	(void)zeroed;		/* unused with -DNVALGRIND */
	if (mode == MODE_ADHOC) {
		if (p != NULL)
			rw_dhat_event(size);
		return;
	}
	if ((a = p != NULL ? arena_of(p) : NULL) == NULL)
		return;
	*size_slot(a, p) = (uint16_t)size;
	rw_malloclike(p, size, zeroed);
}

static void *hook_malloc(void *ctx, size_t size)
{
	struct hook *h = ctx;
	void *p = h->orig.malloc(h->orig.ctx, size);

	note_alloc(p, size, 0);
	return p;
}

static void *hook_calloc(void *ctx, size_t nelem, size_t elsize)
{
	struct hook *h = ctx;
	void *p = h->orig.calloc(h->orig.ctx, nelem, elsize);

	note_alloc(p, nelem * elsize, 1);
	return p;
}

/*
 * Memcheck marks a freed block inaccessible, but pymalloc goes on using its
 * memory: it keeps its free-list link in the block.  Before a free, make
 * the bytes addressable again (undefined, as before the block was served)
 * so that pymalloc may write the link.
 */
static void hook_free(void *ctx, void *p)
{
	struct hook *h = ctx;
	struct arena *a = p != NULL && mode != MODE_ADHOC ? arena_of(p) : NULL;

	if (a != NULL)
		rw_freelike(p, *size_slot(a, p));
	h->orig.free(h->orig.ctx, p);
}

static void *hook_realloc(void *ctx, void *p, size_t size)
{
	struct hook *h = ctx;
	struct arena *a = p != NULL && mode != MODE_ADHOC ? arena_of(p) : NULL;
	size_t old = a != NULL ? *size_slot(a, p) : 0;
	void *q = h->orig.realloc(h->orig.ctx, p, size);

	if (q == NULL)
		return NULL;		/* the old block is untouched */
	if (mode == MODE_ADHOC) {	/* a resize serves a block of the new size */
		rw_dhat_event(size);
		return q;
	}
	if (a != NULL && q == p) {	/* resized in place */
		rw_resizeinplace(p, old, size);
		*size_slot(a, p) = (uint16_t)size;
		return q;
	}
	if (a != NULL)		/* moved: pymalloc freed the old block */
		rw_moved(p, old);
	if ((a = arena_of(q)) != NULL) {
		/*
		 * The block holds a copy of the old one's bytes: defined.  When
		 * the old size is unknown (an unrecorded arena), all of it.
		 */
		*size_slot(a, q) = (uint16_t)size;
		rw_malloclike(q, size, p != NULL);
		if (size > old && (p == NULL || old != 0))
			rw_mem_undefined((char *)q + old, size - old);
	}
	return q;
}

static void hook_domain(PyMemAllocatorDomain domain, struct hook *h)
{
	PyMemAllocatorEx a = { h, hook_malloc, hook_calloc, hook_realloc, hook_free };

	PyMem_GetAllocator(domain, &h->orig);
	PyMem_SetAllocator(domain, &a);
}

/*
 * Install the hooks before the interpreter allocates anything through
 * pymalloc: a block must be reported if, and only if, it was served after
 * its arena was recorded, so that every free matches a report.
 */
static void annotate_pymalloc(void)
{
	PyObjectArenaAllocator a = { NULL, hook_arena_alloc, hook_arena_free };

	PyObject_GetArenaAllocator(&orig_arena);
	PyObject_SetArenaAllocator(&a);
	hook_domain(PYMEM_DOMAIN_MEM, &hook_mem);
	hook_domain(PYMEM_DOMAIN_OBJ, &hook_obj);
}

#if !HAVE_PRECONFIG
/* --mode=malloc before 3.8: the MEM and OBJ domains use the raw allocator. */
static void use_malloc(void)
{
	PyMemAllocatorEx raw;

	PyMem_GetAllocator(PYMEM_DOMAIN_RAW, &raw);
	PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &raw);
	PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &raw);
}
#endif
#endif /* HAVE_ALLOCATOR_API */

/* ------------------------------------------------------------------------
 * The vg module.
 */

/* Phase names become file names and Callgrind labels: keep them tokens. */
static const char *keep_name(const char *name)
{
	static char *names[256];
	static int n;
	const char *c;

	if (*name == '\0' || strlen(name) > 64)
		goto bad;
	for (c = name; *c; c++)
		if (!(*c == '_' || *c == '-' || (*c >= '0' && *c <= '9') ||
		      (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
			goto bad;
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return names[i];
	if (n == (int)(sizeof names / sizeof *names)) {
		PyErr_SetString(PyExc_ValueError, "vg: more than 256 phase names");
		return NULL;
	}
	if ((names[n] = strdup(name)) == NULL) {
		PyErr_NoMemory();
		return NULL;
	}
	return names[n++];
bad:
	PyErr_Format(PyExc_ValueError, "vg: phase name '%s' must be 1-64 of "
		     "A-Z a-z 0-9 _ -", name);
	return NULL;
}

static PyObject *vg_phase(PyObject *self, PyObject *args)
{
	const char *name;

	(void)self;
	if (!PyArg_ParseTuple(args, "s:phase", &name) || !(name = keep_name(name)))
		return NULL;
	phase(name);
	Py_RETURN_NONE;
}

/*
 * vg.start(), vg.stop(): Callgrind's collection, not its instrumentation:
 * a toggle costs next to nothing and keeps the call context, where
 * switching instrumentation would flush every translation (6 ms a pair).
 */
static PyObject *vg_start(PyObject *self, PyObject *args)
{
	(void)self, (void)args;
	rw_collect_start();
	Py_RETURN_NONE;
}

static PyObject *vg_stop(PyObject *self, PyObject *args)
{
	(void)self, (void)args;
	rw_collect_stop();
	Py_RETURN_NONE;
}

static PyObject *vg_snapshot(PyObject *self, PyObject *args)
{
	const char *name;

	(void)self;
	if (!PyArg_ParseTuple(args, "s:snapshot", &name) || !(name = keep_name(name)))
		return NULL;
	rw_snapshot(name);
	Py_RETURN_NONE;
}

static PyObject *vg_running(PyObject *self, PyObject *args)
{
	(void)self, (void)args;
	return PyBool_FromLong(rw_on_valgrind());
}

static PyMethodDef vg_methods[] = {
	{ "phase", vg_phase, METH_VARARGS,
	  "phase(name): end the current phase, begin `name` (a Callgrind part,\n"
	  "a Massif snapshot at the boundary)." },
	{ "start", vg_start, METH_NOARGS, "start(): Callgrind starts counting." },
	{ "stop", vg_stop, METH_NOARGS, "stop(): Callgrind stops counting." },
	{ "snapshot", vg_snapshot, METH_VARARGS,
	  "snapshot(name): a Massif detailed snapshot, named." },
	{ "running", vg_running, METH_NOARGS,
	  "running(): True under Valgrind." },
	{ NULL, NULL, 0, NULL }
};

static const char vg_doc[] =
	"rangewall's measurement marks; no-ops outside Valgrind.";

#if PY3
static struct PyModuleDef vg_def = {
	PyModuleDef_HEAD_INIT, "vg", vg_doc, -1, vg_methods,
	NULL, NULL, NULL, NULL
};

static PyObject *init_vg(void)
{
	PyObject *m = PyModule_Create(&vg_def);

	if (m != NULL && PyModule_AddStringConstant(m, "mode", mode_names[mode]) < 0)
		Py_CLEAR(m);
	return m;
}
#else
static void init_vg(void)
{
	PyObject *m = Py_InitModule3("vg", vg_methods, vg_doc);

	if (m != NULL)
		PyModule_AddStringConstant(m, "mode", (char *)mode_names[mode]);
}
#endif

/* ------------------------------------------------------------------------
 * Running the snippet.
 */

/* SystemExit's code as an exit status (prints a non-int code, as Python). */
static int exit_status(void)
{
	PyObject *type, *value, *tb, *code;
	int status = 1;

	PyErr_Fetch(&type, &value, &tb);
	PyErr_NormalizeException(&type, &value, &tb);
	code = value != NULL ? PyObject_GetAttrString(value, "code") : NULL;
	if (code == NULL || code == Py_None) {
		status = 0;
	} else if (PyLong_Check(code)
#if !PY3
		   || PyInt_Check(code)
#endif
		   ) {
		status = (int)PyLong_AsLong(code);
	} else {
		PyObject_Print(code, stderr, Py_PRINT_RAW);
		fputc('\n', stderr);
	}
	PyErr_Clear();
	Py_XDECREF(code);
	Py_XDECREF(type);
	Py_XDECREF(value);
	Py_XDECREF(tb);
	return status;
}

/*
 * sys.path[0], as python sets it: the script's folder (symbolic links
 * resolved), or for -m and -c the current folder.  Not with -P (the
 * suite's own snippets, which import nothing of theirs, run with -P: a
 * folder listed first costs every import a look into it).
 */
static int set_path0(const char *path)
{
	char buf[4096], *dir = NULL;
	PyObject *sys_path, *entry;
	int r;

	if (safe_path)
		return 0;
	if (path != NULL && realpath(path, buf) != NULL) {
		dir = strrchr(buf, '/');
		if (dir == buf)
			dir[1] = '\0';
		else if (dir != NULL)
			*dir = '\0';
		dir = buf;
	} else if (getcwd(buf, sizeof buf) != NULL) {
		dir = buf;
	}
	if (dir == NULL || (sys_path = PySys_GetObject("path")) == NULL)
		return 0;
#if PY3
	entry = PyUnicode_DecodeFSDefault(dir);
#else
	entry = PyString_FromString(dir);
#endif
	if (entry == NULL)
		return -1;
	r = PyList_Insert(sys_path, 0, entry);
	Py_DECREF(entry);
	return r;
}

/*
 * Run the file at `path`, or `code` when not NULL, or the module `module`
 * (as python -m does: runpy), in __main__.
 */
static int run_snippet(const char *path, const char *code, const char *module)
{
	PyObject *main_mod = PyImport_AddModule("__main__");
	PyObject *globals, *res, *runpy = NULL;
	FILE *fp = NULL;

	if (main_mod == NULL || set_path0(module == NULL ? path : NULL) < 0)
		goto error;
	globals = PyModule_GetDict(main_mod);
	if (module != NULL) {
		/* Imported before the phase starts: runpy is the tool, not the work. */
		if ((runpy = PyImport_ImportModule("runpy")) == NULL)
			goto error;
	} else if (code == NULL) {
#if PY3
		PyObject *file = PyUnicode_FromString(path);
#else
		PyObject *file = PyString_FromString(path);
#endif

		if (file == NULL || PyDict_SetItemString(globals, "__file__", file) < 0) {
			Py_XDECREF(file);
			goto error;
		}
		Py_DECREF(file);
		if ((fp = fopen(path, "r")) == NULL) {	/* checked in main() */
			fprintf(stderr, "%s: error: cannot read snippet '%s': %s\n",
				prog, path, strerror(errno));
			return 2;
		}
	}
	/*
	 * Start-up ends.  --measure=snippet: nothing was counted (or it is
	 * dropped now), so the boundary is a Massif snapshot only, and
	 * counting starts here.
	 */
	phase(first_phase);
	if (!measure_all) {
		rw_zero();
		rw_measure_start();
	}
	if (runpy != NULL) {
		res = PyObject_CallMethod(runpy, "_run_module_as_main", "si", module, 1);
		Py_DECREF(runpy);
	} else if (fp != NULL) {
		res = PyRun_FileExFlags(fp, path, Py_file_input, globals, globals, 1, NULL);
	} else {
		res = PyRun_StringFlags(code, Py_file_input, globals, globals, NULL);
	}
	phase("finalize");
	if (!measure_all)
		rw_measure_stop();
	if (res != NULL) {
		Py_DECREF(res);
		return 0;
	}
	if (PyErr_ExceptionMatches(PyExc_SystemExit))
		return exit_status();
error:
	PyErr_Print();
	return 1;
}

/* ------------------------------------------------------------------------
 * Interpreter set-up, per API generation: the allocator first, then the vg
 * module, the configuration (hash seed 0; the interpreter's own path, so
 * that it finds its standard library; sys.argv), and Py_Initialize.
 * Returns -1 on failure.
 */
#if HAVE_PRECONFIG
static int start_python(int argc, char **argv)
{
	PyPreConfig pre;
	PyConfig config;
	PyStatus st;

	PyPreConfig_InitPythonConfig(&pre);
	if (mode == MODE_MALLOC)
		pre.allocator = PYMEM_ALLOCATOR_MALLOC;
	st = Py_PreInitialize(&pre);
	if (PyStatus_Exception(st))
		Py_ExitStatusException(st);
	if (mode == MODE_ANNOTATE || mode == MODE_ADHOC)
		annotate_pymalloc();
	if (PyImport_AppendInittab("vg", init_vg) < 0)
		return -1;

	PyConfig_InitPythonConfig(&config);
	config.use_hash_seed = 1;
	config.hash_seed = 0;
	config.parse_argv = 0;
	st = PyConfig_SetBytesString(&config, &config.program_name, executable);
	if (!PyStatus_Exception(st))
		st = PyConfig_SetBytesArgv(&config, argc, argv);
	if (!PyStatus_Exception(st))
		st = Py_InitializeFromConfig(&config);
	PyConfig_Clear(&config);
	if (PyStatus_Exception(st))
		Py_ExitStatusException(st);
	return 0;
}
#else
static int start_python(int argc, char **argv)
{
	setenv("PYTHONHASHSEED", "0", 1);
#if PY3
	static wchar_t *wargv[256];
	wchar_t *name;

	if (mode == MODE_MALLOC)
		use_malloc();
	else if (mode == MODE_ANNOTATE || mode == MODE_ADHOC)
		annotate_pymalloc();
	/* After the hooks: in 3.6 this allocates through pymalloc. */
	if (PyImport_AppendInittab("vg", init_vg) < 0)
		return -1;
	name = Py_DecodeLocale(executable, NULL);
	if (name == NULL)
		return -1;
	Py_SetProgramName(name);
	Py_Initialize();
	for (int i = 0; i < argc && i < 256; i++)
		if ((wargv[i] = Py_DecodeLocale(argv[i], NULL)) == NULL)
			return -1;
	PySys_SetArgvEx(argc < 256 ? argc : 256, wargv, 0);
#else
	if (PyImport_AppendInittab("vg", init_vg) < 0)
		return -1;
	Py_SetProgramName((char *)executable);
	Py_Initialize();
	PySys_SetArgvEx(argc, argv, 0);
#endif
	return 0;
}
#endif

static void usage(FILE *to)
{
	fprintf(to,
		"usage: %s [--mode=annotate|malloc|pymalloc|adhoc] [--measure=snippet|all]\n"
		"       [--pyframes[=MAP]] [-P] [--executable=PYTHON] [--first-phase=NAME]\n"
		"       [--times] [--requests=no] (SNIPPET.py | -c CODE | -m MODULE) [ARG...]\n"
		"  Run a Python snippet in an embedded CPython %s (%s), measuring\n"
		"  only the snippet; `import vg` marks phases (vg.phase(\"build\")).\n"
		"  --mode=annotate  pymalloc's blocks reported to Valgrind (default\n"
		"                   under Valgrind; Python 3.6+)\n"
		"  --mode=malloc    every allocation through malloc (for DHAT)\n"
		"  --mode=pymalloc  untouched (the default outside Valgrind)\n"
		"  --mode=adhoc     pymalloc untouched, every block it serves a DHAT\n"
		"                   ad-hoc event weighing its size (valgrind\n"
		"                   --tool=dhat --mode=ad-hoc; no other request)\n"
		"  --pyframes[=MAP] each Python function a native frame of its own\n"
		"                   (a stub per code object, Python 3.6+): the\n"
		"                   tools see py: functions once the stubs'\n"
		"                   addresses are renamed with MAP (default\n"
		"                   pyframes.map): \"ADDRESS SIZE py:NAME (FILE:LINE)\"\n"
		"  --measure=snippet  Callgrind counts the snippet only (default;\n"
		"                     run valgrind with --instr-atstart=no)\n"
		"  --measure=all    count start-up and finalisation too, as parts\n"
		"  -m MODULE        run MODULE as python -m does (runpy)\n"
		"  -P               no script folder first in sys.path (python's\n"
		"                   -P; the suite's own snippets)\n"
		"  --executable=PYTHON  the python the interpreter starts as: a\n"
		"                   virtualenv's bin/python finds its packages\n"
		"  --first-phase=NAME  the snippet's first phase (default setup)\n"
		"  --times          print each phase's wall time to stderr\n"
		"  --requests=no    issue no Callgrind requests (for DHAT, which\n"
		"                   warns at each one; use with --mode=malloc)\n"
		"  sys.argv is [SNIPPET.py or -c, ARG...] (-m: the module's file);\n"
		"  sys.path[0] the script's folder (-m, -c: the current one); the\n"
		"  hash seed is 0; PYTHONMALLOC, PYTHONHASHSEED and PYTHONPERFSUPPORT\n"
		"  are ignored (the mode and the runner decide).\n"
		"  A snippet that cannot run here exits 77 (skip).\n"
		"example: valgrind --tool=callgrind --instr-atstart=no %s \\\n"
		"           pyembed/snippets/py_range.py 1000000\n",
		prog, PY_VERSION, RW_PYTHON_EXE, prog);
}

int main(int argc, char **argv)
{
	const char *code = NULL, *path = NULL, *module = NULL;
	int i, status, mode_set = 0;

	clock_gettime(CLOCK_MONOTONIC, &phase_t0);
	prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strncmp(a, "--mode=", 7)) {
			for (mode_set = 0; mode_set < N_MODES; mode_set++)
				if (!strcmp(a + 7, mode_names[mode_set]))
					break;
			if (mode_set == N_MODES)
				cli_usage_error(prog, "unknown mode '%s' (allowed: annotate, malloc, "
					  "pymalloc, adhoc)", a + 7);
			mode = mode_set;
			mode_set = 1;
		} else if (!strcmp(a, "--pyframes")) {
			pyframes_map = "pyframes.map";
		} else if (!strncmp(a, "--pyframes=", 11) && a[11] != '\0') {
			pyframes_map = a + 11;
		} else if (!strcmp(a, "--measure=snippet")) {
			measure_all = 0;
		} else if (!strcmp(a, "--measure=all")) {
			measure_all = 1;
		} else if (!strncmp(a, "--measure=", 10)) {
			cli_usage_error(prog, "unknown --measure '%s' (allowed: snippet, all)", a + 10);
		} else if (!strcmp(a, "--times")) {
			print_times = 1;
		} else if (!strcmp(a, "--requests=no")) {
			rw_silence();
		} else if (!strcmp(a, "-P")) {
			safe_path = 1;
		} else if (!strncmp(a, "--executable=", 13) && a[13] != '\0') {
			executable = a + 13;
		} else if (!strncmp(a, "--first-phase=", 14)) {
			first_phase = a + 14;
			if (*first_phase == '\0' || strlen(first_phase) > 64 ||
			    strspn(first_phase, "_-0123456789abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(first_phase))
				cli_usage_error(prog, "phase name '%s' must be 1-64 of A-Z a-z 0-9 _ -",
						first_phase);
		} else if (!strcmp(a, "-c") || !strcmp(a, "-m")) {
			if (i + 1 == argc)
				cli_usage_error(prog, "%s needs %s", a, a[1] == 'c' ? "the code to run"
						: "a module's name");
			if (a[1] == 'c')
				code = argv[++i];
			else
				module = argv[++i];
			break;
		} else if (a[0] == '-' && a[1] != '\0') {
			cli_usage_error(prog, "unknown option '%s' (see %s --help)", a, prog);
		} else {
			path = a;
			break;
		}
	}
	if (code == NULL && path == NULL && module == NULL)
		cli_usage_error(prog, "no snippet: give SNIPPET.py, -c CODE or -m MODULE (see %s --help)", prog);
	/* What the mode and the runner decide, the environment does not. */
	unsetenv("PYTHONMALLOC");
	unsetenv("PYTHONPERFSUPPORT");
	unsetenv("PYTHON_PERF_JIT_SUPPORT");
	if (path != NULL) {	/* before starting Python: bad input fails fast */
		FILE *f = fopen(path, "r");

		if (f == NULL)
			cli_usage_error(prog, "cannot read snippet '%s': %s", path,
					strerror(errno));
		fclose(f);
	}
	if (!mode_set)
		mode = HAVE_ALLOCATOR_API && rw_on_valgrind() ? MODE_ANNOTATE : MODE_PYMALLOC;
	if (!HAVE_ALLOCATOR_API && mode != MODE_PYMALLOC)
		cli_usage_error(prog, "--mode=%s needs Python 3.6+ (PyMem_SetAllocator); "
			  "Python %s has only pymalloc", mode_names[mode], PY_VERSION);
	if (mode == MODE_ADHOC)
		rw_silence();	/* DHAT warns at every request but its own */
#if !RW_HAVE_PYFRAMES
	if (pyframes_map != NULL)
		cli_usage_error(prog, "--pyframes needs CPython 3.6+ with the GIL on x86-64 (a "
				"frame-evaluation hook, PEP 523); Python %s%s has none", PY_VERSION,
#ifdef Py_GIL_DISABLED
				", free-threaded,"
#else
				""
#endif
				);
#endif

	if (!measure_all)
		rw_instrumenting_at_start(0);	/* until the snippet starts */

	/* sys.argv: the snippet (or "-c", "-m") and what follows it. */
	if (code != NULL || module != NULL)
		argv[i] = code != NULL ? (char *)"-c" : (char *)"-m";
	if (start_python(argc - i, argv + i) < 0) {
		fprintf(stderr, "%s: error: cannot start Python %s\n", prog, PY_VERSION);
		return 1;
	}
#if RW_HAVE_PYFRAMES
	if (pyframes_map != NULL && pyframes_start(pyframes_map) < 0) {
		fprintf(stderr, "%s: error: --pyframes: no code extra slot left\n", prog);
		return 125;
	}
#endif
	status = run_snippet(path, code, module);
#if RW_HAVE_PYFRAMES
	if (pyframes_map != NULL)
		pyframes_resolve();
#endif
#if PY_VERSION_HEX >= 0x03060000
	if (Py_FinalizeEx() < 0 && status == 0)
		status = 120;		/* as python does when flushing fails */
#else
	Py_Finalize();
#endif
	phase("exit");		/* rw_phase_end(), timed */
#if RW_HAVE_PYFRAMES
	if (pyframes_map != NULL && pyframes_finish() < 0) {
		fprintf(stderr, "%s: error: --pyframes: cannot write '%s': %s\n", prog,
			pyframes_map, strerror(errno));
		return 125;
	}
#endif
	return status;
}
