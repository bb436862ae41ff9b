/*
 * wrap.c - Callgrind 3.19 writing a wrapped total: start instrumenting
 * late, dump, stop.  The last part's summary: line then reads
 * 18446744073709543609, and callgrind_annotate prints that as the total
 * (tests/rough.bats).
 */
#include <valgrind/callgrind.h>

int main(void)
{
	volatile long s = 0;

	CALLGRIND_START_INSTRUMENTATION;
	for (int i = 0; i < 1000; i++)
		s += i;
	CALLGRIND_DUMP_STATS;
	CALLGRIND_STOP_INSTRUMENTATION;
	return 0;
}
