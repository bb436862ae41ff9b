import pytest

import shapes


@pytest.mark.rangewall(limit="Ir:+50% heap:<1MB")
def test_top(benchmark):
    assert benchmark(shapes.top, 100)[0] == 9900


def test_parity(benchmark):
    assert benchmark(shapes.parity, list(range(20000))) is False


@pytest.mark.benchmark
def test_words():
    assert len(shapes.words(20000)) == 20000


@pytest.mark.parametrize("n", [1, 10], ids=["π/one", "ten [x]"])
def test_middle(benchmark, n):
    benchmark(shapes.middle, n)


def test_plain():
    assert shapes.leaf(2) == 4


def test_fails(benchmark):
    assert benchmark(shapes.leaf, 1) == 3
