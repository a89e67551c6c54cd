"""The goals service's settings: the platform's (shared.runtime.config.Settings) and its own, from the environment."""
from __future__ import annotations

from dataclasses import dataclass, field

from shared.runtime.config import Settings, env


@dataclass(frozen=True)
class GoalsSettings(Settings):
    service: str = "goals"
    # streams each API process keeps for deciding commands (store/stream_cache.py); 0 caches nothing
    stream_cache_size: int = field(default_factory=lambda: int(env("GOALS_STREAM_CACHE_SIZE", "10000")))
