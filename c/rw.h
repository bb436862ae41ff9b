/*
 * rw.h - rangewall's one door to Valgrind: every client request the
 * benchmarks and the embedded-Python runner issue is in this file, and its
 * state is one struct (`rw`).  A test greps the other C sources for
 * VALGRIND_/CALLGRIND_/DHAT_ request macros and finds none.
 *
 * Phases (Callgrind, Massif):
 *   rw_phase("seed")    end the current phase and begin "seed".  Callgrind
 *                       dumps the phase that ends as a part of its own
 *                       (CALLGRIND_DUMP_STATS_AT, labelled with its name);
 *                       Massif, when RW_SNAPSHOT_PREFIX is set, writes a
 *                       detailed snapshot.  The program starts in phase
 *                       "startup"; rw_phase_end() closes the last one.
 *   rw_snapshot("x")    a Massif detailed snapshot, outside the phases.
 *   With RW_SYSCALL_MARKS set (only the strace driver sets it, so that no
 *   other tool counts it), each phase end is also a failing system call,
 *   write(-1, "rangewall phase end: NAME\n"), which strace shows in place.
 *
 * What Callgrind counts:
 *   rw_measure_start()  instrument (or not) from here: for runs under
 *   rw_measure_stop()   --instr-atstart=no that skip start-up.  Switching
 *                       instrumentation flushes every translation: costly,
 *                       so only at the snippet's two ends.
 *   rw_collect_start()  collect (or not) from here: CALLGRIND_TOGGLE_COLLECT,
 *   rw_collect_stop()   cheap, and the call context is kept -- for regions
 *                       a user brackets (vg.start(), vg.stop()).
 *   rw_zero()           drop what was counted so far.
 *
 * A custom allocator's blocks (Memcheck, Massif):
 *   rw_malloclike()     report a block carved out of memory the program
 *   rw_freelike()       already owns as a heap block of its own, and its
 *   rw_resizeinplace()  end, resize or move; each keeps the bytes usable by
 *   rw_moved()          the allocator that still owns them.
 *   rw_mem_undefined()  mark bytes addressable but undefined;
 *   rw_mem_defined()    or defined.
 *
 *   rw_dhat_event(w)    DHAT (--mode=ad-hoc): an event of weight w here.
 *
 * Memcheck, per test (rangewall pytest --memcheck):
 *   rw_errors()         the errors Memcheck found so far, repeats included
 *   rw_leak_check(how)  a leak check now: quick (the totals alone), added
 *                       (the loss records that grew since the last check)
 *   rw_leak_counts(c)   the last check's bytes and blocks lost, possibly
 *                       lost, reachable and suppressed
 *
 *   rw_silence()        issue no Callgrind request or monitor command from
 *                       now on: DHAT (valgrind 3.19) warns once for every
 *                       client request it does not know.
 *
 * Outside Valgrind every request is a handful of no-op instructions.
 * Built with -DNVALGRIND they disappear entirely (valgrind.h's contract).
 * Not thread-safe: the benchmarks and the runner are single-threaded.
 */
#ifndef RW_H
#define RW_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <valgrind/valgrind.h>
#include <valgrind/callgrind.h>
#include <valgrind/dhat.h>
#include <valgrind/memcheck.h>

/* Everything rw.h remembers between requests. */
struct rw_state {
	const char *phase;		/* the phase running now */
	int boundaries;			/* phase ends and snapshots so far */
	int instrumenting;		/* Callgrind instruments (rw_measure_*) */
	int collecting;			/* Callgrind collects (rw_collect_*) */
	int silent;			/* no Callgrind request, no monitor command */
	int prefix_read;		/* RW_SNAPSHOT_PREFIX looked up */
	const char *snapshot_prefix;	/* Massif snapshots' file prefix, or NULL */
	int marks;			/* RW_SYSCALL_MARKS: -1 not looked up, 0, 1 */
};

/* Valgrind's defaults: instrumenting and collecting from the start. */
static struct rw_state rw = { "startup", 0, 1, 1, 0, 0, NULL, -1 };

/* True when running under any Valgrind tool (valgrind.h: RUNNING_ON_VALGRIND). */
static inline int rw_on_valgrind(void)
{
	return RUNNING_ON_VALGRIND != 0;
}

/* No Callgrind request or monitor command from now on (for DHAT). */
static inline void rw_silence(void)
{
	rw.silent = 1;
}

/*
 * Massif: write a detailed snapshot to "<RW_SNAPSHOT_PREFIX>.<k>.<name>",
 * k counting phase ends and snapshots.  The monitor command needs no vgdb:
 * Massif runs it in-process.  Only the driver for Massif sets the variable,
 * because other tools answer an unknown monitor command with a warning.
 */
static inline void rw_massif_snapshot(const char *name)
{
#ifndef NVALGRIND
	char cmd[4096];

	if (!rw_on_valgrind())
		return;
	if (!rw.prefix_read) {	/* getenv once: its cost would land in every part */
		rw.snapshot_prefix = getenv("RW_SNAPSHOT_PREFIX");
		rw.prefix_read = 1;
	}
	if (rw.snapshot_prefix == NULL || *rw.snapshot_prefix == '\0')
		return;
	if (snprintf(cmd, sizeof cmd, "detailed_snapshot %s.%d.%s",
		     rw.snapshot_prefix, rw.boundaries, name) < (int)sizeof cmd)
		VALGRIND_MONITOR_COMMAND(cmd);
#else
	(void)name;
#endif
}

/*
 * The drivers' settings, read now rather than at their first use:
 * RW_SNAPSHOT_PREFIX (Massif's snapshots) and RW_SYSCALL_MARKS (strace's
 * marks).  With `hide`, they are then taken out of the environment, so that
 * the Python program the runner or the hook runs sees its own environment
 * only.  (glibc's unsetenv keeps the strings themselves: the pointer stays
 * good.)
 */
static inline void rw_take_settings(int hide)
{
	rw.snapshot_prefix = getenv("RW_SNAPSHOT_PREFIX");
	rw.prefix_read = 1;
	rw.marks = !rw_on_valgrind() && getenv("RW_SYSCALL_MARKS") != NULL;
	if (hide) {
		unsetenv("RW_SNAPSHOT_PREFIX");
		unsetenv("RW_SYSCALL_MARKS");
	}
}

/*
 * strace: mark the end of phase `name` in the system-call trace, when the
 * strace driver asked for it (RW_SYSCALL_MARKS): a write to fd -1, which
 * fails (EBADF) and does nothing else.
 */
static inline void rw_syscall_mark(const char *name)
{
	char line[96];
	int n;

	/* Once; never under Valgrind, whose counts it would change. */
	if (rw.marks < 0)
		rw.marks = !rw_on_valgrind() && getenv("RW_SYSCALL_MARKS") != NULL;
	if (!rw.marks)
		return;
	n = snprintf(line, sizeof line, "rangewall phase end: %s\n", name);
	if (n > 0 && n < (int)sizeof line && write(-1, line, (size_t)n) < 0)
		return;		/* the failure is the mark */
}

/*
 * End the current phase and begin `next` (a short token: it names a
 * Callgrind part and a file).  Callgrind: dump the ending phase's costs as
 * a part labelled with its name, unless instrumentation is off (the part
 * would be empty).  Massif: snapshot the heap at the boundary.  Other
 * tools ignore the requests.
 */
static inline void rw_phase(const char *next)
{
	rw.boundaries++;
	if (rw.instrumenting && !rw.silent)
		CALLGRIND_DUMP_STATS_AT(rw.phase);
	rw_massif_snapshot(rw.phase);
	rw_syscall_mark(rw.phase);
	rw.phase = next;
}

/* The phase running now. */
static inline const char *rw_phase_name(void)
{
	return rw.phase;
}

/* End the last phase; what follows (exit, libc teardown) is not a phase. */
static inline void rw_phase_end(void)
{
	rw_phase("exit");
}

/* A Massif detailed snapshot named `name`, between phase boundaries. */
static inline void rw_snapshot(const char *name)
{
	rw.boundaries++;
	rw_massif_snapshot(name);
}

/*
 * Callgrind: say whether instrumentation is on as the program starts: off
 * when the drivers run it under --instr-atstart=no.
 */
static inline void rw_instrumenting_at_start(int on)
{
	rw.instrumenting = on;
}

/* Callgrind: whether instrumentation is on. */
static inline int rw_instrumenting(void)
{
	return rw.instrumenting;
}

/* Callgrind: start instrumenting (for runs under --instr-atstart=no). */
static inline void rw_measure_start(void)
{
	if (!rw.silent)
		CALLGRIND_START_INSTRUMENTATION;
	rw.instrumenting = 1;
}

/* Callgrind: stop instrumenting; phases that end meanwhile are not dumped. */
static inline void rw_measure_stop(void)
{
	if (!rw.silent)
		CALLGRIND_STOP_INSTRUMENTATION;
	rw.instrumenting = 0;
}

/*
 * Callgrind: start or stop collecting costs.  The request toggles, so the
 * state is kept here and a second start (or stop) does nothing.
 */
static inline void rw_collect_start(void)
{
	if (!rw.collecting && !rw.silent)
		CALLGRIND_TOGGLE_COLLECT;
	rw.collecting = 1;
}

static inline void rw_collect_stop(void)
{
	if (rw.collecting && !rw.silent)
		CALLGRIND_TOGGLE_COLLECT;
	rw.collecting = 0;
}

/* Callgrind: drop the costs counted so far. */
static inline void rw_zero(void)
{
	if (!rw.silent)
		CALLGRIND_ZERO_STATS;
}

/* Callgrind: the costs so far, a part of their own named `name`. */
static inline void rw_dump(const char *name)
{
	if (rw.instrumenting && !rw.silent)
		CALLGRIND_DUMP_STATS_AT(name);
	(void)name;
}

/*
 * Memcheck, Massif: `size` bytes at `p`, carved from memory the program
 * already owns, become a heap block of their own (no redzone: the objects
 * are packed edge to edge like CPython's); `zeroed` says whether their
 * contents are defined (calloc) or not.
 */
static inline void rw_malloclike(void *p, size_t size, int zeroed)
{
	VALGRIND_MALLOCLIKE_BLOCK(p, size, 0, zeroed);
	(void)p;
	(void)size;
	(void)zeroed;
}

/* Memcheck: `len` bytes at `p` are addressable, their contents undefined. */
static inline void rw_mem_undefined(void *p, size_t len)
{
	VALGRIND_MAKE_MEM_UNDEFINED(p, len);
	(void)p;
	(void)len;
}

/* Memcheck: `len` bytes at `p` hold defined values. */
static inline void rw_mem_defined(void *p, size_t len)
{
	VALGRIND_MAKE_MEM_DEFINED(p, len);
	(void)p;
	(void)len;
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
	rw_mem_undefined(p, size);
	(void)p;
}

/*
 * Memcheck, Massif: the block at `p` grew or shrank from `old` to `size`
 * bytes where it is.  A shrink leaves the tail inaccessible, but the
 * allocator still owns it: addressable again.
 */
static inline void rw_resizeinplace(void *p, size_t old, size_t size)
{
	VALGRIND_RESIZEINPLACE_BLOCK(p, old, size, 0);
	if (size < old)
		rw_mem_undefined((char *)p + size, old - size);
	(void)p;
}

/*
 * Memcheck, Massif: the block at `p` (`old` bytes) was moved away by a
 * realloc, and the allocator has already freed it and written its
 * free-list link there.  Keep those bytes readable and defined, or its
 * next malloc reads an "uninitialised" link.
 */
static inline void rw_moved(void *p, size_t old)
{
	VALGRIND_FREELIKE_BLOCK(p, 0);
	VALGRIND_MAKE_MEM_DEFINED(p, old);
	(void)p;
	(void)old;
}

/*
 * DHAT, --mode=ad-hoc: count an event of weight `weight` at this stack
 * (DHAT_AD_HOC_EVENT, valgrind 3.17+): the runner's adhoc mode reports each
 * block pymalloc serves this way, its size the weight.
 */
static inline void rw_dhat_event(size_t weight)
{
	DHAT_AD_HOC_EVENT(weight);
	(void)weight;
}

/*
 * Memcheck: the errors found so far (VALGRIND_COUNT_ERRORS), each repeat of
 * one error counted, suppressed ones not; 0 outside Memcheck.
 */
static inline unsigned rw_errors(void)
{
	return VALGRIND_COUNT_ERRORS;
}

/*
 * Memcheck: a leak check now.  `added` shows only the loss records that
 * grew since the last check (seberg/pytest-valgrind's way); else a quick
 * one (--leak-check=summary): its totals alone, a base for the next.
 */
static inline void rw_leak_check(int added)
{
	if (added)
		VALGRIND_DO_ADDED_LEAK_CHECK;
	else
		VALGRIND_DO_QUICK_LEAK_CHECK;
	(void)added;
}

/*
 * Memcheck: the last leak check's totals, bytes then blocks: c[0] lost
 * (definitely and indirectly), c[1] possibly lost, c[2] still reachable,
 * c[3] suppressed; c[4]..c[7] the same in blocks.  Zeros outside Memcheck.
 */
static inline void rw_leak_counts(unsigned long c[8])
{
	unsigned long l = 0, d = 0, r = 0, s = 0;

	VALGRIND_COUNT_LEAKS(l, d, r, s);
	c[0] = l, c[1] = d, c[2] = r, c[3] = s;
	l = d = r = s = 0;
	VALGRIND_COUNT_LEAK_BLOCKS(l, d, r, s);
	c[4] = l, c[5] = d, c[6] = r, c[7] = s;
}

#endif /* RW_H */
