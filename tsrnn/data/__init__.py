"""The data layer: numpy windows, padding, the pandas panel reader, splits,
the in-memory and Parquet windowers, tf.data."""
