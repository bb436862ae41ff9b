/*
 * pyrun - run a Python snippet inside an embedded CPython, measuring only
 * the snippet, split into phases, with pymalloc's objects made visible to
 * Valgrind.  One source for CPython 2.7 and 3.6+; built once per Python
 * (scripts/setup/build-runners), as build/pyembed/pyrun-TAG.  The suite's own
 * snippets run here; a user's program runs in its own python with the
 * hook (hook.c) where that Python has audit hooks (3.8+), here before.
 *
 * Phases (embed.c).  Interpreter start-up, then the snippet -- "main"
 * until its first vg.phase("name"), then each named phase -- then
 * "finalize" (Py_Finalize), then "exit".  With --measure=snippet (the
 * default) Callgrind counts only the snippet (run valgrind with
 * --instr-atstart=no to skip instrumenting start-up too).  --measure=all
 * counts start-up and finalisation as parts of their own.  The hash seed
 * is fixed (0), so counts repeat run to run.
 *
 * Allocator modes (--mode, embed.c): annotate (pymalloc's blocks reported
 * to Valgrind; the default under Valgrind on 3.6+), malloc, pymalloc
 * (the default elsewhere), adhoc (for DHAT's ad-hoc mode).
 *
 * The snippet imports `vg`, built in: vg.phase(name), vg.start(),
 * vg.stop(), vg.snapshot(name), vg.running(), vg.mode.  Outside Valgrind
 * they cost a few instructions and do nothing else.
 */
#include <Python.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "embed.h"
#include "pyframes.h"

#ifndef RW_PYTHON_EXE		/* baked in by scripts/setup/build-runners */
#error "build with -DRW_PYTHON_EXE='\"/path/to/python\"'"
#endif

#define PY3 (PY_MAJOR_VERSION >= 3)
#define HAVE_ALLOCATOR_API EMBED_HAVE_ALLOCATOR_API
#define HAVE_PRECONFIG (PY_VERSION_HEX >= 0x03080000)

static const char *prog = "pyrun";
static enum embed_mode mode;
static const char *pyframes_map;	/* --pyframes[=FILE] */
static const char *executable = RW_PYTHON_EXE;	/* --executable: a venv's python */
static const char *first_phase = "main";	/* --first-phase */
static int safe_path;			/* -P: no script folder in sys.path */
static int measure_all;		/* --measure=all */
static int keyboard_interrupt;	/* the snippet ended with an uncaught KeyboardInterrupt */

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
	embed_start(first_phase, measure_all);
	if (runpy != NULL) {
		res = PyObject_CallMethod(runpy, "_run_module_as_main", "si", module, 1);
		Py_DECREF(runpy);
	} else if (fp != NULL) {
		res = PyRun_FileExFlags(fp, path, Py_file_input, globals, globals, 1, NULL);
	} else {
		res = PyRun_StringFlags(code, Py_file_input, globals, globals, NULL);
	}
	embed_finalize(measure_all);
	if (res != NULL) {
		Py_DECREF(res);
		return 0;
	}
	if (PyErr_ExceptionMatches(PyExc_SystemExit))
		return exit_status();
	if (PyErr_ExceptionMatches(PyExc_KeyboardInterrupt))
		keyboard_interrupt = 1;
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
		embed_annotate();
	if (PyImport_AppendInittab("vg", embed_init_vg) < 0)
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
/* The name Py_SetProgramName holds until Py_Finalize, then freed. */
#if PY3
static wchar_t *program_name;
#endif

static int start_python(int argc, char **argv)
{
	setenv("PYTHONHASHSEED", "0", 1);
#if PY3
	static wchar_t *wargv[256];
	wchar_t *name;

	if (mode == MODE_MALLOC)
		embed_use_malloc();
	else if (mode == MODE_ANNOTATE || mode == MODE_ADHOC)
		embed_annotate();
	/* After the hooks: in 3.6 this allocates through pymalloc. */
	if (PyImport_AppendInittab("vg", embed_init_vg) < 0)
		return -1;
	name = program_name = Py_DecodeLocale(executable, NULL);
	if (name == NULL)
		return -1;
	Py_SetProgramName(name);
	Py_Initialize();
	for (int i = 0; i < argc && i < 256; i++)
		if ((wargv[i] = Py_DecodeLocale(argv[i], NULL)) == NULL)
			return -1;
	PySys_SetArgvEx(argc < 256 ? argc : 256, wargv, 0);
#else
	if (PyImport_AppendInittab("vg", embed_init_vg) < 0)
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
		"  --first-phase=NAME  the snippet's first phase (default main)\n"
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
	const char *times = NULL, *started = NULL;
	int i, status, mode_set = 0;

	prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strncmp(a, "--mode=", 7)) {
			for (mode_set = 0; mode_set < EMBED_N_MODES; mode_set++)
				if (!strcmp(a + 7, embed_mode_names[mode_set]))
					break;
			if (mode_set == EMBED_N_MODES)
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
			times = "-";
		} else if (!strncmp(a, "--times=", 8) && a[8] != '\0') {
			times = a + 8;
		} else if (!strncmp(a, "--started=", 10) && a[10] != '\0') {
			started = a + 10;
		} else if (!strcmp(a, "--requests=no")) {
			embed_silence();
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
		} else if (!strcmp(a, "--")) {	/* then the snippet, whatever its name */
			if (i + 1 == argc)
				cli_usage_error(prog, "-- needs a snippet's path");
			path = argv[++i];
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
	/* The drivers' own settings, out of the snippet's sight. */
	embed_take_settings(1);
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
		mode = HAVE_ALLOCATOR_API && embed_on_valgrind() ? MODE_ANNOTATE : MODE_PYMALLOC;
	if (!HAVE_ALLOCATOR_API && mode != MODE_PYMALLOC)
		cli_usage_error(prog, "--mode=%s needs Python 3.6+ (PyMem_SetAllocator); "
			  "Python %s has only pymalloc", embed_mode_names[mode], PY_VERSION);
	embed_set_mode(mode);
	embed_options(times, started);
	if (mode == MODE_ADHOC)
		embed_silence();	/* DHAT warns at every request but its own */
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
		embed_snippet_only();	/* instrumenting once the snippet starts */

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
#if PY3 && !HAVE_PRECONFIG
	PyMem_RawFree(program_name);
#endif
	embed_exit();
#if RW_HAVE_PYFRAMES
	if (pyframes_map != NULL && pyframes_finish() < 0) {
		fprintf(stderr, "%s: error: --pyframes: cannot write '%s': %s\n", prog,
			pyframes_map, strerror(errno));
		return 125;
	}
#endif
#if PY_VERSION_HEX >= 0x03080000
	/*
	 * As python 3.8+ ends on an uncaught KeyboardInterrupt (Ctrl-C): killed
	 * by SIGINT, so that the shell sees it (status 130), not exit 1.
	 */
	if (keyboard_interrupt) {
		fflush(NULL);
		signal(SIGINT, SIG_DFL);
		kill(getpid(), SIGINT);
	}
#endif
	return status;
}

