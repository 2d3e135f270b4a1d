"""One Keras model that averages the outputs of several trained networks."""

from __future__ import annotations

import keras

__all__ = ["average_models"]


def average_models(models, *, name="ensemble"):
    """A model whose output is the mean of the outputs of ``models``.

    The networks must take the same inputs (one array, or the same list of
    arrays) and give one output each, all of one shape; they keep their
    trained weights and become the members ``member_0``, ``member_1``, ... of
    the new model, which saves to and loads from one ``.keras`` file. The mean
    of softmax outputs is the averaged class probability of a seed ensemble.

    Examples
    --------
    >>> import numpy as np
    >>> from tsrnn import build_dense
    >>> models = [build_dense((3, 1), 2, units=(4,), seed=s) for s in (0, 1)]
    >>> x = np.ones((1, 3, 1))
    >>> mean = average_models(models).predict(x, verbose=0)
    >>> bool(np.allclose(mean, (models[0](x) + models[1](x)) / 2))
    True
    """
    first = models[0]
    inputs = [
        keras.Input(tensor.shape[1:], dtype=tensor.dtype, name=tensor.name)
        for tensor in first.inputs
    ]
    feed = inputs if len(inputs) > 1 else inputs[0]
    outputs = []
    for index, model in enumerate(models):
        # A fresh name per member: a functional model needs unique layer names.
        member_inputs = model.inputs if len(model.inputs) > 1 else model.inputs[0]
        member = keras.Model(member_inputs, model.outputs[0], name=f"member_{index}")
        outputs.append(member(feed))
    mean = keras.layers.Average(name="average")(outputs)
    return keras.Model(feed, mean, name=name)
