"""Cross-validated accuracy of a shallow classification tree, computed as scikit-learn does.

Rule-basedness (:mod:`rpa_scout.criteria`) is how well a depth-3 tree predicts a step's
outcome, over three shuffled folds. This module grows that tree as scikit-learn's
``DecisionTreeClassifier`` does (CART, Gini impurity, best split, ``random_state``) and
splits the folds as its ``KFold`` and ``StratifiedKFold`` do, so that the accuracy is the
same number to the last bit: the same folds, the same splits (including which of two
equally good features wins: scikit-learn visits the features in an order drawn with its
own xorshift generator, reproduced here), the same thresholds and predictions.

It is written here rather than imported because importing scikit-learn (and SciPy with it)
took 0.85 s and 90 MB, a third of ranking BPIC 2012 end to end, for trees that fit in
milliseconds. ``tests/test_tree.py`` compares it with scikit-learn on random data.

Ported from scikit-learn 1.9 (BSD-3-Clause): ``sklearn/tree/_splitter.pyx``
(``node_split_best``), ``_tree.pyx`` (``DepthFirstTreeBuilder``), ``_criterion.pyx``
(``Gini``), ``sklearn/utils/_random.pxd`` (``our_rand_r``) and
``sklearn/model_selection/_split.py`` (``KFold``, ``StratifiedKFold``). Without sample
weights, missing values or monotonic constraints, which rpa_scout does not use.
scikit-learn is Copyright (c) 2007-2025 The scikit-learn developers, BSD-3-Clause
(https://github.com/scikit-learn/scikit-learn/blob/main/COPYING).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

#: scikit-learn's bounds and tolerances (``RAND_R_MAX``, ``FEATURE_THRESHOLD``, ``EPSILON``).
RAND_R_MAX = 0x7FFFFFFF
FEATURE_THRESHOLD = np.float32(1e-7)
EPSILON = float(np.finfo(np.float64).eps)
_UINT32 = 0xFFFFFFFF


@dataclass(frozen=True)
class Tree:
    """A fitted tree: per node its split ``feature`` (-1 at a leaf), ``threshold``,
    ``left``/``right`` children and the class it predicts; ``classes`` in sorted order.

    Example:
        >>> x = np.array([[0.0], [0.0], [1.0], [1.0]])
        >>> tree = fit_tree(x, np.array(["a", "a", "b", "b"]), max_depth=1, min_samples_leaf=1, seed=0)
        >>> tree.predict(np.array([[0.2], [0.9]])).tolist(), float(tree.threshold[0])
        (['a', 'b'], 0.5)
    """

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    prediction: np.ndarray
    classes: np.ndarray

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The class of each row of ``x`` (compared in float32, as the tree was grown)."""
        x = np.asarray(x, dtype=np.float32)
        node = np.zeros(len(x), dtype=np.intp)
        for _ in range(len(self.feature)):  # at most one level per round
            inner = self.feature[node] >= 0
            if not inner.any():
                break
            at = node[inner]
            value = x[np.flatnonzero(inner), self.feature[at]].astype(np.float64)
            node[inner] = np.where(value <= self.threshold[at], self.left[at], self.right[at])
        return self.classes[self.prediction[node]]


def cross_validated_accuracy(x: np.ndarray, target: np.ndarray, *, stratify: bool, seed: int,
                             folds: int = 3, max_depth: int = 3, min_samples_leaf: int = 5) -> float:
    """Mean accuracy of a tree over ``folds`` shuffled folds, as ``cross_val_score`` of a
    ``DecisionTreeClassifier(max_depth, min_samples_leaf, random_state=seed)`` with
    ``StratifiedKFold`` (``stratify``) or ``KFold`` (``folds``, shuffled, ``seed``) gives it.

    Example:
        >>> rng = np.random.default_rng(1)
        >>> x = rng.integers(0, 2, size=(60, 2)).astype(float)
        >>> y = np.where(x[:, 0] == 1, "yes", "no")
        >>> cross_validated_accuracy(x, y, stratify=True, seed=42)
        1.0
    """
    x = np.asarray(x, dtype=np.float32)
    target = np.asarray(target)
    if len(target) < folds:
        raise ValueError(f"{folds} folds need at least {folds} rows, got {len(target)}")
    tests = _stratified_folds(target, folds, seed) if stratify else _folds(len(target), folds, seed)
    scores = []
    for test in tests:
        tree = fit_tree(x[~test], target[~test], max_depth=max_depth,
                        min_samples_leaf=min_samples_leaf, seed=seed)
        scores.append(np.mean(tree.predict(x[test]) == target[test]))
    return float(np.array(scores).mean())


def _folds(n: int, folds: int, seed: int) -> list[np.ndarray]:
    """``KFold(folds, shuffle=True, random_state=seed)``'s test sets, as masks."""
    order = np.arange(n)
    np.random.RandomState(seed).shuffle(order)
    sizes = np.full(folds, n // folds, dtype=int)
    sizes[: n % folds] += 1
    masks, start = [], 0
    for size in sizes:
        mask = np.zeros(n, dtype=bool)
        mask[order[start:start + size]] = True
        masks.append(mask)
        start += size
    return masks


def _stratified_folds(target: np.ndarray, folds: int, seed: int) -> list[np.ndarray]:
    """``StratifiedKFold(folds, shuffle=True, random_state=seed)``'s test sets, as masks."""
    rng = np.random.RandomState(seed)
    _, first, inverse = np.unique(target, return_index=True, return_inverse=True)
    _, by_appearance = np.unique(first, return_inverse=True)
    encoded = by_appearance[inverse.ravel()]
    classes = len(first)
    ordered = np.sort(encoded)
    allocation = np.asarray([np.bincount(ordered[i::folds], minlength=classes) for i in range(folds)])
    test_fold = np.empty(len(target), dtype="i")
    for k in range(classes):
        of_class = np.arange(folds).repeat(allocation[:, k])
        rng.shuffle(of_class)
        test_fold[encoded == k] = of_class
    return [test_fold == i for i in range(folds)]


def fit_tree(x: np.ndarray, target: np.ndarray, *, max_depth: int, min_samples_leaf: int,
             seed: int) -> Tree:
    """Grow the tree ``DecisionTreeClassifier(max_depth=max_depth,
    min_samples_leaf=min_samples_leaf, random_state=seed).fit(x, target)`` grows."""
    x = np.asarray(x, dtype=np.float32)
    classes, y = np.unique(np.asarray(target), return_inverse=True)
    grower = _Grower(x, y.ravel().astype(np.intp), len(classes), min_samples_leaf, seed)
    feature, threshold, left, right, prediction = [], [], [], [], []
    # Depth first, the left child before the right, as scikit-learn's builder pops them:
    # the order matters because the feature order drawn at a node carries to the next.
    stack = [(np.arange(len(y)), 0, np.inf, 0, -1, False)]
    min_split = max(2, 2 * min_samples_leaf)
    while stack:
        rows, depth, impurity, known_constants, parent, is_left = stack.pop()
        counts = np.bincount(grower.y[rows], minlength=grower.n_classes)
        if parent < 0:
            impurity = _gini(counts, len(rows))
        leaf = depth >= max_depth or len(rows) < min_split or impurity <= EPSILON
        split = None
        if not leaf:
            split, known_constants = grower.split(rows, impurity, known_constants)
            leaf = split is None or split.improvement + EPSILON < 0.0
        node = len(feature)
        if parent >= 0:
            (left if is_left else right)[parent] = node
        feature.append(-1 if leaf else split.feature)
        threshold.append(-2.0 if leaf else split.threshold)
        left.append(-1)
        right.append(-1)
        prediction.append(int(np.argmax(counts)))
        if not leaf:
            stack.append((rows[split.position:], depth + 1, split.impurity_right, known_constants, node, False))
            stack.append((rows[:split.position], depth + 1, split.impurity_left, known_constants, node, True))
    return Tree(np.array(feature, dtype=np.intp), np.array(threshold), np.array(left, dtype=np.intp),
                np.array(right, dtype=np.intp), np.array(prediction, dtype=np.intp), classes)


@lru_cache(maxsize=64)
def _first_state(seed: int) -> int:
    """The xorshift state scikit-learn seeds a tree's splitter with (the same for every
    tree of one seed; a ``RandomState`` takes 0.1 ms to make, hundreds of trees a ranking)."""
    return int(np.random.RandomState(seed).randint(0, RAND_R_MAX))


def _gini(counts: np.ndarray, n: float) -> float:
    """Gini impurity of class ``counts`` summing to ``n`` (scikit-learn's arithmetic)."""
    square = float(np.dot(counts.astype(np.int64), counts.astype(np.int64)))
    return 1.0 - square / (float(n) * float(n))


@dataclass(frozen=True)
class _Split:
    feature: int
    threshold: float
    position: int  # rows[:position] (sorted by the feature) go left
    impurity_left: float
    impurity_right: float
    improvement: float


class _Grower:
    """The state scikit-learn's splitter carries from node to node: the feature order,
    the features found constant, and the xorshift generator."""

    def __init__(self, x: np.ndarray, y: np.ndarray, n_classes: int, min_samples_leaf: int, seed: int):
        self.x, self.y, self.n_classes, self.min_leaf = x.T.copy(), y, n_classes, min_samples_leaf
        self.features = np.arange(x.shape[1], dtype=np.intp)
        self.constant = np.empty(x.shape[1], dtype=np.intp)
        self.state = _first_state(seed)

    def _draw(self, low: int, high: int) -> int:
        """``rand_int(low, high)``: scikit-learn's ``our_rand_r``, a 32-bit xorshift."""
        s = self.state or 1
        s ^= (s << 13) & _UINT32
        s ^= s >> 17
        s ^= (s << 5) & _UINT32
        self.state = s
        return low + (s % (RAND_R_MAX + 1)) % (high - low)

    def split(self, rows: np.ndarray, impurity: float, known: int) -> tuple[_Split | None, int]:
        """The best split of ``rows`` (reordered in place by the chosen feature) and the
        number of features known to be constant below this node."""
        values = self.x[:, rows]  # one row per feature
        low, high = values.min(axis=1), values.max(axis=1)
        constant = high <= low + FEATURE_THRESHOLD
        at_low = values == low[:, None]
        two = ~constant & (at_low | (values == high[:, None])).all(axis=1)
        many = ~constant & ~two
        best_at = np.zeros(len(values), dtype=np.intp)
        best_of = np.full(len(values), -np.inf)
        if two.any():
            best_at[two], best_of[two] = self._two_valued(at_low[two], self.y[rows])
        if many.any():
            order = np.argsort(values[many], axis=1, kind="stable")
            proxy = self._proxies(np.take_along_axis(values[many], order, axis=1), self.y[rows][order])
            best_at[many] = np.argmax(proxy, axis=1)  # the first of equal positions, as a strict ">" keeps
            best_of[many] = proxy[np.arange(len(proxy)), best_at[many]]

        features = self.features
        n = len(features)
        f_i, visited, found, drawn, total = n, 0, 0, 0, known
        best, best_proxy = -1, -np.inf
        while f_i > total and (visited < n or visited <= found + drawn):
            visited += 1
            f_j = self._draw(drawn, f_i - found)
            if f_j < known:
                features[drawn], features[f_j] = features[f_j], features[drawn]
                drawn += 1
                continue
            f_j += found
            feature = features[f_j]
            if constant[feature]:
                features[f_j], features[total] = features[total], features[f_j]
                found += 1
                total += 1
                continue
            f_i -= 1
            features[f_i], features[f_j] = features[f_j], features[f_i]
            if best_of[feature] > best_proxy:
                best, best_proxy = int(feature), best_of[feature]
        features[:known] = self.constant[:known]
        self.constant[known:known + found] = features[known:known + found]
        if best < 0:
            return None, total
        at = int(best_at[best])
        by_best = np.argsort(values[best], kind="stable")
        rows[:] = rows[by_best]
        counts_left = np.bincount(self.y[rows[:at]], minlength=self.n_classes)
        counts_right = np.bincount(self.y[rows[at:]], minlength=self.n_classes)
        n_left, n_right, n_node = float(at), float(len(rows) - at), float(len(rows))
        left, right = _gini(counts_left, n_left), _gini(counts_right, n_right)
        improvement = (n_node / len(self.y)) * (impurity - (n_right / n_node * right) - (n_left / n_node * left))
        ordered = values[best][by_best]
        threshold = float(ordered[at - 1]) / 2.0 + float(ordered[at]) / 2.0
        return _Split(best, threshold, at, left, right, improvement), total

    def _two_valued(self, at_low: np.ndarray, classes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For features of two values (one row each of ``at_low``: the row holds the lower
        one), the one position a split may take (the rows of the lower value go left) and
        its Gini proxy (-inf where a side would hold fewer than ``min_samples_leaf`` rows).

        The class counts on the left come from one product of 0/1 matrices, exact in
        floating point; the proxy is :meth:`_proxies`' arithmetic on the same integers.
        """
        n = at_low.shape[1]
        one_hot = np.zeros((n, self.n_classes))
        one_hot[np.arange(n), classes] = 1.0
        counts = (at_low.astype(np.float64) @ one_hot).astype(np.int64)
        totals = np.bincount(classes, minlength=self.n_classes).astype(np.int64)
        position = counts.sum(axis=1)
        valid = (position >= self.min_leaf) & (position <= n - self.min_leaf)
        proxy = _gini_proxy((counts * counts).sum(axis=1), counts @ totals, int(totals @ totals),
                            position, n)
        return position, np.where(valid, proxy, -np.inf)

    def _proxies(self, ordered: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """Per feature and split position p (its first p rows, in its order, go left),
        scikit-learn's Gini proxy ``-n_right·gini_right - n_left·gini_left``; -inf where no
        split may be made. ``ordered`` and ``classes`` have one row per feature.

        Squared class counts are exact integers: the sum of squares on the left grows by
        ``2·(earlier rows of the class) + 1`` per row, the right's follows from the totals.
        A stable sort of each feature's classes (a radix sort of small integers) lists each
        class's rows in order, in blocks that start at the same place for every feature.
        Only the positions where a split may be made get the floating-point arithmetic.
        """
        f, n = classes.shape
        k = self.n_classes
        totals = np.bincount(classes[0], minlength=k).astype(np.int64)
        by_class = np.argsort(classes.astype(np.int16 if k <= np.iinfo(np.int16).max else np.intp),
                              axis=1, kind="stable")
        rank = np.arange(n, dtype=np.int64) - np.repeat(np.cumsum(totals) - totals, totals)
        earlier = np.empty((f, n), dtype=np.int64)
        np.put_along_axis(earlier, by_class, np.broadcast_to(rank, (f, n)), axis=1)
        square_left = np.zeros((f, n + 1), dtype=np.int64)
        np.cumsum(2 * earlier + 1, axis=1, out=square_left[:, 1:])
        cross = np.zeros((f, n + 1), dtype=np.int64)
        np.cumsum(totals[classes], axis=1, out=cross[:, 1:])
        valid = np.zeros((f, n + 1), dtype=bool)
        valid[:, 1:n] = ordered[:, 1:] > ordered[:, :-1] + FEATURE_THRESHOLD
        valid[:, :self.min_leaf] = False
        valid[:, n - self.min_leaf + 1:] = False
        feature, at = np.nonzero(valid)
        proxy = np.full((f, n + 1), -np.inf)
        proxy[feature, at] = _gini_proxy(square_left[feature, at], cross[feature, at],
                                         int(totals @ totals), at, n)
        return proxy


def _gini_proxy(square_left: np.ndarray, cross: np.ndarray, square_total: int, n_left: np.ndarray,
                n: int) -> np.ndarray:
    """scikit-learn's ``-n_right·gini_right - n_left·gini_left`` of splits whose left side
    holds ``n_left`` of ``n`` rows, from exact integers: the sum of the left's squared class
    counts, the sum of the left's counts times the node's (``cross``) and the sum of the
    node's squared counts (the right's squares are ``square_total - 2·cross + square_left``)."""
    square_right = square_total - 2 * cross + square_left
    n_left = n_left.astype(np.float64)
    n_right = float(n) - n_left
    gini_left = 1.0 - square_left.astype(np.float64) / (n_left * n_left)
    gini_right = 1.0 - square_right.astype(np.float64) / (n_right * n_right)
    return -n_right * gini_right - n_left * gini_left
