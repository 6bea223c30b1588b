import unittest

from slowshop.orders import attach_customers, count_flagged, unique_skus


class OrdersTest(unittest.TestCase):
    def test_attach_customers_first_match_wins(self) -> None:
        customers = [(1, "ada"), (2, "bob"), (1, "ada-duplicate")]
        self.assertEqual(attach_customers([(10, 1), (11, 2), (12, 3)], customers), [(10, "ada"), (11, "bob")])

    def test_count_flagged(self) -> None:
        self.assertEqual(count_flagged([1, 2, 3, 4], [2, 4, 9]), 2)
        self.assertEqual(count_flagged([], [1]), 0)

    def test_unique_skus_keeps_first_seen_order(self) -> None:
        self.assertEqual(unique_skus(["b", "a", "b", "c", "a"]), ["b", "a", "c"])


if __name__ == "__main__":
    unittest.main()
