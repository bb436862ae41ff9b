/*
 * pyframes.c - every Python function a native frame of its own, for the
 * runner's --pyframes (CPython 3.6 to 3.13, x86-64).
 *
 * Valgrind's tools see native code only: under Callgrind every Python
 * function is _PyEval_EvalFrameDefault, under Massif and Memcheck a stack
 * of them.  Here each code object gets a stub of its own, a few bytes of
 * machine code at an address no other function has, through which the
 * interpreter evaluates it:
 *
 *   eval loop -> pyframes_eval (the PEP 523 frame-evaluation hook)
 *             -> the code object's stub -> _PyEval_EvalFrameDefault
 *
 * so a tool's profile holds one "function" per Python function (a bare
 * address: the stub has no symbol), with its inclusive cost, its calls and
 * its place in every stack.  The map from stub address to "py:QUALNAME
 * (FILE:LINE)" is written at exit (pyframes_finish); the drivers rename
 * the addresses in the tools' outputs with it.
 *
 * The hook: the interpreter state's eval_frame field on 3.6 and 3.7
 * (public), 3.8 (in the installed internal headers), and
 * _PyInterpreterState_SetEvalFrameFunc from 3.9.  The stub is cached on
 * the code object (_PyEval_RequestCodeExtraIndex, PyUnstable_* from 3.12)
 * and never freed: an address names one function for the whole run.
 *
 * What it changes: each Python call costs a few dozen instructions more
 * (the hook, the look-up, the stub), and from 3.11 a Python-to-Python call
 * is no longer inlined into the caller's evaluation when a hook is set
 * (CALL_PY_EXACT_ARGS deoptimises), so the profile is exact for the
 * interpreter as hooked, which costs more than the one unhooked.  Each
 * resumption of a generator or coroutine goes through the hook (a call of
 * its own), and from 3.11 so does its creation; 3.12's inlined list, set
 * and dict comprehensions have no frame, so their cost is their
 * function's.  On 3.13, CALL_ALLOC_AND_ENTER_INIT enters a class's plain
 * __init__ without the hook: its cost lands in the caller's.
 * Stubs live in mmap'd memory and names in an mmap'd pool: Massif does
 * not count them.
 */
#include "pyframes.h"

#if RW_HAVE_PYFRAMES

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#if PY_VERSION_HEX < 0x030B0000
#include <frameobject.h>
#endif
#if PY_VERSION_HEX >= 0x03080000 && PY_VERSION_HEX < 0x03090000
/* 3.8 keeps the interpreter state's eval_frame field in its internal
 * headers, which it installs: they want Py_BUILD_CORE. */
#define Py_BUILD_CORE 1
#include <internal/pycore_pystate.h>
#endif

/* The frame the hook is given, and the evaluator it hands it on to. */
#if PY_VERSION_HEX >= 0x030B0000
typedef struct _PyInterpreterFrame rw_frame;
#define EVAL_ARGS PyThreadState *ts, rw_frame *f, int throwflag
#define EVAL_PASS ts, f, throwflag
#elif PY_VERSION_HEX >= 0x03090000
typedef PyFrameObject rw_frame;
#define EVAL_ARGS PyThreadState *ts, rw_frame *f, int throwflag
#define EVAL_PASS ts, f, throwflag
#else
typedef PyFrameObject rw_frame;
#define EVAL_ARGS rw_frame *f, int throwflag
#define EVAL_PASS f, throwflag
#endif
typedef PyObject *(*rw_evalfn)(EVAL_ARGS);

/*
 * The code object a frame runs.  Up to 3.10 the frame object's f_code.
 * From 3.11 the interpreter frame is internal: its code object is the
 * pointer at offset 32 on 3.11 (after f_func, f_globals, f_builtins,
 * f_locals) and 0 on 3.12 (f_code) and 3.13 (f_executable).  The first
 * frame checks it (pyframes_eval).
 */
static PyObject *frame_code(rw_frame *f)
{
#if PY_VERSION_HEX >= 0x030C0000
	return *(PyObject **)f;
#elif PY_VERSION_HEX >= 0x030B0000
	return *(PyObject **)((char *)f + 4 * sizeof(PyObject *));
#else
	return (PyObject *)f->f_code;
#endif
}

#if PY_VERSION_HEX >= 0x030C0000
#define request_index PyUnstable_Eval_RequestCodeExtraIndex
#define get_extra PyUnstable_Code_GetExtra
#define set_extra PyUnstable_Code_SetExtra
#else
#define request_index _PyEval_RequestCodeExtraIndex
#define get_extra _PyCode_GetExtra
#define set_extra _PyCode_SetExtra
#endif

/* ------------------------------------------------------------------------
 * Stubs: push %rbp; mov %rsp,%rbp; movabs $evaluator,%rax; call *%rax;
 * pop %rbp; ret -- 18 bytes in a 32-byte slot, the rest int3.  The frame
 * pointer it sets up lets Valgrind's unwinder step over it (it has no CFI);
 * the arguments pass through in their registers untouched.
 */
#define STUB_SIZE 32
#define ARENA_SIZE (64 * 1024)	/* stubs a mapping: 2,048 */

static unsigned char *stub_next, *stub_end;

static void *map_pages(size_t bytes, int prot)
{
	void *p = mmap(NULL, bytes, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* A new stub that calls `target`, or NULL. */
static rw_evalfn stub_new(rw_evalfn target)
{
	static const unsigned char head[] = { 0x55, 0x48, 0x89, 0xe5, 0x48, 0xb8 };
	static const unsigned char tail[] = { 0xff, 0xd0, 0x5d, 0xc3 };
	uintptr_t t = (uintptr_t)target;
	unsigned char *s;

	if (stub_next == stub_end) {
		stub_next = map_pages(ARENA_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC);
		if (stub_next == NULL)
			return NULL;
		stub_end = stub_next + ARENA_SIZE;
	}
	s = stub_next;
	stub_next += STUB_SIZE;
	memset(s, 0xcc, STUB_SIZE);
	memcpy(s, head, sizeof head);
	memcpy(s + sizeof head, &t, sizeof t);
	memcpy(s + sizeof head + sizeof t, tail, sizeof tail);
	return (rw_evalfn)(void *)s;
}

/* ------------------------------------------------------------------------
 * The map: one entry per stub, its names copied into an mmap'd pool.
 */
struct entry {
	void *stub;
	PyObject *code;		/* a strong reference: the address stays its */
	const char *name;	/* qualname (3.11+), else the name, until resolved */
	const char *file;
	int line;
};

static struct entry *entries;
static size_t n_entries, cap_entries;
static char *pool_next, *pool_end;
static Py_ssize_t extra_index = -1;
static const char *map_path;
static int checked;		/* the first frame's code object was one */

/* A copy of `s` in the pool (not the heap Massif watches), or "?". */
static const char *keep(const char *s)
{
	size_t n = strlen(s) + 1;

	if (n > (size_t)(pool_end - pool_next)) {
		size_t bytes = n > ARENA_SIZE ? n : ARENA_SIZE;

		if ((pool_next = map_pages(bytes, PROT_READ | PROT_WRITE)) == NULL) {
			pool_end = NULL;
			return "?";
		}
		pool_end = pool_next + bytes;
	}
	memcpy(pool_next, s, n);
	pool_next += n;
	return pool_next - n;
}

/* UTF-8 of a str attribute of a code object, or "?". */
static const char *utf8(PyObject *s)
{
	const char *u = s != NULL && PyUnicode_Check(s) ? PyUnicode_AsUTF8(s) : NULL;

	if (u == NULL) {
		PyErr_Clear();
		return "?";
	}
	return u;
}

static int entry_add(void *stub, PyObject *code)
{
	PyCodeObject *co = (PyCodeObject *)code;

	if (n_entries == cap_entries) {
		size_t cap = cap_entries ? 2 * cap_entries : 1024;
		struct entry *t = map_pages(cap * sizeof *t, PROT_READ | PROT_WRITE);

		if (t == NULL)
			return -1;
		if (entries != NULL) {
			memcpy(t, entries, n_entries * sizeof *t);
			munmap(entries, cap_entries * sizeof *t);
		}
		entries = t;
		cap_entries = cap;
	}
	Py_INCREF(code);
	entries[n_entries].stub = stub;
	entries[n_entries].code = code;
#if PY_VERSION_HEX >= 0x030B0000
	entries[n_entries].name = keep(utf8(co->co_qualname));
#else
	entries[n_entries].name = keep(utf8(co->co_name));
#endif
	entries[n_entries].file = keep(utf8(co->co_filename));
	entries[n_entries].line = co->co_firstlineno;
	n_entries++;
	return 0;
}

/* ------------------------------------------------------------------------
 * The hook.
 */
static void fail(const char *why)
{
	fprintf(stderr, "pyrun: error: --pyframes: %s\n", why);
	fflush(stderr);
	_exit(125);
}

static PyObject *pyframes_eval(EVAL_ARGS)
{
	PyObject *code = frame_code(f);
	void *stub = NULL;

	if (!checked) {
#if PY_VERSION_HEX >= 0x030C0000
		PyObject *c = PyUnstable_InterpreterFrame_GetCode(f);

		Py_XDECREF(c);
		if (c != code)
			fail("this Python's frames do not hold their code object where 3.12 and 3.13 do");
#endif
		if (!PyCode_Check(code))
			fail("this Python's frames do not hold their code object where expected");
		checked = 1;
	}
	if (get_extra(code, extra_index, &stub) < 0)
		fail("cannot read a code object's extra slot");
	if (stub == NULL) {
		if ((stub = (void *)stub_new(_PyEval_EvalFrameDefault)) == NULL ||
		    entry_add(stub, code) < 0 || set_extra(code, extra_index, stub) < 0)
			fail("out of memory for the stubs");
	}
	return ((rw_evalfn)stub)(EVAL_PASS);
}

static void set_hook(rw_evalfn fn)
{
#if PY_VERSION_HEX >= 0x03090000
	_PyInterpreterState_SetEvalFrameFunc(PyInterpreterState_Get(), fn);
#else
	PyThreadState_Get()->interp->eval_frame = fn;
#endif
}

int pyframes_start(const char *path)
{
	map_path = path;
	if ((extra_index = request_index(NULL)) < 0)
		return -1;
	set_hook(pyframes_eval);
	return 0;
}

/*
 * Before 3.11 a code object has no qualified name, its function does:
 * while the interpreter still runs, find the live functions' code objects
 * and take their __qualname__ (Class.method rather than method).
 */
void pyframes_resolve(void)
{
#if PY_VERSION_HEX < 0x030B0000
	PyObject *g, *names, *r;

	set_hook(_PyEval_EvalFrameDefault);	/* this look-up is not the program's */
	if ((g = PyDict_New()) == NULL)
		goto out;
	r = PyRun_String("import gc, types\n"
			 "names = {}\n"
			 "for o in gc.get_objects():\n"
			 "    if isinstance(o, types.FunctionType):\n"
			 "        names.setdefault(id(o.__code__), o.__qualname__)\n",
			 Py_file_input, g, g);
	Py_XDECREF(r);
	names = PyDict_GetItemString(g, "names");
	for (size_t i = 0; names != NULL && i < n_entries; i++) {
		PyObject *key = PyLong_FromVoidPtr(entries[i].code);
		PyObject *q = key != NULL ? PyDict_GetItem(names, key) : NULL;

		if (q != NULL)
			entries[i].name = keep(utf8(q));
		Py_XDECREF(key);
	}
out:
	PyErr_Clear();
	Py_XDECREF(g);
	set_hook(pyframes_eval);
#endif
}

/* Write the map: "ADDRESS SIZE py:NAME (FILE:LINE)" a stub, in hex. */
int pyframes_finish(void)
{
	FILE *f = fopen(map_path, "w");

	if (f == NULL)
		return -1;
	for (size_t i = 0; i < n_entries; i++)
		fprintf(f, "%lx %x py:%s (%s:%d)\n", (unsigned long)(uintptr_t)entries[i].stub,
			STUB_SIZE, entries[i].name, entries[i].file, entries[i].line);
	return fclose(f);
}

#endif /* RW_HAVE_PYFRAMES */
