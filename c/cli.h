/*
 * cli.h - strict command-line parsing shared by the native benchmarks.
 *
 * A bad value is a usage error: one line on stderr naming the value and
 * what is allowed, exit status 2, before any work is done.
 */
#ifndef RW_CLI_H
#define RW_CLI_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Print "PROG: error: ..." and exit 2 (usage error). */
#define cli_usage_error(prog, ...)                                      \
	do {                                                            \
		fprintf(stderr, "%s: error: ", (prog));                 \
		fprintf(stderr, __VA_ARGS__);                           \
		fputc('\n', stderr);                                    \
		exit(2);                                                \
	} while (0)

/*
 * Parse `text` as a whole decimal number in [min, max] and return it.
 * Accepts digits only, with '_' or ',' as thousands separators the way the
 * seeds write them (10_000_000, 10,000,000).  Anything else -- a sign,
 * a blank, a fraction, an overflow -- exits 2 naming `what` and `text`.
 */
static inline unsigned long long cli_count(const char *prog, const char *what,
					   const char *text,
					   unsigned long long min,
					   unsigned long long max)
{
	unsigned long long v = 0;
	int digits = 0;
	const char *s;

	for (s = text; *s != '\0'; s++) {
		if (*s == '_' || *s == ',')
			continue;
		if (*s < '0' || *s > '9')
			goto bad;
		if (v > (max - (unsigned long long)(*s - '0')) / 10)
			goto bad; /* would exceed max, and maybe overflow */
		v = v * 10 + (unsigned long long)(*s - '0');
		digits++;
	}
	if (digits > 0 && v >= min)
		return v;
bad:
	cli_usage_error(prog, "%s '%s' is not a whole number from %llu to %llu",
			what, text, min, max);
}

#endif /* RW_CLI_H */
