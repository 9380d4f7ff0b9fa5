"""Candidate responses from models for preference collection, written as unranked versions."""

from mentor.generate.generations import GenerationInfo
from mentor.generate.prompts import Prompt, prompt_of
from mentor.generate.request import GenerateOptions, GenerateRequest
from mentor.generate.service import GenerationResult, Generations

__all__ = [
    "GenerateOptions",
    "GenerateRequest",
    "GenerationInfo",
    "GenerationResult",
    "Generations",
    "Prompt",
    "prompt_of",
]
