/*
 * rwplant.c - a C extension with one planted memory error a function, for
 * tests/memcheck.bats: Memcheck must report each once, in its function,
 * with the Python function that called it on the stack (--pyframes).
 *
 *   uninit()        branches on 16 bytes malloc left uninitialised
 *   use_after_free() reads a block it freed
 *   leak()          mallocs 1000 bytes and drops the pointer
 *   freed_to_api()  hands a freed 8-byte buffer to PyBytes_FromStringAndSize:
 *                   the invalid read happens inside libpython (its
 *                   memcpy, one 8-byte read)
 *   cache()         no error: keeps a 1000-byte block in a module-level
 *                   list on purpose, reachable (a cache, not a leak), each
 *                   call one more (tests/pytest-memcheck)
 *
 * Built by the test against each Python's headers:
 *   cc -shared -fPIC -g -O0 $(pythonX.Y-config --includes) rwplant.c \
 *      -o rwplant$(pythonX.Y-config --extension-suffix)
 */
#include <Python.h>

#include <stdlib.h>
#include <string.h>

static volatile int sink;	/* keeps the compiler from dropping the reads */

static PyObject *uninit(PyObject *self, PyObject *unused)
{
	char *p = malloc(16);

	(void)self, (void)unused;
	if (p == NULL)
		return PyErr_NoMemory();
	if (p[3] == 'x')		/* planted: p[3] was never written */
		sink = 1;
	free(p);
	Py_RETURN_NONE;
}

static PyObject *use_after_free(PyObject *self, PyObject *unused)
{
	int *p = malloc(4 * sizeof *p);

	(void)self, (void)unused;
	if (p == NULL)
		return PyErr_NoMemory();
	p[0] = 1;
	free(p);
	sink = p[0];		/* planted: p was freed */
	Py_RETURN_NONE;
}

static PyObject *leak(PyObject *self, PyObject *unused)
{
	char *p = malloc(1000);

	(void)self, (void)unused;
	if (p == NULL)
		return PyErr_NoMemory();
	memset(p, 1, 1000);
	sink = p[999];
	Py_RETURN_NONE;		/* planted: p is lost */
}

static PyObject *freed_to_api(PyObject *self, PyObject *unused)
{
	char *p = malloc(8);

	(void)self, (void)unused;
	if (p == NULL)
		return PyErr_NoMemory();
	memset(p, 'a', 8);
	free(p);
	return PyBytes_FromStringAndSize(p, 8);	/* planted: p was freed */
}

#define CACHE_MAX 64
static char *cache_blocks[CACHE_MAX];	/* reachable: a module-level cache */
static int cache_n;

static PyObject *cache(PyObject *self, PyObject *unused)
{
	char *p;

	(void)self, (void)unused;
	if (cache_n == CACHE_MAX)
		Py_RETURN_NONE;
	if ((p = malloc(1000)) == NULL)
		return PyErr_NoMemory();
	memset(p, 2, 1000);
	cache_blocks[cache_n++] = p;
	Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
	{ "uninit", uninit, METH_NOARGS, "branch on uninitialised bytes" },
	{ "use_after_free", use_after_free, METH_NOARGS, "read a freed block" },
	{ "leak", leak, METH_NOARGS, "lose 1000 bytes" },
	{ "freed_to_api", freed_to_api, METH_NOARGS, "give CPython a freed buffer" },
	{ "cache", cache, METH_NOARGS, "keep 1000 bytes in a module-level cache" },
	{ NULL, NULL, 0, NULL }
};

static struct PyModuleDef module = {
	PyModuleDef_HEAD_INIT, "rwplant", "planted memory errors", -1, methods,
	NULL, NULL, NULL, NULL
};

PyMODINIT_FUNC PyInit_rwplant(void)
{
	return PyModule_Create(&module);
}
