/*
 * hook.c - the runner's measurement inside the user's own python (3.8+):
 * build/pyembed/pyhook-TAG.so, loaded by the preload (preload.c) before
 * python's main runs, so that a profile is of the interpreter the user
 * runs (a PGO build, a static one, pyenv's), not of a program embedding
 * its shared library.
 *
 * Before the interpreter starts (rangewall_hook_init), it does what the
 * runner does before Py_Initialize: the allocator mode (pymalloc's
 * annotation, or PYTHONMALLOC=malloc), the vg module in the inittab, the
 * hash seed (PYTHONHASHSEED=0), and it adds an audit hook (PEP 578).  The
 * interpreter raises "cpython.run_file" (or run_module, run_command,
 * run_stdin) as it starts the program: there the program's first phase
 * begins and Callgrind starts counting, as in the runner's run_snippet.
 * An atexit callback, registered then and so run after the program's
 * own, begins "finalize"; a Py_AtExit function, at Py_Finalize's very
 * end, begins "exit" and writes the --pyframes map.
 *
 * Settings, from the environment (the preload removes them, so that the
 * program and its children do not see them, unless RANGEWALL_CHILDREN):
 *   RANGEWALL_MODE         annotate, malloc, pymalloc (default), adhoc
 *   RANGEWALL_MEASURE      snippet (default), all, or calls (rangewall
 *                          pytest: only the calls vg.count_begin() and
 *                          vg.count_end() frame are instrumented)
 *   RANGEWALL_PYFRAMES     the --pyframes map's path ("%p": the process id)
 *   RANGEWALL_FIRST_PHASE  the program's first phase (default main)
 *   RANGEWALL_TIMES        a file each phase's wall time is added to
 *   RANGEWALL_STARTED      a file made as the program starts; at the end
 *                          it says "compiled N": the modules imported from
 *                          source (no usable .pyc) meanwhile
 *   RANGEWALL_REQUESTS     "no": no Callgrind request (for DHAT)
 */
#include <Python.h>
#if PY_VERSION_HEX < 0x03090000
#include <frameobject.h>	/* PyFrameObject's f_code, before PyFrame_GetCode */
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embed.h"
#include "pyframes.h"

#if PY_VERSION_HEX < 0x03080000
#error "the hook needs Python 3.8+ (audit hooks); older Pythons use the runner"
#endif

static const char *first_phase = "main";
static int measure_all, program_started;
static long compiled;		/* modules compiled from source, the program's run */
static const char *started_file;	/* RANGEWALL_STARTED */
static PyObject *py_suffix;		/* ".py" */
static PyObject *main_file;		/* cpython.run_file's file, or NULL */
#if RW_HAVE_PYFRAMES
static const char *pyframes_map = "";
#endif
static const char *parts_dir;	/* RANGEWALL_PARTS: the vg module's parts */

static void fail(const char *what, const char *value)
{
	fprintf(stderr, "rangewall: error: %s '%s'\n", what, value);
	fflush(stderr);
	_exit(125);
}

/* A copy of the environment's NAME (malloc'd), or NULL: the preload
 * removes them from the environment once the hook has read them. */
static const char *setting(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? strdup(v) : NULL;
}

/* ------------------------------------------------------------------------
 * The program's ends.
 */

/* atexit: the program has ended (its own atexit callbacks ran before). */
static PyObject *program_ended(PyObject *self, PyObject *unused)
{
	(void)self, (void)unused;
	embed_finalize(measure_all);
#if RW_HAVE_PYFRAMES
	if (*pyframes_map != '\0')
		pyframes_resolve();
#endif
	Py_RETURN_NONE;
}

static PyMethodDef program_ended_def = {
	"_rangewall_program_ended", program_ended, METH_NOARGS, NULL
};

/*
 * Py_AtExit: the interpreter is gone.  The started file gets the number
 * of modules compiled from source: a module whose .pyc was missing or
 * stale costs its compilation in this run, and the next run less.
 */
static void interpreter_gone(void)
{
	FILE *f;

	embed_exit();
	if (started_file != NULL && (f = fopen(started_file, "w")) != NULL) {
		fprintf(f, "compiled %ld\n", compiled);
		fclose(f);
	}
#if RW_HAVE_PYFRAMES
	if (*pyframes_map != '\0' && pyframes_finish() < 0) {
		fprintf(stderr, "rangewall: error: --pyframes: cannot write '%s'\n", pyframes_map);
		fflush(stderr);
		_exit(125);
	}
#endif
}

/*
 * True when the import system is compiling: the Python frame that called
 * compile() is importlib's (SourceLoader.get_code compiles a module's
 * source through _bootstrap._call_with_frames_removed).
 */
static int importing(void)
{
	PyFrameObject *f = PyEval_GetFrame();	/* borrowed */
	PyCodeObject *co;
	const char *name;
	int r;

	if (f == NULL)
		return 0;
#if PY_VERSION_HEX >= 0x03090000
	co = PyFrame_GetCode(f);
#else
	co = f->f_code;
	Py_INCREF(co);
#endif
	name = PyUnicode_Check(co->co_filename) ? PyUnicode_AsUTF8(co->co_filename) : NULL;
	r = name != NULL && !strncmp(name, "<frozen importlib._bootstrap", 28);
	Py_DECREF(co);
	PyErr_Clear();
	return r;
}

/*
 * The audit hook: the first "cpython.run_*" event but the interactive
 * ones is the program starting.  Every later event costs this one test.
 */
static int audit(const char *event, PyObject *args, void *data)
{
	PyObject *atexit, *fn, *r;

	(void)data;
	if (program_started) {
		/* import compiles a module with no usable .pyc: "compile", FILE.py */
		PyObject *file;

		if (event[0] != 'c' || strcmp(event, "compile") || !PyTuple_Check(args) ||
		    PyTuple_GET_SIZE(args) < 2 || !PyUnicode_Check(file = PyTuple_GET_ITEM(args, 1)))
			return 0;
		/* the script itself is compiled every run, as python runs it; a
		 * program's own compile() or ast.parse() is its work, not an import */
		if (PyUnicode_Tailmatch(file, py_suffix, 0, PY_SSIZE_T_MAX, 1) == 1 &&
		    (main_file == NULL || PyUnicode_Compare(file, main_file) != 0) && importing())
			compiled++;
		PyErr_Clear();
		return 0;
	}
	if (strncmp(event, "cpython.run_", 12) != 0 ||
	    !strcmp(event + 12, "startup") || !strcmp(event + 12, "interactivehook"))
		return 0;
	program_started = 1;
	if ((py_suffix = PyUnicode_FromString(".py")) == NULL)
		fail("out of memory at", event);
	if (!strcmp(event + 12, "file") && PyTuple_Check(args) && PyTuple_GET_SIZE(args) >= 1 &&
	    PyUnicode_Check(PyTuple_GET_ITEM(args, 0))) {
		main_file = PyTuple_GET_ITEM(args, 0);
		Py_INCREF(main_file);
	}
	atexit = PyImport_ImportModule("atexit");
	fn = PyCFunction_New(&program_ended_def, NULL);
	r = atexit != NULL && fn != NULL ? PyObject_CallMethod(atexit, "register", "O", fn) : NULL;
	Py_XDECREF(atexit);
	Py_XDECREF(fn);
	if (r == NULL)
		fail("cannot register with atexit", event);
	Py_DECREF(r);
	if (Py_AtExit(interpreter_gone) < 0)
		fail("no Py_AtExit slot left for", event);
#if RW_HAVE_PYFRAMES
	if (*pyframes_map != '\0' && pyframes_start(pyframes_map) < 0)
		fail("--pyframes: no code extra slot left for", pyframes_map);
	if (*pyframes_map != '\0') {
		static struct embed_map map = { NULL, pyframes_write_part, pyframes_count };

		map.path = pyframes_path();
		embed_set_parts(parts_dir, &map);
	} else
#endif
		embed_set_parts(parts_dir, NULL);
	embed_start(first_phase, measure_all);
	return 0;
}

/* ------------------------------------------------------------------------
 * Before the interpreter starts: called by the preload, from its
 * constructor.  Returns 0, or exits 125 naming a bad setting.
 */
int rangewall_hook_init(void)
{
	const char *mode = setting("RANGEWALL_MODE"), *measure = setting("RANGEWALL_MEASURE");
	const char *map = setting("RANGEWALL_PYFRAMES"), *first = setting("RANGEWALL_FIRST_PHASE");
	const char *requests = setting("RANGEWALL_REQUESTS");
	enum embed_mode m = MODE_PYMALLOC;
	int i;

	if (mode != NULL) {
		for (i = 0; i < EMBED_N_MODES && strcmp(mode, embed_mode_names[i]); i++)
			;
		if (i == EMBED_N_MODES)
			fail("RANGEWALL_MODE is not annotate, malloc, pymalloc or adhoc:", mode);
		m = (enum embed_mode)i;
	}
	if (measure != NULL && strcmp(measure, "snippet") && strcmp(measure, "all") &&
	    strcmp(measure, "calls"))
		fail("RANGEWALL_MEASURE is not snippet, all or calls:", measure);
	measure_all = measure == NULL || !strcmp(measure, "snippet") ? EMBED_MEASURE_SNIPPET :
		      !strcmp(measure, "all") ? EMBED_MEASURE_ALL : EMBED_MEASURE_CALLS;
	if (first != NULL)
		first_phase = first;
	if (map != NULL) {
#if RW_HAVE_PYFRAMES
		pyframes_map = map;
#else
		fail("--pyframes needs a Python with the GIL on x86-64; not", Py_GetVersion());
#endif
	}
	embed_set_mode(m);
	started_file = setting("RANGEWALL_STARTED");
	parts_dir = setting("RANGEWALL_PARTS");
	embed_options(setting("RANGEWALL_TIMES"), started_file);
	if (m == MODE_ADHOC || (requests != NULL && !strcmp(requests, "no")))
		embed_silence();
	if (measure_all != EMBED_MEASURE_ALL)
		embed_snippet_only();

	/* The drivers' own settings, out of the program's sight (but for its
	 * children's hooks, with --children). */
	embed_take_settings(getenv("RANGEWALL_CHILDREN") == NULL);
	/* What the runner fixes, the environment does not decide. */
	setenv("PYTHONHASHSEED", "0", 1);
	unsetenv("PYTHONPERFSUPPORT");
	unsetenv("PYTHON_PERF_JIT_SUPPORT");
	if (m == MODE_MALLOC)
		setenv("PYTHONMALLOC", "malloc", 1);
	else
		unsetenv("PYTHONMALLOC");
	if (m == MODE_ANNOTATE || m == MODE_ADHOC)
		embed_annotate();
	if (PyImport_AppendInittab("vg", embed_init_vg) < 0)
		fail("cannot add the vg module to", Py_GetVersion());
	if (PySys_AddAuditHook(audit, NULL) < 0)
		fail("cannot add an audit hook to", Py_GetVersion());
	free((void *)mode);
	free((void *)measure);
	free((void *)requests);
	return 0;
}
