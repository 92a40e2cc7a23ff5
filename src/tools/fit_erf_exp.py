#!/usr/bin/env python3
"""Fits the polynomial coefficients used by sau.backend.cpu.Erf and sau.backend.cpu.Exp.

Each fit is a weighted minimax fit found with Lawson's algorithm (iteratively reweighted
least squares), using mpmath for the function values. The coefficients are rounded to
float32 one at a time, lowest degree first, and the remaining ones are re-fitted after each
rounding so that the rounding errors partly cancel. Prints the Java constants.

    python3 src/tools/fit_erf_exp.py      (needs numpy and mpmath)
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40
ULP = 2.0 ** -24


def lawson(xs, f, w, powers, fixed, iters=400):
    """Minimises max |w * (f - fixed(x) - sum c_k x^k)| over xs for the free powers."""
    A = np.array([[x ** k for k in powers] for x in xs])
    rhs = np.array([fv - fixed(x) for x, fv in zip(xs, f)])
    wv = np.array(w)
    lam = np.full(len(xs), 1.0 / len(xs))
    for _ in range(iters):
        sw = np.sqrt(lam) * wv
        c, *_ = np.linalg.lstsq(A * sw[:, None], rhs * sw, rcond=None)
        err = np.abs((rhs - A @ c) * wv)
        lam = lam * err
        lam /= lam.sum()
    return c, err.max()


def fit_rounded(xs, f, w, degree):
    """Fits degree+1 coefficients, rounding them to float32 from the lowest up."""
    known = []
    for k in range(degree + 1):
        fixed = lambda x, kn=tuple(known): sum(c * x ** i for i, c in enumerate(kn))
        c, err = lawson(xs, f, w, list(range(k, degree + 1)), fixed)
        known.append(float(np.float32(c[0])))
    return known, err


def show(name, coeffs, err, unit):
    print(f"// {name}: max weighted error {err:.3g} {unit}")
    for i, c in enumerate(coeffs):
        print(f"    private static final float {name}{i} = {np.float32(c)!r}f;")


def main():
    # erf(x) = x + x * P(x^2) for |x| < 0.9: relative error in units of 2^-24. Fitting
    # erf(x)/x - 1 rather than erf(x)/x keeps the leading 1 exact in float.
    t = np.linspace(0.0, 0.81, 2500)
    f = [float(mp.erf(mp.sqrt(v)) / mp.sqrt(v)) if v > 0 else float(2 / mp.sqrt(mp.pi)) for v in t]
    coeffs, err = fit_rounded(t, [v - 1 for v in f], [1 / (v * ULP) for v in f], 5)
    show("P", coeffs, err, "ulp (relative)")

    # erfc(a) = exp(-a^2) * Q(a - 2.45) for 0.9 <= a <= 4: absolute error of erf in units of 2^-24.
    a = np.linspace(0.9, 4.0, 3000)
    f = [float(mp.erfc(v) * mp.exp(v * v)) for v in a]
    w = [float(mp.exp(-v * v)) / ULP for v in a]
    coeffs, err = fit_rounded(a - 2.45, f, w, 8)
    show("Q", coeffs, err, "ulp (absolute, of erf)")

    # exp(r) = 1 + r + r^2 * E(r) for |r| <= ln(2)/2: relative error in units of 2^-24.
    h = float(mp.log(2) / 2)
    r = np.linspace(-h, h, 4001)
    r = r[np.abs(r) > 1e-4]
    f = [float((mp.exp(v) - 1 - v) / v ** 2) for v in r]
    w = [float(v ** 2 / mp.exp(v)) / ULP for v in r]
    coeffs, err = fit_rounded(r, f, w, 4)
    show("E", coeffs, err, "ulp (relative)")


if __name__ == "__main__":
    main()
