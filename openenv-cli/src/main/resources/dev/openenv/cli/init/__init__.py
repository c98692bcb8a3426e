"""__TITLE__ environment (served by Java): a thin Python client for it."""

from .client import __CLASS__Action, __CLASS__Env, __CLASS__Observation

__all__ = ["__CLASS__Action", "__CLASS__Env", "__CLASS__Observation"]
