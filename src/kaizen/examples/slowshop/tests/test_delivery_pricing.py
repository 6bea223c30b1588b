import unittest

from slowshop.delivery import reachable
from slowshop.pricing import bundle_count


class DeliveryTest(unittest.TestCase):
    def test_reachable_breadth_first(self) -> None:
        roads = {1: [2, 3], 2: [4], 3: [4, 5], 4: [1]}
        self.assertEqual(reachable(1, roads), [1, 2, 3, 4, 5])
        self.assertEqual(reachable(9, roads), [9])


class PricingTest(unittest.TestCase):
    def test_bundle_count(self) -> None:
        self.assertEqual(bundle_count(0, (1, 2)), 1)
        self.assertEqual(bundle_count(4, (1, 2)), 5)
        self.assertEqual(bundle_count(5, (2, 3)), 2)


if __name__ == "__main__":
    unittest.main()
