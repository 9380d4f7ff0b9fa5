"""The demo workspace: real data (HH-RLHF harmless-base test split) and small hand-written sets."""

from mentor.demo.seed import DemoStep, seed_demo

__all__ = ["DemoStep", "seed_demo"]
