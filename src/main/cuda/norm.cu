// Normalisation kernels: batch norm over the channels of a contiguous [N, C, inner] block, layer
// norm over the rows of a contiguous [rows, n] block, and L2 normalisation across the channels of
// an [N, C, plane] block. Every sum is taken in an order set by the shape alone (no atomics), so
// results are the same bits on every run. The formulas are those of sau.backend.cpu.BatchNormKernel,
// LayerNormKernel and sau.ops.L2Normalize.
#include "common.cuh"
#include "rows.cuh"

#define BN_BLOCK 256

// ---- batch norm ---------------------------------------------------------------------------
// Element (i, c, j) of [N, C, inner] is at (i·C + c)·inner + j; channel c owns m = N·inner of them.

// Block tree reduction of two doubles in shared memory; thread 0 ends up with the block's sums.
__device__ __forceinline__ void block_sum2(double& a, double& b) {
    __shared__ double sa[BN_BLOCK], sb[BN_BLOCK];
    sa[threadIdx.x] = a;
    sb[threadIdx.x] = b;
    __syncthreads();
    for (int half = BN_BLOCK / 2; half > 0; half >>= 1) {
        if (threadIdx.x < half) {
            sa[threadIdx.x] += sa[threadIdx.x + half];
            sb[threadIdx.x] += sb[threadIdx.x + half];
        }
        __syncthreads();
    }
    a = sa[0];
    b = sb[0];
}

// First level of a per-channel reduction: block (part, c) of a grid (parts, C) sums its share of
// channel c's m elements (every parts·BN_BLOCK-th run of BN_BLOCK, so reads are coalesced) in
// double and writes the two sums to partial[(c·parts + part)·2 + {0, 1}].
//   statistics (g == nullptr): Σ d and Σ d² with d = x − x[channel's first element] (the shift
//     keeps the two sums from being huge and nearly equal when |mean| ≫ std);
//   gradient sums: Σ g and Σ g·(x − mean[c]).
__device__ __forceinline__ void bn_partial(const float* x, const float* g, const float* mean, double* partial, int n, int C, int inner) {
    const int c = blockIdx.y, part = blockIdx.x, parts = gridDim.x;
    const long m = (long)n * inner;
    const float center = g == nullptr ? x[(long)c * inner] : mean[c];
    double sa = 0, sb = 0;
    for (long k = (long)part * BN_BLOCK + threadIdx.x; k < m; k += (long)parts * BN_BLOCK) {
        const long at = ((k / inner) * C + c) * inner + k % inner;
        const float d = x[at] - center;
        if (g == nullptr) {
            sa += d;
            sb += (double)d * d;
        } else {
            const float gv = g[at];
            sa += gv;
            sb += (double)gv * d;
        }
    }
    block_sum2(sa, sb);
    if (threadIdx.x == 0) {
        partial[((long)c * parts + part) * 2] = sa;
        partial[((long)c * parts + part) * 2 + 1] = sb;
    }
}

extern "C" __global__ void bn_partial_stats(const float* x, double* partial, int n, int C, int inner) {
    bn_partial(x, nullptr, nullptr, partial, n, C, inner);
}

extern "C" __global__ void bn_partial_grad(const float* x, const float* g, const float* mean, double* partial, int n, int C, int inner) {
    bn_partial(x, g, mean, partial, n, C, inner);
}

// Sums channel c's `parts` partial pairs in order (one thread per channel).
__device__ __forceinline__ void bn_total(const double* partial, int c, int parts, double& a, double& b) {
    a = 0;
    b = 0;
    for (int p = 0; p < parts; p++) {
        a += partial[((long)c * parts + p) * 2];
        b += partial[((long)c * parts + p) * 2 + 1];
    }
}

// Second level, training statistics, one thread per channel: the mean, the biased variance
// (σ² = Σd²/m − (Σd/m)²), invStd = 1/√(σ² + ε), and the running statistics moved towards the
// batch's: running ← (1 − momentum)·running + momentum·batch, the variance unbiased (·m/(m−1)).
extern "C" __global__ void bn_finish_stats(const double* partial, int parts, const float* x, int C, int inner, long m, float eps,
                                           float* mean, float* invStd, float* runningMean, int updateMean,
                                           float* runningVar, int updateVar, float momentum) {
    FOR_EACH(c, C) {
        double sum, sumSq;
        bn_total(partial, (int)c, parts, sum, sumSq);
        const float shift = x[c * inner];
        const double dMean = sum / m;
        const float mu = (float)(shift + dMean);
        const float var = (float)fmax(0.0, sumSq / m - dMean * dMean);
        mean[c] = mu;
        invStd[c] = (float)(1 / sqrt(var + (double)eps));
        const double keep = (double)(1.f - momentum);
        if (updateMean) runningMean[c] = (float)(keep * runningMean[c] + (double)momentum * mu);
        if (updateVar) runningVar[c] = (float)(keep * runningVar[c] + (double)momentum * ((double)m / (m - 1)) * var);
    }
}

// Second level, gradient sums, one thread per channel: sumG = Σg (dL/dβ), sumGXhat = Σg·x̂ (dL/dγ).
extern "C" __global__ void bn_finish_grad(const double* partial, int parts, const float* invStd, int C, float* sumG, float* sumGXhat) {
    FOR_EACH(c, C) {
        double sg, sgx;
        bn_total(partial, (int)c, parts, sg, sgx);
        sumG[c] = (float)sg;
        sumGXhat[c] = (float)(sgx * invStd[c]);
    }
}

// Evaluation statistics, one thread per channel: the running mean and 1/√(running_var + ε).
extern "C" __global__ void bn_eval_stats(const float* runningMean, const float* runningVar, float eps, float* mean, float* invStd, int C) {
    FOR_EACH(c, C) {
        mean[c] = runningMean[c];
        invStd[c] = (float)(1 / sqrt(runningVar[c] + (double)eps));
    }
}

// y = (x − mean_c)·γ_c·invStd_c + β_c, one thread per element (γ = 1, β = 0 when absent).
extern "C" __global__ void bn_normalize(const float* x, float* y, long total, int C, int inner, const float* mean, const float* invStd,
                                        const float* weight, int hasWeight, const float* bias, int hasBias) {
    FOR_EACH(e, total) {
        const int c = (int)((e / inner) % C);
        const float scale = (hasWeight ? weight[c] : 1.f) * invStd[c];
        const float beta = hasBias ? bias[c] : 0.f;
        y[e] = (x[e] - mean[c]) * scale + beta;
    }
}

// dL/dx, one thread per element, with a = γ·σ⁻¹:
//   training:   dx = g·a + (x − μ)·b + c,  b = −a·σ⁻¹·Σ(g·x̂)/m,  c = −a·Σg/m
//   evaluation: dx = g·a
extern "C" __global__ void bn_input_grad(const float* x, const float* g, float* dx, long total, int C, int inner, const float* mean,
                                         const float* invStd, const float* weight, int hasWeight, const float* sumG, const float* sumGXhat,
                                         long count, int training) {
    const double m = (double)count; // values per channel
    FOR_EACH(e, total) {
        const int ch = (int)((e / inner) % C);
        const float a = (hasWeight ? weight[ch] : 1.f) * invStd[ch];
        if (!training) {
            dx[e] = g[e] * a;
        } else {
            const float b = (float)(-a * invStd[ch] * (sumGXhat[ch] / m));
            const float c = (float)(-a * (sumG[ch] / m));
            dx[e] = g[e] * a + ((x[e] - mean[ch]) * b + c);
        }
    }
}

// ---- layer norm -----------------------------------------------------------------------------

// One row per warp or block (see rows.cuh): μ, r = 1/√(σ² + ε) saved per row, y = (x − μ)·r·γ + β.
extern "C" __global__ void ln_forward(const float* x, const float* gamma, const float* beta, float* y, float* mean, float* rstd,
                                      long rows, int n, float eps) {
    __shared__ float scratch[32];
    const long r = row_of_thread(rows);
    if (r < 0) return;
    const float* xr = x + r * n;
    float s = 0.f;
    for (int k = threadIdx.x; k < n; k += blockDim.x) s += xr[k];
    const float mu = row_reduce(s, SumOp(), scratch) / n;
    float q = 0.f; // variance from the centred values (accurate when |μ| ≫ σ)
    for (int k = threadIdx.x; k < n; k += blockDim.x) {
        const float d = xr[k] - mu;
        q += d * d;
    }
    const float var = row_reduce(q, SumOp(), scratch);
    const float rs = (float)(1 / sqrt((double)(var / n + eps)));
    if (threadIdx.x == 0) {
        mean[r] = mu;
        rstd[r] = rs;
    }
    for (int k = threadIdx.x; k < n; k += blockDim.x) y[r * n + k] = (xr[k] - mu) * rs * gamma[k] + beta[k];
}

// dL/dx, one row per warp or block: with ĝ = γ·g and x̂ = (x − μ)·r,
// dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)).
extern "C" __global__ void ln_backward_input(const float* g, const float* x, const float* gamma, const float* mean, const float* rstd,
                                             float* dx, long rows, int n) {
    __shared__ float scratch[32];
    const long r = row_of_thread(rows);
    if (r < 0) return;
    const float mu = mean[r], rs = rstd[r];
    const float* gr = g + r * n;
    const float* xr = x + r * n;
    float sg = 0.f, sgx = 0.f;
    // the product rounded once (__fmul_rn: no fused multiply-add), so that where x̂ = 0 the two
    // uses of γ·g below cancel exactly, as on the CPU
    for (int k = threadIdx.x; k < n; k += blockDim.x) {
        const float gh = __fmul_rn(gr[k], gamma[k]);
        sg += gh;
        sgx += gh * ((xr[k] - mu) * rs);
    }
    const float meanG = row_reduce(sg, SumOp(), scratch) / n;
    const float meanGX = row_reduce(sgx, SumOp(), scratch) / n;
    for (int k = threadIdx.x; k < n; k += blockDim.x) {
        const float xhat = (xr[k] - mu) * rs;
        dx[r * n + k] = (__fmul_rn(gr[k], gamma[k]) - meanG - xhat * meanGX) * rs;
    }
}

// dL/dγ = Σ_rows g·x̂ and dL/dβ = Σ_rows g, first level: block (columns, part) of a grid
// (⌈n/256⌉, parts) sums rows [part·chunk, (part+1)·chunk) of its 256 columns, in row order, into
// partial[part·n + column] (γ) and partial[(parts + part)·n + column] (β).
extern "C" __global__ void ln_partial_param_grad(const float* g, const float* x, const float* mean, const float* rstd, float* partial,
                                                 long rows, int n, int chunk) {
    const int col = blockIdx.x * blockDim.x + threadIdx.x;
    const int part = blockIdx.y, parts = gridDim.y;
    if (col >= n) return;
    const long first = (long)part * chunk, last = min(rows, first + chunk);
    float dg = 0.f, db = 0.f;
    for (long r = first; r < last; r++) {
        const float gv = g[r * n + col];
        dg += gv * ((x[r * n + col] - mean[r]) * rstd[r]);
        db += gv;
    }
    partial[(long)part * n + col] = dg;
    partial[(long)(parts + part) * n + col] = db;
}

// Second level, one thread per column: the parts' sums added in order.
extern "C" __global__ void ln_finish_param_grad(const float* partial, int parts, int n, float* dgamma, float* dbeta) {
    FOR_EACH(col, n) {
        float dg = 0.f, db = 0.f;
        for (int p = 0; p < parts; p++) {
            dg += partial[(long)p * n + col];
            db += partial[(long)(parts + p) * n + col];
        }
        dgamma[col] = dg;
        dbeta[col] = db;
    }
}

// ---- L2 normalisation across channels --------------------------------------------------------
// [N, C, plane]: one thread per position (b, p), reading channel k at (b·C + k)·plane + p
// (neighbouring threads read neighbouring positions).

// y = x / max(‖x‖, ε), the divisor saved per position for the backward pass.
extern "C" __global__ void l2_forward(const float* x, float* y, float* divisor, int N, int C, int plane, float eps) {
    FOR_EACH(pos, (long)N * plane) {
        const long b = pos / plane, p = pos % plane;
        const float* xb = x + b * C * plane + p;
        double ss = 0;
        for (int k = 0; k < C; k++) ss += (double)xb[(long)k * plane] * xb[(long)k * plane];
        const float d = fmaxf((float)sqrt(ss), eps);
        divisor[pos] = d;
        for (int k = 0; k < C; k++) y[b * C * plane + (long)k * plane + p] = xb[(long)k * plane] / d;
    }
}

// dL/dx = (g − y·Σ_c g_c·y_c) / divisor where ‖x‖ > ε (the divisor is then above ε), g / ε where
// the divisor was clamped to the constant ε.
extern "C" __global__ void l2_backward(const float* g, const float* y, const float* divisor, float* dx, int N, int C, int plane, float eps) {
    FOR_EACH(pos, (long)N * plane) {
        const long base = (pos / plane) * C * plane + pos % plane;
        const float d = divisor[pos];
        double along = 0;
        if (d > eps) {
            for (int k = 0; k < C; k++) along += (double)g[base + (long)k * plane] * y[base + (long)k * plane];
        }
        for (int k = 0; k < C; k++) {
            const long i = base + (long)k * plane;
            dx[i] = (float)((g[i] - along * y[i]) / d);
        }
    }
}
