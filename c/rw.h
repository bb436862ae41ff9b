/*
 * rw.h - rangewall's one wrapper around the Valgrind client requests.
 *
 * Every benchmark (and the embedded-Python runner) speaks to Valgrind only
 * through these functions, so the protocol lives in one place:
 *
 *   rw_phase("seed")   end the current phase and begin "seed".  The phase
 *                      that ends is dumped by Callgrind as its own part
 *                      (CALLGRIND_DUMP_STATS_AT, labelled with its name) and,
 *                      when RW_SNAPSHOT_PREFIX is set under Massif, saved as
 *                      a detailed snapshot.  The program starts in phase
 *                      "startup"; rw_phase_end() closes the last one, and
 *                      whatever runs after it lands in Callgrind's final
 *                      part ("Program termination").
 *   rw_measure_start() Callgrind: (re)start or stop instrumenting, for
 *   rw_measure_stop()  --instr-atstart=no runs that measure a region only.
 *   rw_malloclike()    report a block carved out of memory the program
 *   rw_freelike()      already owns (a custom allocator) as a heap block of
 *                      its own; Memcheck and Massif then see objects, not the
 *                      big chunks they were carved from.
 *
 * Outside Valgrind every request is a handful of no-op instructions.
 * Built with -DNVALGRIND they disappear entirely (valgrind.h's contract).
 *
 * Not thread-safe: the benchmarks are single-threaded.
 */
#ifndef RW_H
#define RW_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <valgrind/valgrind.h>
#include <valgrind/callgrind.h>
#include <valgrind/memcheck.h>

/* True when running under any Valgrind tool (valgrind.h: RUNNING_ON_VALGRIND). */
static inline int rw_on_valgrind(void)
{
	return RUNNING_ON_VALGRIND != 0;
}

static const char *rw_current_phase = "startup";
static int rw_phase_count;

/*
 * Massif: save a detailed snapshot named after the phase that just ended,
 * as "<RW_SNAPSHOT_PREFIX>.<k>.<phase>".  The monitor command needs no vgdb:
 * Massif runs it in-process.  Only the driver for Massif sets the variable,
 * because other tools answer an unknown monitor command with a warning.
 */
static inline void rw_massif_snapshot(const char *phase)
{
#ifndef NVALGRIND
	static const char *prefix;
	static int looked;	/* getenv once: its cost would land in every part */
	char cmd[4096];

	if (!rw_on_valgrind())
		return;
	if (!looked) {
		prefix = getenv("RW_SNAPSHOT_PREFIX");
		looked = 1;
	}
	if (prefix == NULL || *prefix == '\0')
		return;
	if (snprintf(cmd, sizeof cmd, "detailed_snapshot %s.%d.%s",
		     prefix, rw_phase_count, phase) < (int)sizeof cmd)
		VALGRIND_MONITOR_COMMAND(cmd);
#else
	(void)phase;
#endif
}

static int rw_measuring = 1;	/* Callgrind collects (see rw_measure_stop) */
/*
 * No requests at all when set: DHAT (valgrind 3.19) warns once for every
 * client request it does not know, Callgrind's included.
 */
static int rw_silent;

/*
 * End the current phase and begin `next` (a short token: it names a
 * Callgrind part and a file).  Callgrind: dump the ending phase's costs as
 * a part labelled with its name, unless measurement is stopped (the part
 * would be empty).  Massif: snapshot the heap at the boundary.  Other
 * tools ignore the requests.
 */
static inline void rw_phase(const char *next)
{
	rw_phase_count++;
	if (rw_measuring && !rw_silent)
		CALLGRIND_DUMP_STATS_AT(rw_current_phase);
	rw_massif_snapshot(rw_current_phase);
	rw_current_phase = next;
}

/* End the last phase; what follows (exit, libc teardown) is not a phase. */
static inline void rw_phase_end(void)
{
	rw_phase("exit");
}

/*
 * Callgrind: start or stop instrumenting (run valgrind with
 * --instr-atstart=no to measure only from the first start).  Phases that
 * end while stopped are not dumped.
 */
static inline void rw_measure_start(void)
{
	if (!rw_silent)
		CALLGRIND_START_INSTRUMENTATION;
	rw_measuring = 1;
}

static inline void rw_measure_stop(void)
{
	if (!rw_silent)
		CALLGRIND_STOP_INSTRUMENTATION;
	rw_measuring = 0;
}

/*
 * Memcheck, Massif: `size` bytes at `p`, carved from memory the program
 * already owns, become a heap block of their own (contents undefined, no
 * redzone: the objects are packed edge to edge like CPython's).
 */
static inline void rw_malloclike(void *p, size_t size)
{
	VALGRIND_MALLOCLIKE_BLOCK(p, size, 0, 0);
	(void)p;
	(void)size;
}

/*
 * Memcheck, Massif: the block at `p` (`size` bytes) is freed, but its
 * memory still belongs to the allocator, which writes its free-list link
 * into it.  FREELIKE marks the bytes inaccessible; make them addressable
 * (undefined) again so that the allocator's own writes are not errors.
 */
static inline void rw_freelike(void *p, size_t size)
{
	VALGRIND_FREELIKE_BLOCK(p, 0);
	VALGRIND_MAKE_MEM_UNDEFINED(p, size);
	(void)p;
	(void)size;
}

#endif /* RW_H */
