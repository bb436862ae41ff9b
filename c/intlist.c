/*
 * c-intlist - a native model of what Python 2.7's range(N) does with its
 * ints (Objects/intobject.c, Objects/listobject.c in CPython 2.7).
 *
 * Stresses: many small objects carved from 992-byte malloc'd blocks and
 * handed out through a free list threaded through the objects themselves;
 * one N-pointer array; a decref pass over it ("list_dealloc"); blocks kept
 * until the end ("PyIntBlocks are never returned to the system before
 * shutdown", intobject.c) and freed only in "finalize".
 * Does not model: the small-int cache (-5..256 are preallocated in 2.7, so
 * the interpreter makes 257 fewer boxes), the interpreter loop, or the
 * debug build's extra bookkeeping.  Blocks are exactly ceil(N/41).
 *
 * Annotation (--annotate=yes, the default): every boxed int is reported to
 * Valgrind as a heap block of its own (rw_malloclike/rw_freelike), so
 * Memcheck checks objects and Massif counts objects.  Massif must then be
 * told to ignore the blocks they are carved from, or every byte counts
 * twice: valgrind --tool=massif --ignore-fn=intlist_new_block.
 * DHAT (valgrind 3.19) ignores the requests and sees the blocks only.
 *
 * Phases: build (range's list, filled with new ints), drop (list_dealloc),
 * finalize (PyInt_Fini frees the blocks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rw.h"

/* N's default and ceiling come from benchmarks.txt, through the Makefile. */
#if !defined(RW_DEFAULT_N) || !defined(RW_MAX_N)
#error "build with make: -DRW_DEFAULT_N and -DRW_MAX_N come from benchmarks.txt"
#endif
#define BLOCK_SIZE 1000		/* intobject.c: "1K less typical malloc overhead" */
#define BHEAD_SIZE 8		/* intobject.c: room for the block's next pointer */

/* PyIntObject on 64-bit: PyObject_HEAD (refcount, type) and the value. */
struct intlist_int {
	long refcnt;
	const void *type;	/* the int type, or the free-list link when free */
	long ival;
};

#define N_INTS ((BLOCK_SIZE - BHEAD_SIZE) / sizeof(struct intlist_int)) /* 41 */

/* PyIntBlock: 8 + 41 * 24 = 992 bytes, one malloc each. */
struct intlist_block {
	struct intlist_block *next;
	struct intlist_int objects[N_INTS];
};

static const char intlist_type = 'i';	/* stands for &PyInt_Type */
static struct intlist_block *block_list; /* every block ever allocated */
static struct intlist_int *free_list;	/* free ints, linked through .type */
static int annotate = 1;

/*
 * fill_free_list: malloc one block, thread its ints into a free list from
 * rear to front, return the last one; NULL when out of memory.  Kept out of
 * line: Massif's --ignore-fn names it.
 */
__attribute__((noinline))
static struct intlist_int *intlist_new_block(void)
{
	struct intlist_block *b = malloc(sizeof *b);
	struct intlist_int *p, *q;

	if (b == NULL)
		return NULL;
	b->next = block_list;
	block_list = b;
	p = &b->objects[0];
	q = p + N_INTS;
	while (--q > p)
		q->type = q - 1;
	q->type = NULL;
	return p + N_INTS - 1;
}

/* PyInt_FromLong: a new int from the free list; NULL when out of memory. */
static struct intlist_int *intlist_from_long(long ival)
{
	struct intlist_int *v;

	if (free_list == NULL && (free_list = intlist_new_block()) == NULL)
		return NULL;
	v = free_list;
	free_list = (struct intlist_int *)v->type;
	if (annotate)
		rw_malloclike(v, sizeof *v, 0);
	v->refcnt = 1;
	v->type = &intlist_type;
	v->ival = ival;
	return v;
}

/* Py_DECREF + int_dealloc: at zero, the int goes back on the free list. */
static void intlist_decref(struct intlist_int *v)
{
	if (--v->refcnt != 0)
		return;
	if (annotate)
		rw_freelike(v, sizeof *v);
	v->type = free_list;
	free_list = v;
}

/* PyInt_Fini: return every block to the system. */
static void intlist_fini(void)
{
	while (block_list != NULL) {
		struct intlist_block *next = block_list->next;

		free(block_list);
		block_list = next;
	}
	free_list = NULL;
}

static void usage(FILE *to)
{
	fprintf(to,
		"usage: c-intlist [--annotate=yes|no] [N]\n"
		"  Model Python 2.7's range(N): N boxed ints from 992-byte blocks,\n"
		"  an N-pointer list, a decref pass, then finalisation; phases\n"
		"  build, drop, finalize.  N defaults to %d, 1 <= N <= %llu.\n"
		"  --annotate=yes  report each int to Valgrind as a heap block\n"
		"                  (default; run Massif with\n"
		"                  --ignore-fn=intlist_new_block)\n"
		"  --annotate=no   Valgrind sees the 992-byte blocks only\n"
		"example: valgrind --tool=massif --ignore-fn=intlist_new_block"
		" ./c-intlist 1000000\n",
		RW_DEFAULT_N, (unsigned long long)RW_MAX_N);
}

int main(int argc, char **argv)
{
	size_t n = RW_DEFAULT_N;
	struct intlist_int **list;
	int i, have_n = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--annotate=yes")) {
			annotate = 1;
		} else if (!strcmp(argv[i], "--annotate=no")) {
			annotate = 0;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			cli_usage_error("c-intlist", "unknown option '%s' (allowed: "
					"--annotate=yes, --annotate=no, -h)", argv[i]);
		} else if (have_n++) {
			cli_usage_error("c-intlist", "extra argument '%s' (expected "
					"one N)", argv[i]);
		} else {
			n = cli_count("c-intlist", "N", argv[i], 1, RW_MAX_N);
		}
	}

	/* builtin_range: PyList_New(n), then PyInt_FromLong for each item. */
	rw_phase("build");
	list = malloc(n * sizeof *list);
	if (list == NULL)
		goto oom;
	for (size_t k = 0; k < n; k++)
		if ((list[k] = intlist_from_long((long)k)) == NULL)
			goto oom;

	/* list_dealloc: decref the items from the end, free the array. */
	rw_phase("drop");
	for (size_t k = n; k-- > 0;)
		intlist_decref(list[k]);
	free(list);

	/* Py_Finalize -> PyInt_Fini: the blocks go back only now. */
	rw_phase("finalize");
	intlist_fini();

	rw_phase_end();
	return 0;
oom:
	fprintf(stderr, "c-intlist: error: out of memory building %zu ints\n", n);
	return 1;
}
