"""Settings for the disclosure benchmark (`python -m bench.disclosure`): the petitions benchmark's settings (the
project's own, the bare JSON view in the URLs, static files from the finders) with the public search's rate
limit raised, since every request of the benchmark comes from one address (127.0.0.1)."""

from bench.petitions_settings import *  # noqa: F403

DISCLOSURE_PUBLIC_RATE_LIMITS = {"proof": (1_000_000, 60), "search": (1_000_000, 60)}
