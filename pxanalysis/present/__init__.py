"""The presentation layer: labels, style, tables, plots, brief sections, the explorer, exports.

Everything a reader sees (Chinese or English text, charts, tables) is made here
from the engine's results; nothing here computes a projection.
"""
