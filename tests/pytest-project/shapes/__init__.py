"""shapes: a small library for rangewall pytest's tests and guide."""


def leaf(x):
    return x * 2


def middle(n):
    return sum(leaf(i) for i in range(n))


def top(n):
    """Known calls: middle 10 times, leaf 10 * n times."""
    return [middle(n) for _ in range(10)]


def parity(xs):
    """Whether xs holds an odd number of odd numbers: no allocation."""
    odd = False
    for x in xs:
        if x & 1:
            odd = not odd
    return odd


def words(n):
    return [str(i) for i in range(n)]
