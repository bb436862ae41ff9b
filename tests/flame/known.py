"""A program whose heap is known: each bytes(N) object is one block of
N + 33 bytes (over pymalloc's 512-byte limit: malloc'd in every mode).
At the end it holds 30 x 100,033 B from alloc_a and 30 x 200,033 B from
alloc_b (tests/flame.bats)."""


def alloc_a():
    return [bytes(100_000) for _ in range(30)]


def alloc_b():
    return [bytes(200_000) for _ in range(30)]


def main():
    return alloc_a(), alloc_b()


kept = main()
