"""rangewall pytest --memcheck's test project (tests/pytest-memcheck.bats):
five tests of the planted extension (tests/plant/rwplant.c), built beside
them by the test.  Under --memcheck --limit 'errors:<1 lost:<1', the two
bad reads and the leak fail; the cache and the clean test pass."""
import rwplant


def test_bad_read():
    rwplant.uninit()


def test_leak():
    rwplant.leak()


def test_cache():
    rwplant.cache()


def test_bad_read_again():
    rwplant.uninit()


def test_clean():
    assert sum(range(10)) == 45
