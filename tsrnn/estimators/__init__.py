"""scikit-learn estimators around the Keras models: fit loop, callbacks, persistence."""
