"""Keras layers, model builders, compile, rolling prediction, distribution
strategies."""
