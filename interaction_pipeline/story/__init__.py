"""The demo's story: a seeded shop, its people, what each partner saw of them, and the ground truth.

Plain data generation with no I/O of its own: the sandbox is seeded from it, the demo sends its events, and
the tests and the demo's self-checks compare the warehouse with ``truth``.
"""
