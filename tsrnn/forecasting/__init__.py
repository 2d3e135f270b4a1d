"""pandas in, pandas out: the Forecaster, multi-step strategies, target
transforms, intervals, backtests over time-ordered folds, fan-out."""
