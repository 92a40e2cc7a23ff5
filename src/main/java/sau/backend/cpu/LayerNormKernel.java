package sau.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Layer normalisation over the rows of a contiguous {@code [rows, n]} block (Ba et al., 2016):
 * each row is shifted to mean 0 and scaled to variance 1, then scaled by γ and shifted by β,
 * both per column:
 * <pre>
 *   μ = (1/n)·Σ x_j,  σ² = (1/n)·Σ (x_j − μ)²,  r = 1/√(σ² + ε),  x̂_j = (x_j − μ)·r,  y_j = γ_j·x̂_j + β_j
 * </pre>
 * Forward is one fused pass per row (statistics, then the normalised output); it saves μ and
 * r per row for the backward pass. Backward, with g = dL/dy and ĝ_j = γ_j·g_j:
 * <pre>
 *   dL/dx_j = r·(ĝ_j − mean(ĝ) − x̂_j·mean(ĝ·x̂)),   dL/dγ_j = Σ_rows g_j·x̂_j,   dL/dβ_j = Σ_rows g_j
 * </pre>
 * The row loops run in parallel over rows; the γ and β gradients in parallel over blocks of
 * columns, each summing its columns over all rows in order, so the result never depends on the
 * number of threads.
 */
public final class LayerNormKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private LayerNormKernel() {}

    /** y = LayerNorm(x); fills {@code mean} and {@code rstd} (one per row). */
    public static void forward(float[] x, int xOff, float[] gamma, float[] beta, float[] y, float[] mean, float[] rstd, int rows, int n, float eps) {
        Parallel.forRange(rows, Math.max(1, Elementwise.GRAIN / Math.max(1, n)), (start, end) -> {
            for (int r = start; r < end; r++) forwardRow(x, xOff + r * n, gamma, beta, y, r * n, mean, rstd, r, n, eps);
        });
    }

    private static void forwardRow(float[] x, int xi, float[] gamma, float[] beta, float[] y, int yi, float[] mean, float[] rstd, int row, int n, float eps) {
        final float mu = sum(x, xi, n) / n;
        // variance from the centred values (two passes keep it accurate when |μ| ≫ σ)
        final FloatVector muv = FloatVector.broadcast(S, mu);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (final int bound = S.loopBound(n); i < bound; i += S.length()) {
            final FloatVector d = FloatVector.fromArray(S, x, xi + i).sub(muv);
            acc = d.fma(d, acc);
        }
        float var = Lanes.sum(acc);
        for (; i < n; i++) var += (x[xi + i] - mu) * (x[xi + i] - mu);
        final float r = (float) (1 / Math.sqrt(var / n + eps));
        mean[row] = mu;
        rstd[row] = r;
        final FloatVector rv = FloatVector.broadcast(S, r);
        i = 0;
        for (final int bound = S.loopBound(n); i < bound; i += S.length()) {
            final FloatVector xhat = FloatVector.fromArray(S, x, xi + i).sub(muv).mul(rv);
            xhat.fma(FloatVector.fromArray(S, gamma, i), FloatVector.fromArray(S, beta, i)).intoArray(y, yi + i);
        }
        for (; i < n; i++) y[yi + i] = (x[xi + i] - mu) * r * gamma[i] + beta[i];
    }

    /** dL/dx into {@code dx}, and dL/dγ, dL/dβ into {@code dgamma}, {@code dbeta} (overwritten). */
    public static void backward(float[] g, int gOff, float[] x, int xOff, float[] gamma, float[] mean, float[] rstd,
                                float[] dx, float[] dgamma, float[] dbeta, int rows, int n) {
        Parallel.forRange(rows, Math.max(1, Elementwise.GRAIN / Math.max(1, n)), (start, end) -> {
            for (int r = start; r < end; r++) backwardRow(g, gOff + r * n, x, xOff + r * n, gamma, mean[r], rstd[r], dx, r * n, n);
        });
        // dγ and dβ are sums over the rows, column by column: the threads split the columns, a
        // vector of them at a time, each summed down all the rows in registers.
        final int L = S.length();
        Parallel.forRange((n + L - 1) / L, 1, (v0, v1) -> {
            for (int c = v0 * L, end = Math.min(n, v1 * L); c < end; c += L) {
                if (c + L <= n) columnSums(g, gOff, x, xOff, mean, rstd, rows, n, c, dgamma, dbeta);
                else for (int col = c; col < n; col++) columnSum(g, gOff, x, xOff, mean, rstd, rows, n, col, dgamma, dbeta);
            }
        });
    }

    /** dγ and dβ of the L columns from c: {@code dγ_c = Σ_r g·(x − μ_r)·rstd_r}, {@code dβ_c = Σ_r g}, rows in order. */
    private static void columnSums(float[] g, int gOff, float[] x, int xOff, float[] mean, float[] rstd, int rows, int n, int c,
                                   float[] dgamma, float[] dbeta) {
        FloatVector dg = FloatVector.zero(S), db = FloatVector.zero(S);
        for (int r = 0; r < rows; r++) {
            final FloatVector gv = FloatVector.fromArray(S, g, gOff + r * n + c);
            dg = dg.add(gv.mul(FloatVector.fromArray(S, x, xOff + r * n + c).sub(mean[r])).mul(rstd[r]));
            db = db.add(gv);
        }
        dg.intoArray(dgamma, c);
        db.intoArray(dbeta, c);
    }

    /** The same for the single column c (the columns that do not fill a vector). */
    private static void columnSum(float[] g, int gOff, float[] x, int xOff, float[] mean, float[] rstd, int rows, int n, int c,
                                  float[] dgamma, float[] dbeta) {
        float dg = 0, db = 0;
        for (int r = 0; r < rows; r++) {
            final float gv = g[gOff + r * n + c];
            dg += gv * (x[xOff + r * n + c] - mean[r]) * rstd[r];
            db += gv;
        }
        dgamma[c] = dg;
        dbeta[c] = db;
    }

    private static void backwardRow(float[] g, int gi, float[] x, int xi, float[] gamma, float mu, float r, float[] dx, int di, int n) {
        final FloatVector muv = FloatVector.broadcast(S, mu), rv = FloatVector.broadcast(S, r);
        FloatVector sumG = FloatVector.zero(S), sumGX = FloatVector.zero(S);
        int i = 0;
        for (final int bound = S.loopBound(n); i < bound; i += S.length()) {
            final FloatVector gh = FloatVector.fromArray(S, g, gi + i).mul(FloatVector.fromArray(S, gamma, i));
            final FloatVector xhat = FloatVector.fromArray(S, x, xi + i).sub(muv).mul(rv);
            sumG = sumG.add(gh);
            sumGX = gh.fma(xhat, sumGX);
        }
        float sg = Lanes.sum(sumG), sgx = Lanes.sum(sumGX);
        for (; i < n; i++) {
            final float gh = g[gi + i] * gamma[i];
            sg += gh;
            sgx += gh * (x[xi + i] - mu) * r;
        }
        final float meanG = sg / n, meanGX = sgx / n;
        final FloatVector mg = FloatVector.broadcast(S, meanG), mgx = FloatVector.broadcast(S, meanGX);
        i = 0;
        for (final int bound = S.loopBound(n); i < bound; i += S.length()) {
            final FloatVector gh = FloatVector.fromArray(S, g, gi + i).mul(FloatVector.fromArray(S, gamma, i));
            final FloatVector xhat = FloatVector.fromArray(S, x, xi + i).sub(muv).mul(rv);
            gh.sub(mg).sub(xhat.mul(mgx)).mul(rv).intoArray(dx, di + i);
        }
        for (; i < n; i++) dx[di + i] = r * (g[gi + i] * gamma[i] - meanG - (x[xi + i] - mu) * r * meanGX);
    }

    private static float sum(float[] x, int xi, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (final int bound = S.loopBound(n); i < bound; i += S.length()) acc = acc.add(FloatVector.fromArray(S, x, xi + i));
        float s = Lanes.sum(acc);
        for (; i < n; i++) s += x[xi + i];
        return s;
    }

    /** The scalar reference of {@link #forward}, in double. */
    public static void forwardReference(float[] x, float[] gamma, float[] beta, float[] y, int rows, int n, float eps) {
        for (int r = 0; r < rows; r++) {
            final double mu = referenceMean(x, r, n), rs = referenceRstd(x, r, n, mu, eps);
            for (int j = 0; j < n; j++) y[r * n + j] = (float) ((x[r * n + j] - mu) * rs * gamma[j] + beta[j]);
        }
    }

    /** The scalar reference of {@link #backward}, in double, recomputing the statistics. */
    public static void backwardReference(float[] g, float[] x, float[] gamma, float[] dx, float[] dgamma, float[] dbeta, int rows, int n, float eps) {
        java.util.Arrays.fill(dgamma, 0);
        java.util.Arrays.fill(dbeta, 0);
        for (int r = 0; r < rows; r++) {
            final double mu = referenceMean(x, r, n), rs = referenceRstd(x, r, n, mu, eps);
            double sg = 0, sgx = 0;
            for (int j = 0; j < n; j++) {
                final double xhat = (x[r * n + j] - mu) * rs;
                sg += g[r * n + j] * gamma[j];
                sgx += g[r * n + j] * gamma[j] * xhat;
                dgamma[j] += (float) (g[r * n + j] * xhat);
                dbeta[j] += g[r * n + j];
            }
            for (int j = 0; j < n; j++) {
                final double xhat = (x[r * n + j] - mu) * rs;
                dx[r * n + j] = (float) (rs * (g[r * n + j] * gamma[j] - sg / n - xhat * sgx / n));
            }
        }
    }

    private static double referenceMean(float[] x, int row, int n) {
        double mu = 0;
        for (int j = 0; j < n; j++) mu += x[row * n + j];
        return mu / n;
    }

    private static double referenceRstd(float[] x, int row, int n, double mu, float eps) {
        double var = 0;
        for (int j = 0; j < n; j++) var += (x[row * n + j] - mu) * (x[row * n + j] - mu);
        return 1 / Math.sqrt(var / n + eps);
    }
}
