/*
 * preload.c - build/pyembed/rangewall-preload.so: what LD_PRELOAD names
 * when rangewall runs a program in the user's own python.  It has no
 * Python in it, so it loads into any process the program starts (a shell,
 * `ls`, another Python) and does nothing there.  In the python it was
 * meant for, before main runs, it loads the hook built for that Python
 * (hook.c) and starts it.
 *
 *   RANGEWALL_HOOK      the hook's path (build/pyembed/pyhook-TAG.so)
 *   RANGEWALL_PYTHON    the version it was built for ("3.11.2"), and
 *   RANGEWALL_PYDEBUG   1 for a debug build (--with-pydebug), else 0
 *   RANGEWALL_CHILDREN  yes: the program's children are measured too;
 *                       otherwise the process that takes the hook removes
 *                       this library from LD_PRELOAD and the RANGEWALL_*
 *                       settings from its environment
 *
 * A python of another version or build is left alone: its Python is
 * checked by Py_GetVersion() (safe before the interpreter starts) and by
 * _Py_NegativeRefcount, which only debug builds have.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* LD_PRELOAD without `self`, and no RANGEWALL_* variable left. */
static void forget(const char *self)
{
	const char *pre = getenv("LD_PRELOAD");

	if (pre != NULL && self != NULL) {
		size_t n = strlen(pre), k = strlen(self);
		char *kept = malloc(n + 1), *out = kept;
		const char *p = pre;

		while (kept != NULL && *p != '\0') {
			size_t len = strcspn(p, ": ");

			if (!(len == k && !strncmp(p, self, k))) {
				if (out != kept)
					*out++ = ':';
				memcpy(out, p, len);
				out += len;
			}
			p += len;
			p += strspn(p, ": ");
		}
		if (kept != NULL) {
			*out = '\0';
			if (*kept == '\0')
				unsetenv("LD_PRELOAD");
			else
				setenv("LD_PRELOAD", kept, 1);
			free(kept);
		}
	}
	for (int again = 1; again;) {
		again = 0;
		for (char **e = environ; *e != NULL; e++) {
			if (!strncmp(*e, "RANGEWALL_", 10)) {
				char name[256];
				size_t len = strcspn(*e, "=");

				if (len < sizeof name) {
					memcpy(name, *e, len);
					name[len] = '\0';
					unsetenv(name);
					again = 1;
					break;
				}
			}
		}
	}
}

__attribute__((constructor)) static void rangewall_preload(void)
{
	const char *hook = getenv("RANGEWALL_HOOK"), *want = getenv("RANGEWALL_PYTHON");
	const char *debug = getenv("RANGEWALL_PYDEBUG"), *children = getenv("RANGEWALL_CHILDREN");
	const char *(*version)(void);
	int (*init)(void);
	const char *v;
	Dl_info self;
	void *h;

	if (hook == NULL || want == NULL)
		return;
	version = (const char *(*)(void))dlsym(RTLD_DEFAULT, "Py_GetVersion");
	if (version == NULL)
		return;		/* not a python */
	v = version();
	if (strncmp(v, want, strlen(want)) != 0 || v[strlen(want)] != ' ')
		return;		/* another version */
	if ((dlsym(RTLD_DEFAULT, "_Py_NegativeRefcount") != NULL) !=
	    (debug != NULL && !strcmp(debug, "1")))
		return;		/* the same version, the other build */
	if ((h = dlopen(hook, RTLD_NOW | RTLD_LOCAL)) == NULL ||
	    (init = (int (*)(void))dlsym(h, "rangewall_hook_init")) == NULL) {
		fprintf(stderr, "rangewall: error: cannot load the hook '%s': %s\n", hook, dlerror());
		_exit(125);
	}
	init();
	if (children == NULL || strcmp(children, "yes") != 0)
		forget(dladdr((void *)rangewall_preload, &self) ? self.dli_fname : NULL);
}
