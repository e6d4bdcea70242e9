"""rpa_scout.tree grows the trees and folds scikit-learn does, to the last bit."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rpa_scout.tree import cross_validated_accuracy, fit_tree

sklearn_tree = pytest.importorskip("sklearn.tree", reason="scikit-learn (the dev extra) is the reference")
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score  # noqa: E402


def _data(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One-hot, small-integer and skewed numeric columns, with the ties that decide which
    feature wins: duplicated and complementary columns, a constant one, values closer
    than scikit-learn's 1e-7 tolerance, large values that float32 rounds."""
    rng = np.random.default_rng(seed)
    n, f, k = int(rng.integers(15, 300)), int(rng.integers(1, 20)), int(rng.integers(1, 6))
    cols = []
    for kind in rng.integers(0, 3, size=f):
        if kind == 0:
            cols.append(rng.integers(0, 2, n).astype(float))
        elif kind == 1:
            cols.append(rng.integers(-1, 6, n).astype(float))
        else:
            cols.append(np.round(rng.lognormal(3, 2, n), int(rng.integers(0, 4))))
    x = np.column_stack(cols)
    if rng.random() < 0.5:
        extra = [x[:, 0].copy(), 1 - x[:, 0], np.zeros(n), x[:, -1] + rng.integers(0, 2, n) * 5e-8,
                 1e6 + rng.integers(0, 3, n) * 0.03]
        x = np.column_stack([x, *extra])[:, rng.permutation(x.shape[1] + 5)]
    signal = (x[:, 0] > np.median(x[:, 0])).astype(int)
    y = np.array([f"c{v}" for v in np.where(rng.random(n) < 0.5, signal, rng.integers(0, k, n))])
    return x, y


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), depth=st.integers(1, 4), leaf=st.integers(1, 7),
       random_state=st.integers(0, 10_000))
def test_the_same_tree_as_scikit_learn(seed: int, depth: int, leaf: int, random_state: int) -> None:
    x, y = _data(seed)
    theirs = sklearn_tree.DecisionTreeClassifier(max_depth=depth, min_samples_leaf=leaf,
                                                 random_state=random_state).fit(x, y)
    ours = fit_tree(x, y, max_depth=depth, min_samples_leaf=leaf, seed=random_state)
    inner = theirs.tree_.feature >= 0
    assert ours.feature[ours.feature >= 0].tolist() == theirs.tree_.feature[inner].tolist()
    assert ours.threshold[ours.feature >= 0].tolist() == theirs.tree_.threshold[inner].tolist()
    probe = x + np.random.default_rng(seed).normal(0, 0.3, size=x.shape)
    assert ours.predict(probe).tolist() == theirs.predict(probe).tolist()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), random_state=st.integers(0, 10_000))
def test_the_same_cross_validated_accuracy(seed: int, random_state: int) -> None:
    x, y = _data(seed)
    _, counts = np.unique(y, return_counts=True)
    stratify = bool(counts.min() >= 3)
    folds = (StratifiedKFold(3, shuffle=True, random_state=random_state) if stratify
             else KFold(3, shuffle=True, random_state=random_state))
    tree = sklearn_tree.DecisionTreeClassifier(max_depth=3, min_samples_leaf=5, random_state=random_state)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = float(cross_val_score(tree, x, y, cv=folds).mean())
    assert cross_validated_accuracy(x, y, stratify=stratify, seed=random_state) == theirs


def test_equally_good_features_are_chosen_as_scikit_learn_draws_them() -> None:
    """Ten identical columns: which one the root splits on is the generator's choice."""
    rng = np.random.default_rng(3)
    column = rng.integers(0, 2, 200).astype(float)
    x = np.column_stack([column] * 10)
    y = np.where(column == 1, "a", "b")
    chosen = {int(fit_tree(x, y, max_depth=1, min_samples_leaf=1, seed=s).feature[0]) for s in range(20)}
    theirs = {int(sklearn_tree.DecisionTreeClassifier(max_depth=1, random_state=s).fit(x, y).tree_.feature[0])
              for s in range(20)}
    assert chosen == theirs and len(chosen) > 1


def test_a_pure_node_and_too_few_rows_are_leaves() -> None:
    x = np.arange(12, dtype=float)[:, None]
    assert fit_tree(x, np.array(["a"] * 12), max_depth=3, min_samples_leaf=1, seed=0).feature.tolist() == [-1]
    y = np.array(["a"] * 6 + ["b"] * 6)
    assert fit_tree(x, y, max_depth=3, min_samples_leaf=7, seed=0).feature.tolist() == [-1]


def test_fewer_rows_than_folds_is_refused() -> None:
    with pytest.raises(ValueError, match="3 folds need at least 3 rows"):
        cross_validated_accuracy(np.zeros((2, 1)), np.array(["a", "b"]), stratify=False, seed=0)


def test_ranking_does_not_import_scikit_learn() -> None:
    """The point of the module: ranking stays clear of scikit-learn's and SciPy's import."""
    code = ("import sys\nfrom rpa_scout import rank_candidates, read_log\n"
            "log, _ = read_log('eventlogs/ostolaskut.csv.gz')\n"
            "assert rank_candidates(log).candidates['rule_accuracy_raw'].notna().any()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
