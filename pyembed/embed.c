/*
 * embed.c - what the runner (runner.c) and the hook (hook.c) share: the
 * allocator modes and pymalloc's annotation, the vg module, the phases and
 * what Callgrind counts of them (embed.h lists the calls).  The one file
 * of each program that includes c/rw.h.
 *
 * Phases.  Start-up, then the program ("main", or the first phase the
 * caller names, until its first vg.phase("name"); then each named phase),
 * then "finalize" (Py_Finalize), then "exit".  Each boundary is an
 * rw_phase() (c/rw.h): a Callgrind part and a Massif detailed snapshot.
 * Unless the caller measures all, Callgrind counts only the program: its
 * costs so far are dropped and instrumentation starts as the program
 * starts (Valgrind runs with --instr-atstart=no, so start-up is not even
 * instrumented), and stops as it ends.
 *
 * Allocator modes:
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
 *   adhoc     pymalloc untouched; every block it serves is a DHAT ad-hoc
 *             event weighing its size.
 */
#include "embed.h"

#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rw.h"

#define PY3 (PY_MAJOR_VERSION >= 3)
#define HAVE_ALLOCATOR_API EMBED_HAVE_ALLOCATOR_API

const char *const embed_mode_names[EMBED_N_MODES] = { "annotate", "malloc", "pymalloc", "adhoc" };
static enum embed_mode mode = MODE_PYMALLOC;
static const char *times_to;	/* phase wall times: a file, "-" (stderr) or NULL */
static const char *started_file;	/* made as the program starts, or NULL */
#if HAVE_ALLOCATOR_API
static void release_at_exit(void);
#endif
static struct timespec phase_t0;	/* when the running phase began */
static int phase_clock_started;

void embed_set_mode(enum embed_mode m)
{
	mode = m;
}

int embed_on_valgrind(void)
{
	return rw_on_valgrind();
}

void embed_silence(void)
{
	rw_silence();
}

void embed_take_settings(int hide)
{
	rw_take_settings(hide);
}

void embed_snippet_only(void)
{
	rw_instrumenting_at_start(0);	/* until the program starts */
}

void embed_options(const char *times, const char *started)
{
	times_to = times;
	started_file = started;
	clock_gettime(CLOCK_MONOTONIC, &phase_t0);	/* start-up's clock */
	phase_clock_started = 1;
}

/* ------------------------------------------------------------------------
 * Phases, with their wall times when asked (a line a phase: "phase NAME S s").
 */

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* End the current phase (and time it), begin `next`. */
static void phase(const char *next)
{
	if (times_to != NULL && phase_clock_started) {
		FILE *f = strcmp(times_to, "-") ? fopen(times_to, "a") : stderr;

		if (f != NULL) {
			fprintf(f, "phase %s %.6f s\n", rw_phase_name(), seconds_since(&phase_t0));
			if (f != stderr)
				fclose(f);
		}
	}
	rw_phase(next);
	clock_gettime(CLOCK_MONOTONIC, &phase_t0);
	phase_clock_started = 1;
}

void embed_start(const char *first_phase, int measure_all)
{
	if (started_file != NULL) {
		FILE *f = fopen(started_file, "w");

		if (f != NULL)
			fclose(f);
	}
	phase(first_phase);
	if (measure_all == EMBED_MEASURE_SNIPPET) {
		rw_zero();
		rw_measure_start();
	}
}

void embed_finalize(int measure_all)
{
	phase("finalize");
	if (measure_all != EMBED_MEASURE_ALL)
		rw_measure_stop();
}

void embed_exit(void)
{
#if HAVE_ALLOCATOR_API
	if (mode == MODE_ANNOTATE)
		release_at_exit();
#endif
	phase("exit");		/* rw_phase_end(), timed */
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
	uint16_t *sizes;	/* 1 + the requested size of the live block at
				 * start + SLOT*i; 0: no live block there */
};

/*
 * rangewall pytest's heap pass: when rangewall-heapcount.so is preloaded
 * (it counts every malloc'd block), the blocks pymalloc serves from its
 * arenas are added to its counts here, at their requested sizes.
 */
struct heap_counts {
	long long live, peak, allocs;
};
static struct heap_counts *heap_counts;
static long long heap_base;	/* live at the last vg.heap_reset() */
static void (*heap_add)(long long bytes, int served);
#define HEAP_ADD(bytes, served) do { if (heap_add != NULL) heap_add((bytes), (served)); } while (0)

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

/* The live block at `p`: its requested size (0 if none); it lives; it ended. */
static size_t block_size(struct arena *a, const void *p)
{
	uint16_t s = *size_slot(a, p);

	return s != 0 ? (size_t)s - 1 : 0;
}

static void block_lives(struct arena *a, const void *p, size_t size)
{
	*size_slot(a, p) = (uint16_t)(size + 1);
}

static void block_ended(struct arena *a, const void *p)
{
	*size_slot(a, p) = 0;
}

/*
 * End every block still live in arena `a` (Memcheck, Massif: freed).
 * pymalloc frees an arena when it holds no block; a block still reported
 * then was left by the interpreter as it finalised, as are the blocks
 * embed_release_at_exit ends.
 */
static void arena_release(struct arena *a)
{
	for (size_t i = 0; i < (a->end - a->start) / SLOT; i++)
		if (a->sizes[i] != 0) {
			rw_freelike((void *)(a->start + SLOT * i), (size_t)a->sizes[i] - 1);
			HEAP_ADD(-(long long)(a->sizes[i] - 1), 0);
			a->sizes[i] = 0;
		}
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
	struct arena *a = arena_of(p);

	(void)ctx;
	if (a != NULL && a->start == (uintptr_t)p)
		arena_release(a);
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
	block_lives(a, p, size);
	rw_malloclike(p, size, zeroed);
	HEAP_ADD((long long)size, 1);
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
	/*
	 * 3.11: an int of no digit (zero) is given one digit, unset, which
	 * maybe_small_long then reads (0 * the digit: the value is 0 whatever
	 * it holds; 3.12 sets it).  Memcheck would flag the read and every
	 * use of the small int it returns: 622 errors for print("hi") on
	 * 3.11.7.  Only _PyLong_New asks for this size: its digit is defined.
	 */
	if (size == offsetof(PyLongObject, ob_digit) + sizeof(digit))
		rw_mem_defined((char *)p + offsetof(PyLongObject, ob_digit), sizeof(digit));
#endif
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

	if (a != NULL) {
		rw_freelike(p, block_size(a, p));
		HEAP_ADD(-(long long)block_size(a, p), 0);
		block_ended(a, p);
	}
	h->orig.free(h->orig.ctx, p);
}

static void *hook_realloc(void *ctx, void *p, size_t size)
{
	struct hook *h = ctx;
	struct arena *a = p != NULL && mode != MODE_ADHOC ? arena_of(p) : NULL;
	size_t old = a != NULL ? block_size(a, p) : 0;
	int was_ours = a != NULL;
	void *q;

	/*
	 * A move frees the old block, and may free its arena (arena_release
	 * would then end it a second time) or record a new one (the arenas
	 * move: `a` is looked up again after).  So the old block is out of
	 * the table while pymalloc works, and back if it stays.
	 */
	if (was_ours)
		block_ended(a, p);
	q = h->orig.realloc(h->orig.ctx, p, size);
	if (q == NULL) {		/* the old block is untouched */
		if (was_ours)
			block_lives(arena_of(p), p, old);
		return NULL;
	}
	if (mode == MODE_ADHOC) {	/* a resize serves a block of the new size */
		rw_dhat_event(size);
		return q;
	}
	if (was_ours && q == p) {	/* resized in place */
		rw_resizeinplace(p, old, size);
		HEAP_ADD((long long)size - (long long)old, 0);
		block_lives(arena_of(p), p, size);
		return q;
	}
	if (was_ours) {		/* moved: pymalloc freed the old block */
		rw_moved(p, old);
		HEAP_ADD(-(long long)old, 0);
	}
	if ((a = arena_of(q)) != NULL) {
		/*
		 * The block holds a copy of the old one's bytes: defined.  When
		 * the old size is unknown (an unrecorded arena), all of it.
		 */
		block_lives(a, q, size);
		rw_malloclike(q, size, p != NULL);
		HEAP_ADD((long long)size, 1);
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
void embed_annotate(void)
{
	PyObjectArenaAllocator a = { NULL, hook_arena_alloc, hook_arena_free };

	heap_counts = dlsym(RTLD_DEFAULT, "rangewall_heap");
	heap_add = heap_counts != NULL ? (void (*)(long long, int))dlsym(RTLD_DEFAULT, "rangewall_heap_add") : NULL;
	PyObject_GetArenaAllocator(&orig_arena);
	PyObject_SetArenaAllocator(&a);
	hook_domain(PYMEM_DOMAIN_MEM, &hook_mem);
	hook_domain(PYMEM_DOMAIN_OBJ, &hook_obj);
}

/*
 * After Py_Finalize: end the blocks the interpreter leaves by design.
 * From 3.12 interned strings are immortal and Py_Finalize leaves them
 * (3.12 empties the interned dict without freeing them; 3.13 also marks
 * them no longer interned): Memcheck would report each as definitely
 * lost (369 records for print("hi") on 3.12, 351 on 3.13).  A block left
 * that is not such a str -- an object a C extension leaked, say -- stays
 * live, and Memcheck reports it.  The headers read here are made defined
 * first: a block that is no object may hold undefined bytes there, and
 * nothing runs after this but the leak check, which reads no values.
 */
static void release_at_exit(void)
{
#if PY_VERSION_HEX >= 0x030C0000
	for (size_t k = 0; k < n_arenas; k++) {
		struct arena *a = &arenas[k];

		for (size_t i = 0; i < (a->end - a->start) / SLOT; i++) {
			PyObject *o = (PyObject *)(a->start + SLOT * i);
			size_t size = a->sizes[i] != 0 ? (size_t)a->sizes[i] - 1 : 0;

			if (size < sizeof(PyASCIIObject))
				continue;
			rw_mem_defined(o, sizeof(PyASCIIObject));
			if (Py_TYPE(o) == &PyUnicode_Type &&
			    (PyUnicode_CHECK_INTERNED(o) || _Py_IsImmortal(o))) {
				rw_freelike(o, size);
				a->sizes[i] = 0;
			}
		}
	}
#endif
}

/* --mode=malloc before 3.8: the MEM and OBJ domains use the raw allocator. */
void embed_use_malloc(void)
{
	PyMemAllocatorEx raw;

	PyMem_GetAllocator(PYMEM_DOMAIN_RAW, &raw);
	PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &raw);
	PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &raw);
}
#endif /* HAVE_ALLOCATOR_API */

/* ------------------------------------------------------------------------
 * The vg module.
 */

/* Phase names become file names and Callgrind labels: keep them tokens.
 * Each name is kept once (a phase may recur), in a table that grows: a
 * test suite's run names a part per test. */
static const char *keep_name(const char *name)
{
	static char **names;
	static size_t n, cap;
	const char *c;

	if (*name == '\0' || strlen(name) > 64)
		goto bad;
	for (c = name; *c; c++)
		if (!(*c == '_' || *c == '-' || (*c >= '0' && *c <= '9') ||
		      (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
			goto bad;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return names[i];
	if (n == cap) {
		char **more = realloc(names, (cap = cap ? 2 * cap : 256) * sizeof *names);

		if (more == NULL)
			return PyErr_NoMemory(), NULL;
		names = more;
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

/* Where the run's files go (the hook's RANGEWALL_PARTS), and how to
 * write the --pyframes map now: set by the hook (embed_set_parts). */
static const char *parts_dir;
static const struct embed_map *map_ops;

void embed_set_parts(const char *dir, const struct embed_map *map)
{
	parts_dir = dir, map_ops = map;
}

#if PY3
/*
 * vg.pyframes_map([path, since, base]): the map of the Python functions
 * seen so far, to its own path or to `path`; with `since`, only the
 * entries from that one on, the first line naming `base` (the map of
 * those before): a forked process's own.  vg.pyframes_count(): the
 * entries so far.
 */
static PyObject *vg_pyframes_map(PyObject *self, PyObject *args)
{
	const char *path = NULL, *base = NULL;
	Py_ssize_t since = 0;

	(void)self;
	if (!PyArg_ParseTuple(args, "|snz:pyframes_map", &path, &since, &base))
		return NULL;
	if (map_ops == NULL)
		Py_RETURN_NONE;
	if (path == NULL)
		path = map_ops->path;
	if (since < 0 || map_ops->write(path, (size_t)since, base) < 0)
		return PyErr_SetFromErrnoWithFilename(PyExc_OSError, path);
	return PyUnicode_FromString(path);
}

static PyObject *vg_pyframes_count(PyObject *self, PyObject *args)
{
	(void)self, (void)args;
	if (map_ops == NULL)
		Py_RETURN_NONE;
	return PyLong_FromSize_t(map_ops->count());
}

/*
 * vg.count_begin(), vg.count_end(name): one counted call, as rangewall
 * pytest counts a test in a process of its own: the costs so far dropped,
 * then, as the call ends, a Callgrind part of its own, named `name`
 * (CALLGRIND_DUMP_STATS_AT).  The phases go on as they were.
 */
/*
 * vg.fork_server(requests, answers, size): a process that runs nothing
 * but forks, one child per request, so that every child starts from the
 * same state (rangewall pytest's template).  Reads requests of `size`
 * bytes from the fd `requests`; for each, forks: the child returns the
 * request (bytes) to its Python caller; this process waits for it and
 * writes "PID STATUS\n" (waitpid's) to the fd `answers`, then reads the
 * next.  The loop is C's, with its buffers static: nothing in this
 * process's Python heap changes from one child to the next, as a loop in
 * Python would change it (the strings it reads and formats, pids of
 * other lengths).  Returns None at the end of the requests.  SIGINT
 * reaches the children; this process waits for each to end.
 */
#if PY_VERSION_HEX >= 0x03070000	/* PyOS_BeforeFork and its kin */
static PyObject *vg_fork_server(PyObject *self, PyObject *args)
{
	static char buf[64], answer[64];
	int in, out, size;
	size_t got;
	ssize_t n;
	pid_t pid;
	int st, len;

	(void)self;
	if (!PyArg_ParseTuple(args, "iii:fork_server", &in, &out, &size))
		return NULL;
	if (size <= 0 || size > (int)sizeof buf) {
		PyErr_SetString(PyExc_ValueError, "fork_server: size must be 1-64");
		return NULL;
	}
	for (;;) {
		for (got = 0; got < (size_t)size; got += (size_t)n) {
			n = read(in, buf + got, (size_t)size - got);
			if (n < 0 && errno == EINTR) {
				n = 0;
				continue;
			}
			if (n <= 0)
				Py_RETURN_NONE;		/* the requests end: so does the server */
		}
		PyOS_BeforeFork();
		pid = fork();
		if (pid == 0) {
			PyOS_AfterFork_Child();
			return PyBytes_FromStringAndSize(buf, size);
		}
		PyOS_AfterFork_Parent();
		if (pid < 0)
			return PyErr_SetFromErrno(PyExc_OSError);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		len = snprintf(answer, sizeof answer, "%ld %d\n", (long)pid, st);
		if (write(out, answer, (size_t)len) != len)
			return PyErr_SetFromErrno(PyExc_OSError);
	}
}
#endif

static int counting_started;	/* count_begin started instrumenting */

static PyObject *vg_count_begin(PyObject *self, PyObject *args)
{
	(void)self, (void)args;
	/* --measure=calls: nothing is instrumented but the counted calls. */
	if ((counting_started = !rw_instrumenting()))
		rw_measure_start();
	rw_zero();
	Py_RETURN_NONE;
}

static PyObject *vg_count_end(PyObject *self, PyObject *args)
{
	const char *name;

	(void)self;
	if (!PyArg_ParseTuple(args, "s:count_end", &name) || !(name = keep_name(name)))
		return NULL;
	rw_dump(name);
	if (counting_started)
		rw_measure_stop();
	counting_started = 0;
	Py_RETURN_NONE;
}
#endif

#if HAVE_ALLOCATOR_API
/* vg.heap(), vg.heap_reset(): the heap pass's counts (heapcount.c). */
static PyObject *vg_heap(PyObject *self, PyObject *args)
{
	(void)self, (void)args;
	if (heap_counts == NULL || heap_add == NULL)
		Py_RETURN_NONE;
	return Py_BuildValue("(LLLL)", __atomic_load_n(&heap_counts->live, __ATOMIC_RELAXED),
			     __atomic_load_n(&heap_counts->peak, __ATOMIC_RELAXED),
			     __atomic_load_n(&heap_counts->allocs, __ATOMIC_RELAXED), heap_base);
}

static PyObject *vg_heap_reset(PyObject *self, PyObject *args)
{
	(void)self, (void)args;
	/* The base is kept here, not returned: an object made to return it
	 * would be live at the call's end, counted as the test's. */
	if (heap_counts != NULL && heap_add != NULL) {
		heap_base = __atomic_load_n(&heap_counts->live, __ATOMIC_RELAXED);
		__atomic_store_n(&heap_counts->peak, heap_base, __ATOMIC_RELAXED);
		__atomic_store_n(&heap_counts->allocs, 0, __ATOMIC_RELAXED);
	}
	Py_RETURN_NONE;
}
#endif

#if PY3
/* vg.errors(), vg.leak_check(added): rangewall pytest --memcheck's. */
static PyObject *vg_errors(PyObject *self, PyObject *args)
{
	(void)self, (void)args;
	return PyLong_FromUnsignedLong(rw_errors());
}

static PyObject *vg_leak_check(PyObject *self, PyObject *args)
{
	int added = 0;
	unsigned long c[8];

	(void)self;
	if (!PyArg_ParseTuple(args, "|p:leak_check", &added))
		return NULL;
	rw_leak_check(added);
	rw_leak_counts(c);
	return Py_BuildValue("(kkkkkkkk)", c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
}
#endif

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
#if PY3
	{ "heap", vg_heap, METH_NOARGS,
	  "heap(): in rangewall pytest's heap pass, (bytes live, peak bytes\n"
	  "since heap_reset(), blocks served since, bytes live at it); else None." },
	{ "heap_reset", vg_heap_reset, METH_NOARGS,
	  "heap_reset(): the peak and the base become what lives now; blocks\n"
	  "served 0." },
	{ "pyframes_map", vg_pyframes_map, METH_VARARGS,
	  "pyframes_map([path, since, base]): with --pyframes, write the map of\n"
	  "the Python functions seen so far (to path, if given; from the\n"
	  "since-th on, after a line naming base) and return its path;\n"
	  "else None." },
	{ "pyframes_count", vg_pyframes_count, METH_NOARGS,
	  "pyframes_count(): with --pyframes, the map's entries so far; else None." },
#if PY_VERSION_HEX >= 0x03070000
	{ "fork_server", vg_fork_server, METH_VARARGS,
	  "fork_server(requests, answers, size): fork a child per request of\n"
	  "size bytes read from the fd requests, returning it there; here, wait\n"
	  "for the child and write 'PID STATUS' to the fd answers; None at the\n"
	  "requests' end." },
#endif
	{ "errors", vg_errors, METH_NOARGS,
	  "errors(): under Memcheck, the errors found so far (repeats\n"
	  "included); else 0." },
	{ "leak_check", vg_leak_check, METH_VARARGS,
	  "leak_check(added=False): under Memcheck, a leak check now (added:\n"
	  "showing the loss records that grew since the last one; else a quick\n"
	  "one, totals alone);\n"
	  "returns its totals, (lost, possibly lost, reachable, suppressed)\n"
	  "in bytes, then the same in blocks; else zeros." },
	{ "count_begin", vg_count_begin, METH_NOARGS,
	  "count_begin(): Callgrind drops the costs counted so far." },
	{ "count_end", vg_count_end, METH_VARARGS,
	  "count_end(name): Callgrind writes the costs since count_begin()\n"
	  "as a part of their own, named name." },
#endif
	{ NULL, NULL, 0, NULL }
};

static const char vg_doc[] =
	"rangewall's measurement marks; no-ops outside Valgrind.";

#if PY3
static struct PyModuleDef vg_def = {
	PyModuleDef_HEAD_INIT, "vg", vg_doc, -1, vg_methods,
	NULL, NULL, NULL, NULL
};

PyObject *embed_init_vg(void)
{
	PyObject *m = PyModule_Create(&vg_def);

	if (m != NULL && PyModule_AddStringConstant(m, "mode", embed_mode_names[mode]) < 0)
		Py_CLEAR(m);
	/* parts: the folder the tool's files go to (Callgrind's parts), or None */
	if (m != NULL && PyModule_AddObject(m, "parts", parts_dir != NULL ?
			PyUnicode_FromString(parts_dir) : (Py_INCREF(Py_None), Py_None)) < 0)
		Py_CLEAR(m);
	return m;
}
#else
void embed_init_vg(void)
{
	PyObject *m = Py_InitModule3("vg", vg_methods, vg_doc);

	if (m != NULL)
		PyModule_AddStringConstant(m, "mode", (char *)embed_mode_names[mode]);
}
#endif
