/*
 * heapcount.c - rangewall-heapcount.so: the heap a program holds, counted
 * as it runs, natively (not under Valgrind), for rangewall pytest's heap
 * figures per test.
 *
 * Preloaded before rangewall-preload.so, it takes malloc's place (and
 * calloc's, realloc's, free's and the aligned kinds'), hands each call to
 * glibc's own (__libc_malloc...), and keeps three counts in
 * `rangewall_heap`:
 *   live    bytes held now: each malloc'd block as malloc_usable_size
 *           gives it (the request rounded up to glibc's chunk: at most 24
 *           bytes more), and each block pymalloc serves from its arenas
 *           at its requested size (the hook's annotate mode adds those:
 *           pymalloc's arenas are mmap'd, not malloc'd, so no byte counts
 *           twice);
 *   peak    the largest `live` since the last reset;
 *   allocs  blocks served since the last reset (a realloc that moves or
 *           makes a block counts one).
 * The vg module reads and resets them (vg.heap(), vg.heap_reset()).
 * Every C extension's malloc is counted, as is every Python object.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stddef.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

struct rangewall_heap {
	long long live, peak, allocs;
};
__attribute__((visibility("default"))) struct rangewall_heap rangewall_heap;

/* Add `bytes` (negative: remove) to what lives; keep the peak. */
__attribute__((visibility("default"))) void rangewall_heap_add(long long bytes, int served)
{
	long long now = __atomic_add_fetch(&rangewall_heap.live, bytes, __ATOMIC_RELAXED);
	long long peak = __atomic_load_n(&rangewall_heap.peak, __ATOMIC_RELAXED);

	if (served)
		__atomic_add_fetch(&rangewall_heap.allocs, 1, __ATOMIC_RELAXED);
	while (now > peak && !__atomic_compare_exchange_n(&rangewall_heap.peak, &peak, now, 1,
							   __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

static void *served(void *p)
{
	if (p != NULL)
		rangewall_heap_add((long long)malloc_usable_size(p), 1);
	return p;
}

void *malloc(size_t n)
{
	return served(__libc_malloc(n));
}

void *calloc(size_t n, size_t size)
{
	return served(__libc_calloc(n, size));
}

void free(void *p)
{
	if (p != NULL)
		rangewall_heap_add(-(long long)malloc_usable_size(p), 0);
	__libc_free(p);
}

void *realloc(void *p, size_t n)
{
	size_t old = p != NULL ? malloc_usable_size(p) : 0;
	void *q = __libc_realloc(p, n);

	if (q == NULL)		/* failed (p untouched), or realloc(p, 0) freed p */
		rangewall_heap_add(n == 0 && p != NULL ? -(long long)old : 0, 0);
	else
		rangewall_heap_add((long long)malloc_usable_size(q) - (long long)old, q != p);
	return q;
}

void *memalign(size_t align, size_t n)
{
	return served(__libc_memalign(align, n));
}

void *aligned_alloc(size_t align, size_t n)
{
	return served(__libc_memalign(align, n));
}

int posix_memalign(void **out, size_t align, size_t n)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)) != 0)
		return EINVAL;
	if ((p = served(__libc_memalign(align, n))) == NULL)
		return ENOMEM;
	*out = p;
	return 0;
}

void *valloc(size_t n)
{
	return served(__libc_memalign((size_t)getpagesize(), n));
}
