// Reductions along one dimension of a contiguous tensor seen as [outer, len, inner]. Each output
// is summed by one thread (or one warp) in a fixed order, so results do not depend on the launch.
#include "common.cuh"

// inner > 1: one thread per output; neighbouring threads read neighbouring columns (coalesced).
extern "C" __global__ void sum_inner_f32(const float* x, float* y, int outer, int len, int inner) {
    FOR_EACH(o, (long)outer * inner) {
        const long a = o / inner, b = o % inner;
        const float* p = x + a * (long)len * inner + b;
        float s = 0.f;
        for (int k = 0; k < len; k++) s += p[(long)k * inner];
        y[o] = s;
    }
}

// inner == 1: one warp per row; each lane sums a strided share, then the warp adds the 32 sums.
extern "C" __global__ void sum_rows_f32(const float* x, float* y, int rows, int len) {
    const int lane = threadIdx.x & 31;
    const long warp = (blockIdx.x * (long)blockDim.x + threadIdx.x) >> 5;
    const long warps = ((long)gridDim.x * blockDim.x) >> 5;
    for (long r = warp; r < rows; r += warps) {
        const float* p = x + r * len;
        float s = 0.f;
        for (int k = lane; k < len; k += 32) s += p[k];
        for (int off = 16; off > 0; off >>= 1) s += __shfl_down_sync(0xffffffffu, s, off);
        if (lane == 0) y[r] = s;
    }
}

// The maximum along the dimension and its first index (NaN wins, as in PyTorch).
extern "C" __global__ void max_inner_f32(const float* x, float* y, float* index, int outer, int len, int inner) {
    FOR_EACH(o, (long)outer * inner) {
        const long a = o / inner, b = o % inner;
        const float* p = x + a * (long)len * inner + b;
        float best = p[0];
        int arg = 0;
        for (int k = 1; k < len && !isnan(best); k++) {
            const float v = p[(long)k * inner];
            if (v > best || isnan(v)) { best = v; arg = k; }
        }
        y[o] = best;
        index[o] = (float)arg;
    }
}
