// The pointwise activations of sau.backend.cpu.Activation, forward y = f(x) and backward
// gx = g·f'(x), with the formulas of sau.backend.cpu.ActivationKernels (CUDA's expf, erff, log1pf
// and tanhf in place of its own exp, erf, log1p and tanh). The activation codes are the enum's
// ordinals, in order; p and q are its parameters (see Activation).
//
// Each kernel picks the activation once, then runs a grid-stride loop over float4s when every
// pointer is 16-byte aligned, and one over the remaining n % 4 elements (or all of them when a
// pointer is not aligned). Element i is read and written by the same thread, so forward may run
// in place (y == x), as batch norm's fused evaluation path does. PReLU, whose slope is a tensor
// with a gradient to reduce, is in sau.cu.
#include "common.cuh"

#define RELU 0
#define LEAKY_RELU 1
#define ELU 2
#define SOFTPLUS 3
#define SILU 4
#define GELU 5
#define GELU_TANH 6
#define RELU6 7
#define MISH 8
#define TANH 9
#define SIGMOID 10

#define SQRT1_2 0.70710678f
#define INV_SQRT_2PI 0.39894228f       // 1/√(2π)
#define K1 1.5957691f                  // GELU-tanh: 2u = x·(K1 + K3·x²)
#define K3 0x1.2444f2p-4f              // 1.5957691f * 0.044715f, rounded as Java rounds it
#define THREE_K3 0x1.b6676cp-3f        // 3f * K3
#define MISH_CLAMP 20.f

// Java's Math.max and Math.min against a number: NaN when x is NaN (fmaxf, fminf drop a NaN).
__device__ __forceinline__ float max_nan(float x, float b) {
    return isnan(x) ? x : fmaxf(x, b);
}

__device__ __forceinline__ float min_nan(float x, float b) {
    return isnan(x) ? x : fminf(x, b);
}

template <int F>
__device__ __forceinline__ float forward1(float x, float p, float q) {
    if constexpr (F == RELU) {
        return max_nan(x, 0.f);
    } else if constexpr (F == LEAKY_RELU) {
        return x > 0.f ? x : p * x;
    } else if constexpr (F == ELU) {
        return x > 0.f ? x : p * (expf(x) - 1.f);
    } else if constexpr (F == SOFTPLUS) {
        // (1/β)·(max(z, 0) + log1p(e^(−|z|))), z = βx; x itself above the threshold
        const float z = p * x;
        return z > q ? x : (max_nan(z, 0.f) + log1pf(expf(-fabsf(z)))) / p;
    } else if constexpr (F == SILU) {
        return x / (1.f + expf(-x));
    } else if constexpr (F == GELU) {
        return 0.5f * x * (1.f + erff(x * SQRT1_2));
    } else if constexpr (F == GELU_TANH) {
        // ½x(1 + tanh u) = x·σ(2u)
        const float k = x * fmaf(K3, x * x, K1);
        return x / (1.f + expf(-k));
    } else if constexpr (F == RELU6) {
        return isnan(x) ? x : fminf(fmaxf(x, 0.f), 6.f);
    } else if constexpr (F == MISH) {
        // tanh(softplus(x)) = m/(m + 2), m = e(e + 2), e = e^x, x clamped at 20 (where it is 1)
        const float e = expf(min_nan(x, MISH_CLAMP));
        const float m = e * (e + 2.f);
        return x * (m / (m + 2.f));
    } else if constexpr (F == TANH) {
        return tanhf(x);
    } else {
        return 1.f / (1.f + expf(-x));
    }
}

// g·f'(x); y is the forward output, which ELU, Tanh and Sigmoid read instead of recomputing.
template <int F>
__device__ __forceinline__ float backward1(float x, float y, float g, float p, float q) {
    if constexpr (F == RELU) {
        return x > 0.f ? g : 0.f;                     // 0 at the kink, as PyTorch
    } else if constexpr (F == LEAKY_RELU) {
        return x > 0.f ? g : p * g;
    } else if constexpr (F == ELU) {
        return x > 0.f ? g : g * (y + p);             // α·e^x = y + α
    } else if constexpr (F == SOFTPLUS) {
        const float z = p * x;
        return z > q ? g : g / (1.f + expf(-z));      // σ(βx)
    } else if constexpr (F == SILU) {
        const float s = 1.f / (1.f + expf(-x));       // σ(x)·(1 + x·(1 − σ(x)))
        return g * (s * fmaf(x, 1.f - s, 1.f));
    } else if constexpr (F == GELU) {
        // Φ(x) + x·φ(x), with e^(−x²/2) = e^(−v²), v = x/√2
        const float v = x * SQRT1_2;
        const float e = expf(-(v * v));
        const float cdf = 0.5f * (1.f + erff(v));
        return g * fmaf(x, e * INV_SQRT_2PI, cdf);
    } else if constexpr (F == GELU_TANH) {
        // s + x·s(1 − s)·d(2u)/dx, s = σ(2u), d(2u)/dx = K1 + 3·K3·x²
        const float x2 = x * x;
        const float s = 1.f / (1.f + expf(-(x * fmaf(K3, x2, K1))));
        const float dk = fmaf(THREE_K3, x2, K1);
        return g * fmaf(x * s, (1.f - s) * dk, s);
    } else if constexpr (F == RELU6) {
        return x > 0.f && x < 6.f ? g : 0.f;
    } else if constexpr (F == MISH) {
        // tanh(sp) + x·(1 − tanh²(sp))·σ(x) = m·d + 4x·e(1 + e)·d², d = 1/(m + 2)
        const float xc = min_nan(x, MISH_CLAMP);
        const float e = expf(xc);
        const float m = e * (e + 2.f);
        const float d = 1.f / (m + 2.f);
        return g * fmaf(4.f * xc * e * (1.f + e), d * d, m * d);
    } else if constexpr (F == TANH) {
        return g * fmaf(-y, y, 1.f);                  // 1 − y²
    } else {
        return g * (y * (1.f - y));                   // y(1 − y)
    }
}

__device__ __forceinline__ bool aligned16(const void* p) {
    return ((uintptr_t)p & 15) == 0;
}

template <int F>
__device__ void forward_all(const float* x, float* y, long n, float p, float q) {
    long tail = 0;  // where the one-by-one loop starts
    if (aligned16(x) && aligned16(y)) {
        const long quads = n >> 2;
        FOR_EACH(k, quads) {
            const float4 v = reinterpret_cast<const float4*>(x)[k];
            reinterpret_cast<float4*>(y)[k] = make_float4(forward1<F>(v.x, p, q), forward1<F>(v.y, p, q),
                                                          forward1<F>(v.z, p, q), forward1<F>(v.w, p, q));
        }
        tail = quads << 2;
    }
    FOR_EACH(k, n - tail) y[tail + k] = forward1<F>(x[tail + k], p, q);
}

template <int F>
__device__ void backward_all(const float* x, const float* y, const float* g, float* gx, long n, float p, float q) {
    long tail = 0;
    if (aligned16(x) && aligned16(y) && aligned16(g) && aligned16(gx)) {
        const long quads = n >> 2;
        FOR_EACH(k, quads) {
            const float4 xv = reinterpret_cast<const float4*>(x)[k];
            const float4 yv = reinterpret_cast<const float4*>(y)[k];
            const float4 gv = reinterpret_cast<const float4*>(g)[k];
            reinterpret_cast<float4*>(gx)[k] = make_float4(backward1<F>(xv.x, yv.x, gv.x, p, q), backward1<F>(xv.y, yv.y, gv.y, p, q),
                                                           backward1<F>(xv.z, yv.z, gv.z, p, q), backward1<F>(xv.w, yv.w, gv.w, p, q));
        }
        tail = quads << 2;
    }
    FOR_EACH(k, n - tail) gx[tail + k] = backward1<F>(x[tail + k], y[tail + k], g[tail + k], p, q);
}

#define EACH_ACTIVATION(CASE) \
    CASE(RELU) CASE(LEAKY_RELU) CASE(ELU) CASE(SOFTPLUS) CASE(SILU) CASE(GELU) \
    CASE(GELU_TANH) CASE(RELU6) CASE(MISH) CASE(TANH) CASE(SIGMOID)

// y[i] = f(x[i]) for i < n, both contiguous; y may be x.
extern "C" __global__ void activation_forward(int f, const float* x, float* y, long n, float p, float q) {
#define FORWARD_CASE(F) case F: forward_all<F>(x, y, n, p, q); break;
    switch (f) { EACH_ACTIVATION(FORWARD_CASE) }
#undef FORWARD_CASE
}

// gx[i] = g[i]·f'(x[i]) for i < n, all contiguous; y is the forward output (only ELU, Tanh and
// Sigmoid read it, but it must be a valid pointer to n floats: pass x when there is no output).
extern "C" __global__ void activation_backward(int f, const float* x, const float* y, const float* g, float* gx, long n, float p, float q) {
#define BACKWARD_CASE(F) case F: backward_all<F>(x, y, g, gx, n, p, q); break;
    switch (f) { EACH_ACTIVATION(BACKWARD_CASE) }
#undef BACKWARD_CASE
}
