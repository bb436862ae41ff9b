/*
 * c-range - the C baseline of seed 000 ("range(n): A Deceptively Complex
 * Program"): malloc N ints, store 0..N-1 in them, free them.
 *
 * Stresses: one large allocation (glibc serves it with one mmap) and a
 * store loop -- about 10 instructions per int at -O0, the seed's figure.
 * Does not stress: the allocator's small-block paths (one malloc, one free),
 * or reads (the values are never read back).
 *
 * Phases: alloc, seed, free (see rw.h).  Built twice: -O0 as in the seed
 * (c-range) and -O2 (c-range-O2), where the loop keeps its variables in
 * registers.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "rw.h"

/* N's default and ceiling come from benchmarks.txt, through the Makefile. */
#if !defined(RW_DEFAULT_N) || !defined(RW_MAX_N)
#error "build with make: -DRW_DEFAULT_N and -DRW_MAX_N come from benchmarks.txt"
#endif

static void usage(FILE *to)
{
	fprintf(to,
		"usage: c-range [N]\n"
		"  Allocate N ints, store 0..N-1 in them, free them; phases\n"
		"  alloc, seed, free.  N defaults to %d (the seed's size),\n"
		"  1 <= N <= %llu; '_' and ',' may group digits.\n"
		"example: valgrind --tool=callgrind ./c-range 1_000_000\n",
		RW_DEFAULT_N, (unsigned long long)RW_MAX_N);
}

int main(int argc, char **argv)
{
	/*
	 * The seed compares against a #define, one cmp-with-immediate per
	 * iteration.  A runtime N in a stack slot would add a load (11 Ir per
	 * int at -O0); held in a register it compiles to the seed's 10.
	 */
	register int length = RW_DEFAULT_N;
	int *buffer;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc > 2)
		cli_usage_error("c-range", "expected at most one argument (N), got %d",
				argc - 1);
	if (argc == 2)
		length = (int)cli_count("c-range", "N", argv[1], 1, RW_MAX_N);

	/* Allocate the memory. */
	rw_phase("alloc");
	buffer = malloc((size_t)length * sizeof(int));
	if (buffer == NULL) {
		fprintf(stderr, "c-range: error: cannot allocate %d ints\n", length);
		return 1;
	}

	/* Seed the memory: the seed's loop, int index and all. */
	rw_phase("seed");
	for (int index = 0; index < length; index++)
		buffer[index] = index;
	/*
	 * The values are never read, so at -O2 gcc may drop the stores, and
	 * then the malloc/free pair.  An empty asm that "reads" all memory
	 * through `buffer` keeps them; it emits no instruction.
	 */
	__asm__ volatile("" : : "r"(buffer) : "memory");

	/* Free the memory. */
	rw_phase("free");
	free(buffer);

	rw_phase_end();
	return 0;
}
