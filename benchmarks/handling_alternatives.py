"""Alternative completion-only handling-time statistics, leave one log out (issue 11: all dropped).

    PYTHONPATH=. python benchmarks/handling_alternatives.py [--rebuild] [WORD ...]

(with words, only the methods whose label contains one of them).

Per activity, each method turns the instances' upper bounds (from ``rpa_scout.handling``,
computed with work share 1) into a raw statistic; a scale factor is fitted leave one log
out exactly like ``fit_work_share`` (minimise the mean over the two training logs of the
median |log(estimate / truth)| of activity means); the held-out log is scored with
``rpa_scout.validation.score`` (same activity filter, same figures). Nothing is keyed to a
log or an activity name.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, special

sys.path.insert(0, str(Path(__file__).resolve().parent))
from handling_alternatives_data import CACHE, build, load  # noqa: E402

from rpa_scout.validation import EVENT_ID, compare, score  # noqa: E402

TIGHT = ("case", "person")
MIN_TIGHT = 5
GL_U, GL_W = np.polynomial.legendre.leggauss(40)
GL_U, GL_W = (GL_U + 1) / 2, GL_W / 2


# --- raw per-activity statistics (seconds) ------------------------------------------

def basis(g: pd.DataFrame, bounds=TIGHT) -> np.ndarray:
    """Upper bounds of the activity's instances: tight ones, or all bounded, or all finite."""
    fin = g[np.isfinite(g.upper) & (g.bound != "batch")]
    for level in (fin[fin.bound.isin(bounds)], fin[fin.bound != "none"], fin):
        if len(level) >= (MIN_TIGHT if level is not fin else 1):
            return level.upper.to_numpy(float)
    return np.array([])


def s_mean(g):
    b = basis(g)
    return b.mean() if len(b) else np.nan


def s_person(g):
    p = g[np.isfinite(g.upper) & (g.bound == "person")]
    b = p.upper.to_numpy(float) if len(p) >= MIN_TIGHT else basis(g)
    return b.mean() if len(b) else np.nan


def s_median(g):
    b = basis(g)
    return np.median(b) if len(b) else np.nan


def _gmm2(b):
    from sklearn.mixture import GaussianMixture
    x = np.log(np.clip(b, 1.0, None)).reshape(-1, 1)
    if len(x) < 20:
        return None
    best = {}
    for m in (1, 2):
        gm = GaussianMixture(m, n_init=3, random_state=0).fit(x)
        best[m] = (gm.bic(x), gm)
    return best


def s_gmm_lower(g):
    """Lower component of a 2-Gaussian mixture on log gaps (lognormal mean)."""
    b = basis(g)
    fits = _gmm2(b) if len(b) else None
    if fits is None:
        return b.mean() if len(b) else np.nan
    gm = fits[2][1]
    i = int(np.argmin(gm.means_.ravel()))
    mu, var = gm.means_.ravel()[i], gm.covariances_.ravel()[i]
    return float(np.exp(mu + var / 2))


def s_gmm_bic(g):
    """Mean of the gaps when one component fits better (BIC); else the lower component's
    posterior-weighted mean of the gaps."""
    b = basis(g)
    fits = _gmm2(b) if len(b) else None
    if fits is None:
        return b.mean() if len(b) else np.nan
    if fits[1][0] <= fits[2][0]:
        return b.mean()
    gm = fits[2][1]
    x = np.log(np.clip(b, 1.0, None)).reshape(-1, 1)
    w = gm.predict_proba(x)[:, int(np.argmin(gm.means_.ravel()))]
    return float((w * b).sum() / w.sum())


# --- gamma service + zero-inflated exponential idle (latent waiting + service) --------

def _conv_logpdf(x, k, theta, p, mu):
    """log density of S + I, S ~ Gamma(k, theta), I = 0 w.p. p else Exp(mean mu)."""
    x = np.clip(x, 1.0, None)
    k, theta, p, mu = (np.broadcast_to(np.asarray(v, float), x.shape) for v in (k, theta, p, mu))
    lg = (k - 1) * np.log(x) - x / theta - special.gammaln(k) - k * np.log(theta)
    s = x[:, None] * GL_U[None, :] ** (1.0 / k[:, None])            # substitution w = s^k
    expo = -s / theta[:, None] - (x[:, None] - s) / mu[:, None]
    lc = (k * np.log(x) - np.log(k) + special.logsumexp(expo, axis=1, b=GL_W[None, :])
          - special.gammaln(k) - k * np.log(theta) - np.log(mu))
    return np.logaddexp(np.log(p) + lg, np.log1p(-p) + lc)


LN_T = np.linspace(np.log(1e-6), 0.0, 80)          # ln u grid for the lognormal convolution
LN_W = np.gradient(LN_T)


def _conv_logpdf_ln(x, m, sig, p, mu):
    """log density of S + I, S ~ LogNormal(m, sig), I = 0 w.p. p else Exp(mean mu)."""
    x = np.clip(x, 1.0, None)
    m, sig, p, mu = (np.broadcast_to(np.asarray(v, float), x.shape) for v in (m, sig, p, mu))
    lx = np.log(x)
    ll = -lx - np.log(sig) - 0.5 * np.log(2 * np.pi) - 0.5 * ((lx - m) / sig) ** 2
    ls = lx[:, None] + LN_T[None, :]                                  # ln s, s = x u
    s = np.exp(ls)
    lg = -ls - np.log(sig[:, None]) - 0.5 * np.log(2 * np.pi) - 0.5 * ((ls - m[:, None]) / sig[:, None]) ** 2
    expo = lg - (x[:, None] - s) / mu[:, None] + ls                   # g(s) e(x-s) s dln u
    lc = special.logsumexp(expo, axis=1, b=LN_W[None, :]) - np.log(mu)
    return np.logaddexp(np.log(p) + ll, np.log1p(-p) + lc)


def joint_ln(est: pd.DataFrame, rounds: int = 4, bounds=TIGHT) -> dict:
    """As :func:`joint_account` with a lognormal service per activity."""
    t = _sampled(est, bounds)
    acts, accs = t.activity.to_numpy(), t.resource.astype(str).to_numpy()
    x = t.upper.to_numpy(float)
    lx = np.log(np.clip(x, 1.0, None))
    A = {a: (np.mean(lx[acts == a]) - 0.5, 1.0) for a in np.unique(acts)}
    A, _ = _alternate(x, acts, accs, A, _conv_logpdf_ln, lambda z: (z[0], np.exp(z[1])),
                      lambda s: [s[0], np.log(s[1])], rounds)
    return {a: float(np.exp(A[a][0] + A[a][1] ** 2 / 2)) for a in A}


def _sampled(est: pd.DataFrame, bounds) -> pd.DataFrame:
    """The tightly bounded instances with an account, at most 1,500 per activity (so that
    big logs stay fast), in their order."""
    t = est[est.bound.isin(bounds) & np.isfinite(est.upper) & est.resource.notna()].copy()
    rng = np.random.default_rng(0)
    keep = np.concatenate([rng.permutation(ix)[:1500] for ix in t.groupby("activity").indices.values()])
    return t.iloc[np.sort(keep)]


def _alternate(x, acts, accs, A: dict, logpdf, service, start, rounds: int) -> tuple[dict, dict]:
    """Alternating maximum likelihood of gap = service(activity) + idle(account): each
    round fits every account's idle (p, mu), then every activity's service parameters.
    ``logpdf(x, s1, s2, p, mu)``; ``service(z)`` maps optimiser values to (s1, s2) and
    ``start(A[a])`` back. Groups of fewer than 5 gaps keep their start values."""
    R = {r: (0.5, max(np.mean(x[accs == r]) / 2, 1.0)) for r in np.unique(accs)}
    for _ in range(rounds):
        s1 = np.array([A[a][0] for a in acts]); s2 = np.array([A[a][1] for a in acts])
        for r in R:
            m = accs == r
            if m.sum() < 5:
                continue
            def nll(z, m=m):
                return -logpdf(x[m], s1[m], s2[m], special.expit(z[0]), np.exp(z[1])).sum()
            z = optimize.minimize(nll, [special.logit(np.clip(R[r][0], 1e-3, 1 - 1e-3)), np.log(R[r][1])],
                                  method="Nelder-Mead", options={"maxiter": 400}).x
            R[r] = (special.expit(z[0]), np.exp(z[1]))
        pp = np.array([R[r][0] for r in accs]); mu = np.array([R[r][1] for r in accs])
        for a in A:
            m = acts == a
            if m.sum() < 5:
                continue
            def nll(z, m=m):
                return -logpdf(x[m], *service(z), pp[m], mu[m]).sum()
            z = optimize.minimize(nll, start(A[a]), method="Nelder-Mead", options={"maxiter": 400}).x
            A[a] = service(z)
    return A, R


def _posterior_service(x, k, theta, p, mu):
    """E[S | S + I = x] under the model of :func:`_conv_logpdf`."""
    x = np.clip(x, 1.0, None)
    k, theta, p, mu = (np.broadcast_to(np.asarray(v, float), x.shape) for v in (k, theta, p, mu))
    lg = (k - 1) * np.log(x) - x / theta - special.gammaln(k) - k * np.log(theta)
    s = x[:, None] * GL_U[None, :] ** (1.0 / k[:, None])
    expo = -s / theta[:, None] - (x[:, None] - s) / mu[:, None]
    base = k * np.log(x) - np.log(k) - special.gammaln(k) - k * np.log(theta) - np.log(mu)
    lc = base + special.logsumexp(expo, axis=1, b=GL_W[None, :])
    lcs = base + special.logsumexp(expo, axis=1, b=GL_W[None, :] * s)   # ∫ s g(s) e(x - s) ds
    a, c = np.log(p) + lg, np.log1p(-p) + lc
    tot = np.logaddexp(a, c)
    return np.exp(a - tot) * x + np.exp(np.log1p(-p) + lcs - tot)


def _fit_conv(x, p=None, mu=None):
    """ML fit; p, mu arrays (per instance) fixed when given. Returns (k, theta[, p, mu])."""
    m = np.mean(x)
    if p is None:
        def nll(z):
            k, th, pp, mm = np.exp(z[0]), np.exp(z[1]), special.expit(z[2]), np.exp(z[3])
            return -_conv_logpdf(x, k, th, pp, mm).sum()
        z0 = [0.0, np.log(m / 2), 0.0, np.log(m / 2)]
        best = None
        for start in (z0, [np.log(0.5), np.log(m / 4), 1.0, np.log(m)], [np.log(2), np.log(m / 4), -1.0, np.log(m / 2)]):
            r = optimize.minimize(nll, start, method="Nelder-Mead", options={"maxiter": 1500, "xatol": 1e-3, "fatol": 1e-3})
            if best is None or r.fun < best.fun:
                best = r
        z = best.x
        return np.exp(z[0]), np.exp(z[1]), special.expit(z[2]), np.exp(z[3])

    def nll(z):
        return -_conv_logpdf(x, np.exp(z[0]), np.exp(z[1]), p, mu).sum()
    r = optimize.minimize(nll, [0.0, np.log(m / 2)], method="Nelder-Mead", options={"maxiter": 800})
    return np.exp(r.x[0]), np.exp(r.x[1])


def _sample(b, cap=1500, seed=0):
    if len(b) <= cap:
        return b
    return np.random.default_rng(seed).choice(b, cap, replace=False)


def s_conv(g):
    b = basis(g)
    if len(b) < 20:
        return b.mean() if len(b) else np.nan
    k, th, p, mu = _fit_conv(_sample(b))
    return k * th


def joint_account(est: pd.DataFrame, rounds: int = 4, bounds=TIGHT, by_bound: bool = False,
                  posterior: bool = False) -> dict:
    """Joint model: gap = service(activity) + idle(account); service ~ Gamma(k_a, theta_a),
    idle = 0 w.p. p_r else Exp(mu_r); fitted by alternating ML (tight bounds only).
    Returns activity → service mean (s)."""
    t = _sampled(est, bounds)
    acts, accs = t.activity.to_numpy(), t.resource.astype(str).to_numpy()
    if by_bound:
        accs = accs + "|" + t.bound.astype(str).to_numpy()
    x = t.upper.to_numpy(float)
    A = {a: (1.0, max(np.mean(x[acts == a]) / 2, 1.0)) for a in np.unique(acts)}
    A, R = _alternate(x, acts, accs, A, _conv_logpdf, lambda z: (np.exp(z[0]), np.exp(z[1])),
                      lambda s: [np.log(s[0]), np.log(s[1])], rounds)
    if posterior:
        kk = np.array([A[a][0] for a in acts]); th = np.array([A[a][1] for a in acts])
        pp = np.array([R[r][0] for r in accs]); mm = np.array([R[r][1] for r in accs])
        post = _posterior_service(x, kk, th, pp, mm)
        return {a: float(post[acts == a].mean()) for a in A}
    return {a: A[a][0] * A[a][1] for a in A}


# --- work sessions and batches (directions 1 and 3 of ../shared/notes/handling-time.md) --

def _otsu(x: np.ndarray, bins: int = 60) -> float:
    """Otsu's threshold of ``x``: the cut between two groups with the largest between-group
    variance (the valley of a two-mode histogram)."""
    h, e = np.histogram(x, bins=bins)
    c = (e[:-1] + e[1:]) / 2
    best, cut = -1.0, float(np.median(x))
    for i in range(1, len(c)):
        w0, w1 = h[:i].sum(), h[i:].sum()
        if w0 and w1:
            between = w0 * w1 * ((h[:i] * c[:i]).sum() / w0 - (h[i:] * c[i:]).sum() / w1) ** 2
            if between > best:
                best, cut = between, float(e[i])
    return cut


def with_sessions(f: pd.DataFrame) -> pd.DataFrame:
    """``f`` with each instance's gap since its account's previous completion (``pgap``)
    and the account's session threshold (``thr``): the valley of its log-gap histogram
    between 1 min and 24 h (8 h for accounts with fewer than 20 gaps)."""
    r = f[f.resource.notna()].sort_values(["resource", "end"], kind="stable")
    gap = pd.Series(np.nan, index=f.index)
    gap[r.index] = r.groupby("resource", sort=False)["end"].diff()
    thr = {}
    for account, g in gap.groupby(f.resource):
        x = np.log10(np.clip(g.dropna()[g.dropna() > 0], 60, None))
        x = x[x < np.log10(24 * 3600)]
        thr[account] = 10 ** _otsu(x) if len(x) >= 20 else 8 * 3600
    return f.assign(pgap=gap, thr=f.resource.map(thr))


def s_in_session(g):
    """Mean of the tight bounds inside a work session (gap below the account's threshold)."""
    t = g[np.isfinite(g.upper) & g.bound.isin(TIGHT) & (g.pgap <= g.thr)]
    return t.upper.mean() if len(t) >= MIN_TIGHT else s_mean(g)


def s_session_capped(g):
    """Mean of the tight bounds, each cut at its account's session threshold."""
    t = g[np.isfinite(g.upper) & g.bound.isin(TIGHT)]
    return np.minimum(t.upper, t.thr).mean() if len(t) >= MIN_TIGHT else s_mean(g)


def batches_split(f: pd.DataFrame) -> pd.DataFrame:
    """``f`` with a batch (an account's completions within seconds of each other) sharing
    its first item's upper bound equally, each item keeping the first one's bound kind."""
    f = f.copy()
    r = f[f.resource.notna()].sort_values(["resource", "end"], kind="stable")
    batch = (r.bound == "batch").to_numpy()
    group = pd.Series(np.cumsum(~batch | (r.resource != r.resource.shift()).to_numpy()))
    size = group.map(group.value_counts()).to_numpy()
    first = pd.DataFrame({"upper": np.where(batch, np.nan, r.upper.to_numpy()),
                          "bound": np.where(batch, None, r.bound.to_numpy())}).groupby(group).transform("first")
    f.loc[r.index, "upper"] = np.where(size > 1, first.upper.to_numpy() / size, r.upper.to_numpy())
    f.loc[r.index, "bound"] = np.where((size > 1) & batch, first.bound.to_numpy(), r.bound.to_numpy())
    return f


# --- scoring ---------------------------------------------------------------------------

def estimated_rows(f):
    return f[f.source.isin(["estimated", "estimated, no resource"])]


def raw_stats(f: pd.DataFrame, method) -> pd.Series:
    est = estimated_rows(f)
    if isinstance(method, tuple) and method[0] == "frame":   # ("frame", transform, statistic)
        return raw_stats(method[1](f), method[2])
    if isinstance(method, tuple):          # ("geo" | "min", method a, method b)
        a, b = raw_stats(f, method[1]), raw_stats(f, method[2])
        return np.sqrt(a * b) if method[0] == "geo" else np.minimum(a, b)
    if isinstance(method, dict):
        out = (joint_ln if method.get("lognormal") else joint_account)(
            est, **{k: v for k, v in method.items() if k != "lognormal"})
        fallback = est.groupby("activity").apply(s_mean)
        return pd.Series({a: out.get(a, fallback[a]) for a in fallback.index})
    return est.groupby("activity").apply(method)


def values(f, stats, scale):
    v = np.where(f.performer == "person", np.nan, 0.0)
    est = f.source.isin(["estimated", "estimated, no resource"]).to_numpy()
    v[est] = f.activity[est].map(stats).to_numpy(float) * scale
    return v


def truth_of(f):
    return f[f.truth_s.notna()][[EVENT_ID, "activity", "truth_s", "same_day"]]


def errors(f, stats):
    s = score(compare(truth_of(f), f, values(f, stats, 1.0))).per_activity
    s = s[s.estimate_min > 0]
    return np.log(s.estimate_min / s.truth_min).to_numpy()


def fit_scale(frames, stats):
    errs = [errors(frames[n], stats[n]) for n in frames]
    grid = np.round(np.arange(-3, 3.0001, 0.01), 2)
    loss = [np.mean([np.median(np.abs(e + g)) for e in errs]) for g in grid]
    return float(np.exp(grid[int(np.argmin(loss))]))


METHODS = {"mean of tight bounds (current)": s_mean, "mean of person bounds": s_person,
           "median of tight bounds": s_median, "GMM lower component": s_gmm_lower,
           "GMM by BIC, posterior-weighted": s_gmm_bic,
           "gamma service + zero-inflated exp idle": s_conv,
           "joint per-account idle + gamma service": {},
           "joint, idle per (account, bound)": {"by_bound": True},
           "joint, person bounds only": {"bounds": ("person",)},
           "joint, lognormal service": {"lognormal": True},
           "geometric mean of current and joint": ("geo", s_mean, {}),
           "geometric mean of person-bound mean and joint": ("geo", s_person, {}),
           "mean of tight bounds within work sessions": ("frame", with_sessions, s_in_session),
           "tight bounds cut at the session threshold": ("frame", with_sessions, s_session_capped),
           "batches share their first item's bound": ("frame", batches_split, s_mean)}


def main():
    if "--rebuild" in sys.argv or not CACHE.exists():
        build()
    data = load()
    frames = {n: d["frame"] for n, d in data.items()}
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    rows, per = [], []
    for label, method in METHODS.items():
        if only and not any(o.lower() in label.lower() for o in only):
            continue
        t0 = time.time()
        stats = {n: raw_stats(f, method) for n, f in frames.items()}
        for test in frames:
            train = {n: frames[n] for n in frames if n != test}
            k = fit_scale(train, {n: stats[n] for n in train})
            for kind, scale in (("LOLO scale", k), ("scale 1", 1.0)):
                s = score(compare(truth_of(frames[test]), frames[test], values(frames[test], stats[test], scale)))
                rows.append(dict(method=label, kind=kind, log=test, scale=round(scale, 2),
                                 median_ape=s.median_ape, total=s.total_ratio, activities=s.activities))
                if kind == "LOLO scale":
                    per.append(s.per_activity.assign(method=label, log=test))
        print(f"{label}: {time.time() - t0:.0f}s", file=sys.stderr)
    table = pd.DataFrame(rows)
    pd.set_option("display.width", 250)
    wide = table.pivot_table(index=["method", "kind"], columns="log", values=["median_ape", "total", "scale"],
                             sort=False)
    print(wide.round(2).to_string())
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(CACHE.parent / "table.csv", index=False)
    pd.concat(per).to_csv(CACHE.parent / "per_activity.csv", index=False)


if __name__ == "__main__":
    main()
