"""kinds: a module whose tests are of every kind rangewall pytest counts
(tests/pytest.bats): its doctests, a unittest.TestCase, a function.

>>> squares = [square(i) for i in range(100)]
>>> sum(squares)
328350
"""


def square(x):
    """x times x.

    >>> square(3)
    9
    """
    return x * x
