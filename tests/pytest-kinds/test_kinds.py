import unittest

import kinds


class TestSquare(unittest.TestCase):
    def setUp(self):
        # Costly, and not counted: setUp and tearDown are outside the call.
        self.table = [kinds.square(i) for i in range(20000)]

    def test_square(self):
        self.assertEqual(kinds.square(4), 16)
        self.assertEqual(self.table[5], 25)

    @unittest.skip("skipped on purpose")
    def test_skipped(self):
        self.fail("never runs")


def test_plain():
    assert kinds.square(2) == 4
