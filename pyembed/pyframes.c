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
 * function's.  Two specialised instructions would enter a Python function
 * past the hook; the runner keeps the specialiser from choosing them, and
 * names any function that still slipped past ("Paths past the hook").
 * Stubs live in mmap'd memory and names in an mmap'd pool: Massif does
 * not count them.
 */
#include "pyframes.h"

#if RW_HAVE_PYFRAMES

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if PY_VERSION_HEX < 0x030B0000
#include <frameobject.h>
#endif
/*
 * Internal headers, which CPython installs and which want Py_BUILD_CORE:
 * 3.8 keeps the interpreter state's eval_frame field there, and from 3.11
 * the frame the hook is given is an internal struct.
 */
#if PY_VERSION_HEX >= 0x03080000 && PY_VERSION_HEX < 0x03090000
#define Py_BUILD_CORE 1
#include <internal/pycore_pystate.h>
#elif PY_VERSION_HEX >= 0x030B0000
#define Py_BUILD_CORE 1
#include <internal/pycore_frame.h>
#undef _PyGC_FINALIZED		/* Python.h defined it without Py_BUILD_CORE (3.11) */
#include <internal/pycore_gc.h>
#include <internal/pycore_interp.h>
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
 * The code object a frame runs: the frame object's f_code up to 3.10, the
 * interpreter frame's f_code on 3.11 and 3.12, its f_executable on 3.13.
 * The first frame checks it (pyframes_eval).
 */
static PyObject *frame_code(rw_frame *f)
{
#if PY_VERSION_HEX >= 0x030D0000
	return f->f_executable;
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
#define STUB_KIND (STUB_SIZE - 1)	/* a byte past the code: what the function is */
#define STUB_ENTRY 24			/* past the code too: its entry's index (uint32_t) */
#define KIND_INIT 1			/* a class's __init__ (see "Paths past the hook") */
#define STUB_ARENA (64 * 1024)	/* stubs a mapping: 2,048 */

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
		stub_next = map_pages(STUB_ARENA, PROT_READ | PROT_WRITE | PROT_EXEC);
		if (stub_next == NULL)
			return NULL;
		stub_end = stub_next + STUB_ARENA;
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
	PyObject *code;		/* NULL once freed (stub_freed): its address may be another's */
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
		size_t bytes = n > STUB_ARENA ? n : STUB_ARENA;

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
	/*
	 * No reference: one would keep alive every code object ever run (each
	 * module's body, for one), and the heap measured would grow with them.
	 */
	memcpy((unsigned char *)stub + STUB_ENTRY, &(uint32_t){ (uint32_t)n_entries }, sizeof(uint32_t));
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

/* A code object freed: its extra slot held this stub. */
static void stub_freed(void *stub)
{
	uint32_t i;

	memcpy(&i, (unsigned char *)stub + STUB_ENTRY, sizeof i);
	if (i < n_entries && entries[i].stub == stub)
		entries[i].code = NULL;
}

/* ------------------------------------------------------------------------
 * Paths past the hook.  Some specialised instructions push a Python
 * function's frame themselves, without the hook: its calls would be
 * missed and its cost charged to its caller.
 *   3.11.0-3.11.3  BINARY_SUBSCR_GETITEM, a class's Python __getitem__ in
 *                  obj[i] (CPython gh-104405; fixed in 3.11.4, so
 *                  Debian 12's 3.11.2 has it)
 *   3.13           CALL_ALLOC_AND_ENTER_INIT, a class's Python __init__
 *                  in Class(...)
 * (gh-104405's other instructions, FOR_ITER_GEN, SEND_GEN,
 * LOAD_ATTR_PROPERTY and LOAD_ATTR_GETATTRIBUTE_OVERRIDDEN, arrived in
 * 3.12 with the fix; tests/pep523.py takes each path on every Python.)
 * The runner keeps the specialiser from choosing these two:
 *   - GETITEM keeps the function's version in 16 bits, and the specialiser
 *     refuses a function whose version does not fit.  func_version is
 *     CPython's own field, a number for the function's current state (0
 *     until the specialiser asks for one; CPython resets it to 0 when the
 *     function's code or defaults change): each function the runner meets
 *     gets one above 16 bits, from a range CPython's own count never
 *     reaches.
 *   - ENTER_INIT wants the class's tp_alloc to be PyType_GenericAlloc: each
 *     class whose __init__ the runner meets gets generic_alloc, which
 *     calls it, and PyType_Modified, which gives the class a new version:
 *     a call site already specialised for it (3.13 specialises importlib's
 *     bootstrap while the interpreter starts, before any hook) checks the
 *     version, no longer finds it, and is specialised again -- past
 *     ENTER_INIT.
 * The runner meets every function and class alive when the hook starts,
 * the function of every frame the hook evaluates, (3.11) a class body's
 * functions as the body ends, and (3.13) each class as type.__new__
 * makes it.  A function reached first through an
 * instruction specialised before the runner met it can still slip past.
 * The specialiser then records it in its class (_spec_cache), so
 * pyframes_resolve finds it, and the map names it: the drivers say its
 * calls are undercounted.
 */
#define GUARD_GETITEM (PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030B04F0)
#define GUARD_INIT (PY_VERSION_HEX >= 0x030D0000)
#define WATCH_SPEC_CACHE (PY_VERSION_HEX >= 0x030B0000)

#if GUARD_GETITEM
#define VERSION_BASE 0x80000000u	/* CPython counts from 1, one a function */
static uint32_t next_version = VERSION_BASE;

static void version_above_16_bits(PyObject *fn)
{
	PyFunctionObject *f = (PyFunctionObject *)fn;

	if (f->func_version < VERSION_BASE)
		f->func_version = next_version++;
}

/* A class body's namespace: its functions, as the body ends. */
static void versions_in(PyObject *ns)
{
	Py_ssize_t pos = 0;
	PyObject *k, *v;

	while (PyDict_Next(ns, &pos, &k, &v))
		if (PyFunction_Check(v))
			version_above_16_bits(v);
}
#endif

#if GUARD_INIT
static PyObject *generic_alloc(PyTypeObject *t, Py_ssize_t n)
{
	return PyType_GenericAlloc(t, n);
}

static void alloc_not_generic(PyTypeObject *t)
{
	if (t->tp_alloc == PyType_GenericAlloc && (t->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
		t->tp_alloc = generic_alloc;
		PyType_Modified(t);
	}
}

/*
 * type.__new__, through which every class statement and type() call
 * makes its class (a metaclass's __new__ calls it too): the runner meets
 * each class as it is made, before any call site can be specialised for
 * it.  (A metaclass made before the hook started, with no __new__ of its
 * own, kept the old pointer: pyframes_resolve still names what slips.)
 */
static newfunc type_new_original;

static PyObject *type_new_met(PyTypeObject *meta, PyObject *args, PyObject *kwds)
{
	PyObject *t = type_new_original(meta, args, kwds);

	if (t != NULL && PyType_Check(t))
		alloc_not_generic((PyTypeObject *)t);
	return t;
}
#endif

#if WATCH_SPEC_CACHE
/*
 * What the specialiser had recorded in the classes' _spec_cache when the
 * hook started (start-up's work): a class holding the same function at
 * the end does not count as a slip.  The classes are kept alive (strong
 * references), so that an address names one class.
 */
struct cached {
	PyObject *type, *getitem, *init;
};
static struct cached *cached_at_start;
static size_t n_cached, cap_cached;

static PyObject *cache_init(PyHeapTypeObject *t)
{
#if PY_VERSION_HEX >= 0x030D0000
	return t->_spec_cache.init;
#else
	(void)t;
	return NULL;
#endif
}

static void cached_add(PyObject *type)
{
	PyHeapTypeObject *t = (PyHeapTypeObject *)type;

	if (n_cached == cap_cached) {
		size_t cap = cap_cached ? 2 * cap_cached : 64;
		struct cached *c = map_pages(cap * sizeof *c, PROT_READ | PROT_WRITE);

		if (c == NULL)
			return;
		if (cached_at_start != NULL) {
			memcpy(c, cached_at_start, n_cached * sizeof *c);
			munmap(cached_at_start, cap_cached * sizeof *c);
		}
		cached_at_start = c;
		cap_cached = cap;
	}
	Py_INCREF(type);
	cached_at_start[n_cached].type = type;
	cached_at_start[n_cached].getitem = t->_spec_cache.getitem;
	cached_at_start[n_cached].init = cache_init(t);
	n_cached++;
}

static int cached_before(PyObject *type, PyObject *getitem, PyObject *init)
{
	for (size_t i = 0; i < n_cached; i++)
		if (cached_at_start[i].type == type)
			return (getitem == NULL || getitem == cached_at_start[i].getitem) &&
			       (init == NULL || init == cached_at_start[i].init);
	return getitem == NULL && init == NULL;
}

/*
 * The functions that slipped past the hook, "INSTRUCTION py:NAME
 * (FILE:LINE)" each, in the pool: the first MAX_SLIPPED, and how many.
 */
#define MAX_SLIPPED 64
static const char *slipped[MAX_SLIPPED];
static size_t n_slipped;

static void slipped_add(const char *instruction, PyObject *fn)
{
	PyCodeObject *co = (PyCodeObject *)PyFunction_GET_CODE(fn);
	char line[1024];

	snprintf(line, sizeof line, "%s py:%s (%s:%d)", instruction,
		 utf8(((PyFunctionObject *)fn)->func_qualname), utf8(co->co_filename),
		 co->co_firstlineno);
	if (n_slipped < MAX_SLIPPED)
		slipped[n_slipped] = keep(line);
	n_slipped++;
}

/*
 * Each object the collector tracks, in its own lists: gc.get_objects()
 * would build a list of them all, on the heap the tools measure -- at the
 * program's end, where its heap is often largest (220,704 B on docutils'
 * peak).  FN must not make or free a tracked object.
 */
static void each_object(void (*fn)(PyObject *))
{
	struct _gc_runtime_state *gc = &PyInterpreterState_Get()->gc;

	for (int i = 0; i <= NUM_GENERATIONS; i++) {
		PyGC_Head *head = i < NUM_GENERATIONS ? &gc->generations[i].head : &gc->permanent_generation.head;

		for (PyGC_Head *g = _PyGCHead_NEXT(head); g != head; g = _PyGCHead_NEXT(g))
			fn((PyObject *)(g + 1));
	}
}
#endif

#if WATCH_SPEC_CACHE
/* As the hook starts, each object: a function or class start-up made. */
static void met_at_start(PyObject *o)
{
#if GUARD_GETITEM
	if (PyFunction_Check(o))
		version_above_16_bits(o);
#endif
	if (!PyType_Check(o) || !(((PyTypeObject *)o)->tp_flags & Py_TPFLAGS_HEAPTYPE))
		return;
#if GUARD_INIT
	alloc_not_generic((PyTypeObject *)o);
#endif
	if (((PyHeapTypeObject *)o)->_spec_cache.getitem != NULL ||
	    cache_init((PyHeapTypeObject *)o) != NULL)
		cached_add(o);
}

/* Before Py_Finalize, each object: a class whose specialisation cache
 * holds a function the hook did not see it hold at the start. */
static void slipped_in(PyObject *o)
{
	PyHeapTypeObject *t = (PyHeapTypeObject *)o;
	PyObject *getitem, *init;

	if (!PyType_Check(o) || !(((PyTypeObject *)o)->tp_flags & Py_TPFLAGS_HEAPTYPE))
		return;
	getitem = t->_spec_cache.getitem;
	init = cache_init(t);
	if (cached_before(o, getitem, init))
		return;
	if (getitem != NULL && PyFunction_Check(getitem))
		slipped_add("BINARY_SUBSCR_GETITEM", getitem);
	if (init != NULL && PyFunction_Check(init))
		slipped_add("CALL_ALLOC_AND_ENTER_INIT", init);
}
#endif

/* As the hook starts: the functions and classes start-up made. */
static void guard_start(void)
{
#if GUARD_INIT
	if (type_new_original == NULL) {
		type_new_original = PyType_Type.tp_new;
		PyType_Type.tp_new = type_new_met;
	}
#endif
#if WATCH_SPEC_CACHE
	each_object(met_at_start);
#endif
}

/* Before Py_Finalize: the functions the specialiser took past the hook. */
static void guard_check(void)
{
#if WATCH_SPEC_CACHE
	each_object(slipped_in);
#endif
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
#if GUARD_INIT
		if (((PyCodeObject *)code)->co_argcount > 0 &&
		    PyUnicode_CompareWithASCIIString(((PyCodeObject *)code)->co_name, "__init__") == 0)
			((unsigned char *)stub)[STUB_KIND] = KIND_INIT;
#endif
	}
#if GUARD_INIT
	if (((unsigned char *)stub)[STUB_KIND] == KIND_INIT && f->localsplus[0] != NULL)
		alloc_not_generic(Py_TYPE(f->localsplus[0]));
#endif
#if GUARD_GETITEM
	version_above_16_bits((PyObject *)f->f_func);
	/* A class body: the namespace is its locals, and outlives the frame. */
	if (f->f_locals != NULL && f->f_locals != f->f_globals && PyDict_Check(f->f_locals)) {
		PyObject *ns = f->f_locals, *r;

		Py_INCREF(ns);
		r = ((rw_evalfn)stub)(EVAL_PASS);
		versions_in(ns);
		Py_DECREF(ns);
		return r;
	}
#endif
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
	static char expanded[4096];
	size_t n = 0;

	/* "%p": the process id, as in Valgrind's own file names (--children) */
	for (; *path != '\0' && n + 24 < sizeof expanded; path++) {
		if (path[0] == '%' && path[1] == 'p') {
			n += (size_t)snprintf(expanded + n, sizeof expanded - n, "%ld", (long)getpid());
			path++;
		} else {
			expanded[n++] = *path;
		}
	}
	expanded[n] = '\0';
	map_path = expanded;
	if ((extra_index = request_index(stub_freed)) < 0)
		return -1;
	guard_start();
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
	set_hook(_PyEval_EvalFrameDefault);	/* these look-ups are not the program's */
	guard_check();
#if PY_VERSION_HEX < 0x030B0000
	PyObject *g, *names, *r;

	/* __builtins__ for import: up to 3.7 a dict without them gets none. */
	if ((g = PyDict_New()) == NULL ||
	    PyDict_SetItemString(g, "__builtins__", PyEval_GetBuiltins()) < 0)
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
		PyObject *key = entries[i].code != NULL ? PyLong_FromVoidPtr(entries[i].code) : NULL;
		PyObject *q = key != NULL ? PyDict_GetItem(names, key) : NULL;

		if (q != NULL)
			entries[i].name = keep(utf8(q));
		Py_XDECREF(key);
	}
out:
	PyErr_Clear();
	Py_XDECREF(g);
#endif
	set_hook(pyframes_eval);
}

const char *pyframes_path(void)
{
	return map_path;
}

/*
 * Write the map: "ADDRESS SIZE py:NAME (FILE:LINE)" a stub, in hex; then
 * "# past the hook: INSTRUCTION py:NAME (FILE:LINE)" a function that
 * slipped past it.
 */
int pyframes_finish(void)
{
	return pyframes_write(map_path);
}

/* The map, as pyframes_finish writes it, to `path`. */
int pyframes_write(const char *path)
{
	return pyframes_write_part(path, 0, NULL);
}

/* The number of entries in the map now. */
size_t pyframes_count(void)
{
	return n_entries;
}

/*
 * The map's entries from the `from`th on, to `path`, after a first line
 * "# base: BASE" (the file, beside it, that holds those before) when
 * `base` is given: a forked process's own map, its stubs made after the
 * fork being its alone.  Before 3.11 the qualified names are looked up
 * first (pyframes_resolve), as at the end.
 */
int pyframes_write_part(const char *path, size_t from, const char *base)
{
	FILE *f;

#if PY_VERSION_HEX < 0x030B0000
	if (from > 0 || base != NULL)
		pyframes_resolve();
#endif
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	if (base != NULL)
		fprintf(f, "# base: %s\n", base);
	for (size_t i = from; i < n_entries; i++)
		fprintf(f, "%lx %x py:%s (%s:%d)\n", (unsigned long)(uintptr_t)entries[i].stub,
			STUB_SIZE, entries[i].name, entries[i].file, entries[i].line);
#if WATCH_SPEC_CACHE
	for (size_t i = 0; i < n_slipped && i < MAX_SLIPPED; i++)
		fprintf(f, "# past the hook: %s\n", slipped[i]);
	if (n_slipped > MAX_SLIPPED)
		fprintf(f, "# past the hook: %zu more functions\n", n_slipped - MAX_SLIPPED);
#endif
	return fclose(f);
}

#endif /* RW_HAVE_PYFRAMES */
