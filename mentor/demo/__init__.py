"""The demo workspace: real data (HH-RLHF harmless-base test split) and small hand-written sets."""

from mentor.demo.seed import seed_demo
from mentor.demo.steps import DemoStep

__all__ = ["DemoStep", "seed_demo"]
