// Elementwise kernels: fill, copies between layouts, and the unary and binary operations of
// sau.backend.cpu.UnaryOp and BinaryOp (the op codes are those enums' ordinals, in order).
#include "common.cuh"

extern "C" __global__ void fill_f32(float* x, long n, float value) {
    FOR_EACH(i, n) x[i] = value;
}

// dst[layout 1] = src[layout 0]: contiguous copies of strided views, broadcasts, slices.
extern "C" __global__ void copy_f32(const float* src, float* dst, long n, Layout3 l) {
    FOR_EACH(i, n) {
        long s, d, unused;
        offsets3(l, i, s, d, unused);
        dst[d] = src[s];
    }
}

extern "C" __global__ void add_into_f32(float* dst, const float* src, long n) {
    FOR_EACH(i, n) dst[i] += src[i];
}

__device__ __forceinline__ float binary(int op, float a, float b) {
    switch (op) {
        case 0: return a + b;
        case 1: return a - b;
        case 2: return a * b;
        case 3: return a / b;
        case 4: return (isnan(a) || isnan(b)) ? NAN : fmaxf(a, b);
        case 5: return (isnan(a) || isnan(b)) ? NAN : fminf(a, b);
        case 6: return powf(a, b);
        case 7: return a > b ? 1.f : 0.f;
        case 8: return a >= b ? 1.f : 0.f;
        case 9: return a < b ? 1.f : 0.f;
        case 10: return a <= b ? 1.f : 0.f;
        default: return a == b ? 1.f : 0.f;
    }
}

// out (contiguous) = a op b, a at layout 0 and b at layout 1 (broadcast strides allowed).
extern "C" __global__ void binary_f32(int op, const float* a, const float* b, float* out, long n, Layout3 l) {
    FOR_EACH(i, n) {
        long pa, pb, unused;
        offsets3(l, i, pa, pb, unused);
        out[i] = binary(op, a[pa], b[pb]);
    }
}

// The common case: both operands contiguous with the output's shape.
extern "C" __global__ void binary_dense_f32(int op, const float* a, const float* b, float* out, long n) {
    FOR_EACH(i, n) out[i] = binary(op, a[i], b[i]);
}

// One operand is a number passed by value: out = a op s, or s op a when scalarFirst.
extern "C" __global__ void binary_scalar_f32(int op, const float* a, float s, float* out, long n, int scalarFirst) {
    if (scalarFirst) { FOR_EACH(i, n) out[i] = binary(op, s, a[i]); }
    else { FOR_EACH(i, n) out[i] = binary(op, a[i], s); }
}

__device__ __forceinline__ float unary(int op, float x, float p, float q) {
    switch (op) {
        case 0: return -x;
        case 1: return expf(x);
        case 2: return logf(x);
        case 3: return sqrtf(x);
        case 4: return rsqrtf(x);
        case 5: return fabsf(x);
        case 6: return tanhf(x);
        case 7: return 1.f / (1.f + expf(-x));
        case 8: return erff(x);
        case 9: return powf(x, p);
        default: return isnan(x) ? x : fminf(fmaxf(x, p), q);
    }
}

extern "C" __global__ void unary_f32(int op, const float* x, float* y, long n, float p, float q) {
    FOR_EACH(i, n) y[i] = unary(op, x[i], p, q);
}

// out = cond != 0 ? a : b, the three at layouts 0, 1, 2.
extern "C" __global__ void where_f32(const float* cond, const float* a, const float* b, float* out, long n, Layout3 l) {
    FOR_EACH(i, n) {
        long pc, pa, pb;
        offsets3(l, i, pc, pa, pb);
        out[i] = cond[pc] != 0.f ? a[pa] : b[pb];
    }
}

// y[r, c] += bias[c] for a [rows, cols] matrix: the bias of a linear layer.
extern "C" __global__ void add_row_bias_f32(float* y, const float* bias, long rows, int cols) {
    FOR_EACH(i, rows * cols) y[i] += bias[i % cols];
}
