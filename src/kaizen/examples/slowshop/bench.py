"""The shop's nightly workload: each part takes a comparable share of the time."""

from slowshop.delivery import reachable
from slowshop.orders import attach_customers, count_flagged, unique_skus
from slowshop.pricing import bundle_count

customers = [(i, f"customer-{i}") for i in range(1700)]
orders = [(i, (i * 7919) % 1700) for i in range(1700)]
attach_customers(orders, customers)

flagged = list(range(0, 4500, 3))
count_flagged(list(range(2500)), flagged)

skus = [f"sku-{(i * 31) % 1700}" for i in range(3500)]
unique_skus(skus)

roads = {0: list(range(1, 20000))}  # the central depot serves every other one
reachable(0, roads)

bundle_count(20, (1, 2, 3))
