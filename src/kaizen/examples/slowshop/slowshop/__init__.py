"""slowshop: orders, customers, deliveries and prices."""
