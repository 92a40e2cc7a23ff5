// Softmax and log-softmax over the rows of a contiguous [rows, n] block, and the losses built on
// them (cross entropy, negative log-likelihood), with the formulas of sau.backend.cpu.SoftmaxKernel
// and sau.ops.Losses. Row kernels run one row per warp or block (see rows.cuh).
// Targets are class indices stored as floats; `ignore` is the ignored class index.
#include "common.cuh"
#include "rows.cuh"

// Stable: the row's maximum is subtracted before exponentiating (0 for a fully masked row, so it
// stays NaN-free until the sum); log-softmax is x − max − log Σ e^(x−max).
extern "C" __global__ void softmax_forward(const float* x, float* y, long rows, int n, int log) {
    __shared__ float scratch[32];
    const long r = row_of_thread(rows);
    if (r < 0) return;
    const float* xr = x + r * n;
    float* yr = y + r * n;
    float mx = -INFINITY;
    for (int k = threadIdx.x; k < n; k += blockDim.x) mx = fmaxf(mx, xr[k]);
    mx = row_reduce(mx, MaxOp(), scratch);
    if (mx == -INFINITY) mx = 0.f;
    float s = 0.f;
    for (int k = threadIdx.x; k < n; k += blockDim.x) {
        const float e = expf(xr[k] - mx);
        yr[k] = e; // each thread rereads only what it wrote
        s += e;
    }
    const float sum = row_reduce(s, SumOp(), scratch);
    if (log) {
        const float shift = mx + logf(sum);
        for (int k = threadIdx.x; k < n; k += blockDim.x) yr[k] = xr[k] - shift;
    } else {
        const float inv = 1.f / sum;
        for (int k = threadIdx.x; k < n; k += blockDim.x) yr[k] *= inv;
    }
}

// dL/dx from dL/dy and the forward output y:
//   softmax:     dx_i = y_i·(g_i − Σ_j g_j·y_j)
//   log-softmax: dx_i = g_i − e^(y_i)·Σ_j g_j
extern "C" __global__ void softmax_backward(const float* y, const float* g, float* dx, long rows, int n, int log) {
    __shared__ double scratch[32];
    const long r = row_of_thread(rows);
    if (r < 0) return;
    const float* yr = y + r * n;
    const float* gr = g + r * n;
    double s = 0;
    for (int k = threadIdx.x; k < n; k += blockDim.x) s += log ? (double)gr[k] : (double)gr[k] * yr[k];
    const float total = (float)row_reduce(s, SumOp(), scratch);
    for (int k = threadIdx.x; k < n; k += blockDim.x) {
        dx[r * n + k] = log ? gr[k] - expf(yr[k]) * total : yr[k] * (gr[k] - total);
    }
}

// Cross entropy per row from log-probabilities [rows, C]: with label smoothing ε the target
// distribution is q = (1−ε)·onehot(t) + ε/C and the loss −Σ_c q_c·log p_c; 0 on ignored rows.
extern "C" __global__ void cross_entropy_rows(const float* logp, const float* target, float* loss, long rows, int C, float smoothing, int ignore) {
    __shared__ double scratch[32];
    const long r = row_of_thread(rows);
    if (r < 0) return;
    const int t = (int)target[r];
    double smooth = 0;
    if (smoothing != 0.f) {
        for (int k = threadIdx.x; k < C; k += blockDim.x) smooth += logp[r * C + k];
        smooth = row_reduce(smooth, SumOp(), scratch);
    }
    if (threadIdx.x == 0) {
        loss[r] = t == ignore ? 0.f : (float)((double)(-(1.f - smoothing) * logp[r * C + t]) - (double)(smoothing / C) * smooth);
    }
}

// dL/dlogits = scale·(p − q), one thread per element, 0 on ignored rows. The scale is the
// output gradient: g[row] for reduction NONE (reduction 2), else g[0], divided by the number of
// counted rows for MEAN (reduction 0).
__device__ __forceinline__ float loss_scale(const float* g, long row, int reduction, int counted) {
    return reduction == 2 ? g[row] : reduction == 0 ? g[0] / counted : g[0];
}

extern "C" __global__ void cross_entropy_backward(const float* logp, const float* target, const float* g, float* dx, long rows, int C,
                                                  float smoothing, int ignore, int reduction, int counted) {
    FOR_EACH(e, rows * C) {
        const long r = e / C;
        const int c = (int)(e % C);
        const int t = (int)target[r];
        if (t == ignore) {
            dx[e] = 0.f;
        } else {
            const float q = (c == t ? 1.f - smoothing : 0.f) + smoothing / C;
            dx[e] = loss_scale(g, r, reduction, counted) * (expf(logp[e]) - q);
        }
    }
}

// Negative log-likelihood per row: −logp[t], 0 on ignored rows (one thread per row).
extern "C" __global__ void nll_rows(const float* logp, const float* target, float* loss, long rows, int C, int ignore) {
    FOR_EACH(r, rows) {
        const int t = (int)target[r];
        loss[r] = t == ignore ? 0.f : -logp[r * C + t];
    }
}

// dL/dlogp: −scale at the target class, 0 elsewhere and on ignored rows (one thread per element).
extern "C" __global__ void nll_backward(const float* target, const float* g, float* dx, long rows, int C, int ignore, int reduction, int counted) {
    FOR_EACH(e, rows * C) {
        const long r = e / C;
        const int t = (int)target[r];
        dx[e] = t != ignore && (int)(e % C) == t ? -loss_scale(g, r, reduction, counted) : 0.f;
    }
}

// The total of n per-row losses in double (one block of threads), divided by `counted` for a
// mean (NaN when nothing was counted) or not for a sum.
extern "C" __global__ void loss_total(const float* loss, long n, float* out, int mean, int counted) {
    __shared__ double scratch[32];
    double s = 0;
    for (long k = threadIdx.x; k < n; k += blockDim.x) s += loss[k];
    s = row_reduce(s, SumOp(), scratch);
    if (threadIdx.x == 0) out[0] = !mean ? (float)s : counted == 0 ? NAN : (float)(s / counted);
}
