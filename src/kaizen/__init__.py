"""kaizen: makes Python code faster overnight, keeping only verified, significant gains."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kaizen-perf")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"
