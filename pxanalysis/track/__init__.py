"""The track record: the ledger's targets replayed through the engine and scored.

- :mod:`~pxanalysis.track.build` builds the ledger from the annotators' readings;
- :mod:`~pxanalysis.track.replay` judges every ledger target as of its report's
  date with only what was known then;
- :mod:`~pxanalysis.track.scores` scores the probabilities (Brier, log score,
  reliability, coverage) against the baselines;
- :mod:`~pxanalysis.track.recalibrate` is the pre-registered calibration rule.

The layer sits above the engine and the extractor and below the presentation.
"""
