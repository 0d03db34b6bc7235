"""newsflow: feeds in, clean deduplicated articles out, in a DuckDB warehouse."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/newsflow/newsflow"
DEFAULT_USER_AGENT = f"newsflow/{__version__} (+{PROJECT_URL})"
