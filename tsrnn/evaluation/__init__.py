"""Forecast metrics and baselines that need no training."""
