/*
 * c-accu - a native model of io.StringIO's write accumulator in CPython
 * 3.11 and earlier (Objects/accu.c, Modules/_io/stringio.c), the subject of
 * seed 003 ("The first 99,999 writes are free").
 *
 * write() does not copy: it appends a reference to the written string to a
 * list ("small") and bumps the string's refcount.  When the list holds
 * THRESHOLD references (100,000 in accu.c), they are joined into one new
 * string -- one malloc of the total and one memcpy per piece, the memmove
 * wall -- which goes on a second list ("large").  So 99,999 writes of any
 * size cost almost nothing and the 100,000th pays for all of them.
 *
 * Stresses: the join's bulk copy, at a predictable write.  Does not model:
 * unicode kinds, PyList over-allocation (the list grows by doubling here),
 * or the interpreter.
 *
 * Phases: "writes" for a run of writes that only store references, "flush"
 * for a write that joins, "getvalue" (with --getvalue, the seed's fix:
 * force the join once at the end), "free".  --timings FILE writes each
 * write's wall time (make sweep).
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "rw.h"

/* WRITES' and CHUNK's defaults, and WRITES' ceiling: benchmarks.txt, via make. */
#if !defined(RW_DEFAULT_N) || !defined(RW_MAX_N) || !defined(RW_DEFAULT_CHUNK)
#error "build with make: -DRW_DEFAULT_N, -DRW_MAX_N, -DRW_DEFAULT_CHUNK come from benchmarks.txt"
#endif
#define DEFAULT_THRESHOLD 100000 /* accu.c: "if (nsmall < 100000) return 0" */
#define MAX_COUNT 1000000000000ULL /* 10^12: a bound for parsing, not a size */

/* A refcounted immutable string, like a PyUnicodeObject. */
struct accu_str {
	long refcnt;
	size_t len;
	char data[];
};

/* A list of string references, like a PyListObject. */
struct accu_list {
	struct accu_str **items;
	size_t len, cap;
};

/* _PyAccu: pending small pieces and already-joined large ones. */
struct accu {
	struct accu_list small, large;
};

static const char *prog = "c-accu";

static void die_oom(size_t bytes)
{
	fprintf(stderr, "%s: error: out of memory allocating %zu bytes\n",
		prog, bytes);
	exit(1);
}

/* A new string of `len` bytes, refcount 1; exits on failure. */
static struct accu_str *accu_str_new(size_t len)
{
	struct accu_str *s = malloc(sizeof *s + len);

	if (s == NULL)
		die_oom(sizeof *s + len);
	s->refcnt = 1;
	s->len = len;
	return s;
}

static void accu_str_decref(struct accu_str *s)
{
	if (--s->refcnt == 0)
		free(s);
}

/* PyList_Append: store a new reference; exits on failure. */
static void accu_list_append(struct accu_list *l, struct accu_str *s)
{
	if (l->len == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		void *items = realloc(l->items, cap * sizeof *l->items);

		if (items == NULL)
			die_oom(cap * sizeof *l->items);
		l->items = items;
		l->cap = cap;
	}
	s->refcnt++;
	l->items[l->len++] = s;
}

/* Drop every reference and the item array (PyList_SetSlice to empty). */
static void accu_list_clear(struct accu_list *l)
{
	for (size_t i = 0; i < l->len; i++)
		accu_str_decref(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->len = l->cap = 0;
}

/* join_list_unicode: one new string holding all of `l`'s pieces. */
static struct accu_str *accu_join(const struct accu_list *l)
{
	size_t total = 0, at = 0;
	struct accu_str *joined;

	for (size_t i = 0; i < l->len; i++)
		total += l->items[i]->len;
	joined = accu_str_new(total);
	for (size_t i = 0; i < l->len; i++) {
		memcpy(joined->data + at, l->items[i]->data, l->items[i]->len);
		at += l->items[i]->len;
	}
	return joined;
}

/* flush_accumulator: join the small pieces into one large piece. */
static void accu_flush(struct accu *a)
{
	struct accu_str *joined;

	if (a->small.len == 0)
		return;
	joined = accu_join(&a->small);
	accu_list_clear(&a->small);
	accu_list_append(&a->large, joined);
	accu_str_decref(joined);
}

/* _PyAccu_Accumulate: returns 1 when this write flushed, else 0. */
static int accu_write(struct accu *a, struct accu_str *s, size_t threshold)
{
	accu_list_append(&a->small, s);
	if (a->small.len < threshold)
		return 0;
	accu_flush(a);
	return 1;
}

/* _PyAccu_Finish + getvalue: everything written, as one new string. */
static struct accu_str *accu_getvalue(struct accu *a)
{
	accu_flush(a);
	return accu_join(&a->large);
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * --stalls: write only the stalls -- writes slower than 2 ms and 100x the
 * median write (the lower middle value) -- as "write,ns" rows to `path`,
 * and print "writes,stalls,longest_ns,total_ns" on stdout: what make sweep
 * needs of a run whose every timing it does not keep.  Exits 1 on failure.
 */
static void write_stalls(const char *path, const uint64_t *ns, unsigned long long n)
{
	uint64_t *sorted = malloc(n * sizeof *sorted), median, longest = 0, total = 0;
	unsigned long long stalls = 0;
	FILE *f = fopen(path, "w");

	if (sorted == NULL)
		die_oom(n * sizeof *sorted);
	if (f == NULL) {
		fprintf(stderr, "%s: error: cannot write '%s'\n", prog, path);
		exit(1);
	}
	memcpy(sorted, ns, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_u64);
	median = sorted[(n + 1) / 2 - 1];
	free(sorted);
	fputs("write,ns\n", f);
	for (unsigned long long i = 0; i < n; i++) {
		total += ns[i];
		if (ns[i] > longest)
			longest = ns[i];
		if (ns[i] > 100 * median && ns[i] > 2000000) {	/* 2 ms */
			stalls++;
			fprintf(f, "%llu,%llu\n", i + 1, (unsigned long long)ns[i]);
		}
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "%s: error: cannot write '%s'\n", prog, path);
		exit(1);
	}
	printf("%llu,%llu,%llu,%llu\n", n, stalls, (unsigned long long)longest,
	       (unsigned long long)total);
}

/* Write "write,ns" rows for the `n` timings; exits 1 on failure. */
static void write_timings(const char *path, const uint64_t *ns, unsigned long long n)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		fprintf(stderr, "%s: error: cannot write '%s'\n", prog, path);
		exit(1);
	}
	fputs("write,ns\n", f);
	for (unsigned long long i = 0; i < n; i++)
		fprintf(f, "%llu,%llu\n", i + 1, (unsigned long long)ns[i]);
	if (fclose(f) != 0) {
		fprintf(stderr, "%s: error: cannot write '%s'\n", prog, path);
		exit(1);
	}
}

/* MemAvailable from /proc/meminfo in bytes, or 0 when unknown. */
static unsigned long long mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long long kb = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

static void usage(FILE *to)
{
	fprintf(to,
		"usage: c-accu [-c CHUNK] [-t THRESHOLD] [--getvalue]\n"
		"              [--timings FILE | --stalls FILE]\n"
		"              [WRITES]\n"
		"  Model StringIO.write on CPython <= 3.11: WRITES writes of one\n"
		"  CHUNK-byte string store references; every THRESHOLD-th joins\n"
		"  them (the memmove wall).  Phases: writes, flush, [getvalue], free.\n"
		"  WRITES      number of writes (default %d)\n"
		"  -c CHUNK    bytes per write (default %d; the seed used 1000000)\n"
		"  -t THRESHOLD  references held before a join (default %d, as\n"
		"              in accu.c)\n"
		"  --getvalue  join everything at the end, as getvalue() does\n"
		"  --timings FILE  write each write's wall time as CSV (write,ns)\n"
		"  --stalls FILE   write only the writes over 2 ms and 100x the\n"
		"              median (write,ns); print writes,stalls,longest_ns,\n"
		"              total_ns on stdout\n"
		"  Refuses sizes the machine's available memory cannot hold.\n"
		"example: valgrind --tool=callgrind ./c-accu -c 1000 100000\n",
		RW_DEFAULT_N, RW_DEFAULT_CHUNK, DEFAULT_THRESHOLD);
}

int main(int argc, char **argv)
{
	unsigned long long writes = RW_DEFAULT_N, chunk = RW_DEFAULT_CHUNK;
	unsigned long long threshold = DEFAULT_THRESHOLD, need, avail;
	int getvalue = 0, have_writes = 0, in_flush = -1;
	struct accu a = {{NULL, 0, 0}, {NULL, 0, 0}};
	struct accu_str *s, *value;
	const char *timings = NULL;
	int stalls_only = 0;
	uint64_t *ns = NULL;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(arg, "--getvalue")) {
			getvalue = 1;
		} else if (!strcmp(arg, "--timings") || !strcmp(arg, "--stalls")) {
			if (i + 1 == argc)
				cli_usage_error(prog, "option %s needs a file", arg);
			stalls_only = arg[2] == 's';
			timings = argv[++i];
		} else if (!strcmp(arg, "-c") || !strcmp(arg, "-t")) {
			if (i + 1 == argc)
				cli_usage_error(prog, "option %s needs a value", arg);
			if (arg[1] == 'c')
				chunk = cli_count(prog, "CHUNK", argv[++i], 1, MAX_COUNT);
			else
				threshold = cli_count(prog, "THRESHOLD", argv[++i], 1,
						      MAX_COUNT);
		} else if (arg[0] == '-' && arg[1] != '\0') {
			cli_usage_error(prog, "unknown option '%s' (allowed: -c, -t, "
					"--getvalue, --timings, --stalls, -h)", arg);
		} else if (have_writes++) {
			cli_usage_error(prog, "extra argument '%s' (expected one "
					"WRITES)", arg);
		} else {
			writes = cli_count(prog, "WRITES", arg, 1, RW_MAX_N);
		}
	}

	/* The joins hold every written byte at once; getvalue copies it again. */
	if (chunk > ULLONG_MAX / 2 / writes)
		cli_usage_error(prog, "%llu writes of %llu bytes overflow a 64-bit "
				"size", writes, chunk);
	need = chunk * writes * (getvalue ? 2 : 1);
	avail = mem_available();
	if (avail != 0 && need > avail)
		cli_usage_error(prog, "%llu writes of %llu bytes need %llu bytes at "
				"once, but only %llu are available (MemAvailable)",
				writes, chunk, need, avail);

	/* s = "a" * CHUNK_SIZE, as in the seed. */
	s = accu_str_new((size_t)chunk);
	memset(s->data, 'a', (size_t)chunk);
	if (timings != NULL && (ns = malloc(writes * sizeof *ns)) == NULL)
		die_oom(writes * sizeof *ns);

	for (unsigned long long w = 1; w <= writes; w++) {
		/*
		 * Switch phases only where the kind of write changes, so that
		 * each run of cheap writes and each flushing write is a part.
		 */
		int flushes = a.small.len + 1 >= threshold;

		if (flushes != in_flush) {
			rw_phase(flushes ? "flush" : "writes");
			in_flush = flushes;
		}
		if (ns != NULL) {
			uint64_t t0 = now_ns();

			accu_write(&a, s, (size_t)threshold);
			ns[w - 1] = now_ns() - t0;
		} else {
			accu_write(&a, s, (size_t)threshold);
		}
	}
	if (getvalue) {
		rw_phase("getvalue");
		value = accu_getvalue(&a);
		/* Keep the join: print a byte of it, to stderr. */
		fprintf(stderr, "c-accu: getvalue: %zu bytes, last '%c'\n",
			value->len, value->len ? value->data[value->len - 1] : '-');
		accu_str_decref(value);
	}

	rw_phase("free");
	if (ns != NULL) {
		if (stalls_only)
			write_stalls(timings, ns, writes);
		else
			write_timings(timings, ns, writes);
		free(ns);
	}
	accu_list_clear(&a.small);
	accu_list_clear(&a.large);
	accu_str_decref(s);
	rw_phase_end();
	return 0;
}
