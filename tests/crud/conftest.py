from tests.test_web_scope import world  # noqa: F401  (the two-banner world, users per role)
