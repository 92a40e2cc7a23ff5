// The SAU activation and PReLU, forward and backward, on a contiguous tensor seen as
// [outer, channels, inner] with one α per channel (or one for all: channels = 1).
//
// SAU is LeakyReLU[α] convolved with a Gaussian of sharpness n; sau.backend.cpu.SauKernel derives
// every formula used here and rounds its constants the same way, so that the two agree to a few
// ulps. PReLU is SAU's limit n → ∞ (LeakyReLU with a trained slope per channel) and shares its
// layouts and its deterministic reduction of the slope gradient.
//
// How the work is split (struct ChannelLayout, chosen by sau.backend.cuda.CudaSau.Layout):
//  * segments: each (outer, channel) pair owns a contiguous run of `inner` elements with one α.
//    Block b takes chunk k = b % chunks (at most CHUNK elements) of segment b / chunks, reads its
//    α once, and walks the chunk in float4s when every pointer is 16-byte aligned. Used for one α
//    for all (the whole tensor is one segment) and for inner >= 1024 (convolution maps).
//  * columns: for a small inner (a linear layer's features, a 7×7 map) the tensor is a matrix of
//    `outer` rows by channels·inner columns; a thread takes one column over rowsPer rows, so its
//    α is fixed; the 32 threads of a warp read 32 neighbouring columns of a row (coalesced).
//
// The gradients of α and n are sums over many elements. No atomics: every thread adds up its own
// elements in a fixed order in double, a block adds up its threads in a fixed tree, and each
// partial sum has its own slot; channel_sums and sau_sum_n then add the slots in a fixed order.
// The same inputs (at the same alignment) give the same bits on every run.
//
// The α partial sums are laid out [groups][channels][per], which channel_sums reads:
//   segments: one per block b = (o·channels + c)·chunks + k     (groups = outer, per = chunks)
//   columns:  one per column j of each row chunk rc: rc·width + j (groups = row chunks, per = inner)
// The n partial sums are one per block.
#include "common.cuh"

#define BLOCK 256   // threads per block of every kernel here; CudaSau.BLOCK must be the same
#define CHUNK 8192  // elements per block in the segment layout: 32 per thread; CudaSau.CHUNK too
// Loads a thread issues before it computes on any of them (float4s in the segment layout, rows
// in the column layout): these kernels are memory-bound, and need many bytes in flight.
#define BATCH 4

struct ChannelLayout {
    int outer, channels, inner;
    int chunks;     // segments: blocks per segment, ceil(inner / CHUNK)
    int rowsPer;    // columns: rows per row chunk
    int colBlocks;  // columns: blocks per row chunk, ceil(channels·inner / BLOCK)
};

// ---- the sum of a block, in a fixed order ---------------------------------------------------

// Σ v over the block's BLOCK threads: a shuffle tree within each warp, then the warps' sums in
// order. The result is valid in thread 0. Every thread of the block must call it.
__device__ double block_sum(double v) {
    __shared__ double warps[BLOCK / 32];
    for (int off = 16; off > 0; off >>= 1) v += __shfl_down_sync(0xffffffffu, v, off);
    if ((threadIdx.x & 31) == 0) warps[threadIdx.x >> 5] = v;
    __syncthreads();
    double s = 0;
    if (threadIdx.x == 0) {
        for (int w = 0; w < BLOCK / 32; w++) s += warps[w];
    }
    __syncthreads();  // a second call may overwrite warps only once thread 0 has read them
    return s;
}

__device__ __forceinline__ bool aligned16(const void* p) {
    return ((uintptr_t)p & 15) == 0;
}

// ---- the elements: SAU and PReLU ------------------------------------------------------------

#define PAPER 0
#define EXACT 1
#define ZERO_CENTRED 2
#define SQRT_2_OVER_PI_F 0.7978846f  // (float) sqrt(2/π), SauKernel.C
#define SATURATED_Z2 87.f            // SauKernel.SATURATED_Z2: beyond it SAU is LeakyReLU exactly

// The constants of one n, computed in double and rounded to float as SauKernel computes them.
struct SauN {
    float n, zScale, k, invN, halfInvN, invN2, halfInvN2;
};

__device__ SauN sau_n(float n) {
    const double d = n;
    SauN c;
    c.n = n;
    c.zScale = (float)(d / 1.4142135623730951);         // n/√2
    c.k = (float)(0.7978845608028654 / (2.0 * d));      // (1/(2n))·sqrt(2/π)
    c.invN = (float)(1.0 / d);
    c.halfInvN = (float)(0.5 / d);
    c.invN2 = (float)(1.0 / (d * d));
    c.halfInvN2 = (float)(0.5 / (d * d));
    return c;
}

// SAU with one α, the formulas of SauKernel.forwardSegment, backwardSegment and its saturated
// fast path (z² > 87, where e^(−z²) is 0 and erf(z) is ±1 in float and G is s·x exactly).
struct Sau {
    int variant;
    SauN c;
    float a, hp, hm, k, pos, neg;

    __device__ Sau(float alpha, const SauN& n, int v) : variant(v), c(n), a(alpha) {
        hp = (1.f + a) / 2.f;
        hm = (1.f - a) / 2.f;
        k = v == EXACT ? (1.f - a) * n.k : n.k;  // the factor of e^(−z²) in G
        pos = hp + hm;                           // the saturated slopes, 1 and α as SauKernel rounds them
        neg = hp - hm;
    }

    // G(x) = x·s + k·e^(−z²), or x·(s + k·e^(−z²)) zero-centred, with s = (1+α)/2 + (1−α)/2·erf(z).
    __device__ __forceinline__ float forward(float x) const {
        const float z = x * c.zScale;
        const float z2 = z * z;
        if (z2 > SATURATED_Z2) return x * (x < 0.f ? neg : pos);
        const float e = expf(-z2);
        const float smooth = fmaf(erff(z), hm, hp);
        return variant == ZERO_CENTRED ? x * fmaf(k, e, smooth) : fmaf(x, smooth, k * e);
    }

    // Returns gradY·∂G/∂x; adds gradY·2·∂G/∂α to sa and gradY·∂G/∂n/nScale to sn (the constant
    // factors, 1/2 and nScale, are applied once to the sums; SauKernel's comment derives the
    // derivatives, with ce = sqrt(2/π)·e^(−z²) and xTail = x·(1 − erf(z))):
    //   PAPER         ∂x = s − (α/2)·n·x·ce         2∂α = xTail          ∂n/(−1/2) = ce·(α·x² + 1/n²)
    //   EXACT         ∂x = s                        2∂α = xTail − ce/n   ∂n/(−1/n²) = ce·(1−α)/2
    //   ZERO_CENTRED  ∂x = s + ce·(1/(2n) + n·x·((1−α)/2 − x/2))
    //                                               2∂α = xTail          ∂n = ce·x·(x·((1−α)/2 − x/2) − 1/(2n²))
    // Saturated: ∂x = 1 or α, 2∂α = 2x for x < 0 and 0 for x > 0, ∂n = 0.
    __device__ __forceinline__ float backward(float x, float g, double& sa, double& sn) const {
        const float z = x * c.zScale;
        const float z2 = z * z;
        if (z2 > SATURATED_Z2) {
            sa += (double)g * (x > 0.f ? 0.f : x + x);
            return g * (x < 0.f ? neg : pos);
        }
        const float erf = erff(z);
        const float ce = expf(-z2) * SQRT_2_OVER_PI_F;
        const float smooth = fmaf(erf, hm, hp);
        const float xTail = fmaf(-x, erf, x);
        if (variant == PAPER) {
            const float u = x * c.n;
            sa += (double)g * xTail;
            sn += (double)(g * ce) * fmaf(x * x, a, c.invN2);
            return g * fmaf(a * u * -0.5f, ce, smooth);
        }
        if (variant == EXACT) {
            sa += (double)g * fmaf(ce, -c.invN, xTail);
            sn += (double)(g * ce) * hm;
            return g * smooth;
        }
        const float u = x * c.n;
        const float hmMinusHalfX = hm - x * 0.5f;
        sa += (double)g * xTail;
        sn += (double)(g * ce * x) * fmaf(x, hmMinusHalfX, -c.halfInvN2);
        return g * fmaf(ce, fmaf(u, hmMinusHalfX, c.halfInvN), smooth);
    }
};

// PReLU with slope w, as PReluKernel: y = x for x > 0, w·x otherwise; the slope's gradient is
// Σ gradY·x over x < 0 (a NaN x adds nothing, as on the CPU). It has no n: sn stays 0.
struct Prelu {
    float w;

    __device__ __forceinline__ float forward(float x) const {
        return x > 0.f ? x : w * x;
    }

    __device__ __forceinline__ float backward(float x, float g, double& sw, double&) const {
        if (x < 0.f) sw += (double)g * x;
        return x > 0.f ? g : w * g;
    }
};

// ---- the segment layout ------------------------------------------------------------------

// The elements of this block: [start, start + len) of one channel.
struct Chunk {
    long start;
    int len;
    int channel;
};

__device__ __forceinline__ Chunk chunk_of(const ChannelLayout& l) {
    const long b = blockIdx.x;
    const long segment = b / l.chunks;
    const int k = (int)(b % l.chunks);
    Chunk ch;
    ch.start = segment * l.inner + (long)k * CHUNK;
    ch.len = min(CHUNK, l.inner - k * CHUNK);
    ch.channel = (int)(segment % l.channels);
    return ch;
}

// y = f(x) over this block's chunk; make(c) gives the element function of channel c.
template <class Make>
__device__ void forward_segments(const float* __restrict__ x, float* __restrict__ y, const ChannelLayout& l, Make make) {
    const Chunk ch = chunk_of(l);
    const auto f = make(ch.channel);
    const float* xs = x + ch.start;
    float* ys = y + ch.start;
    int tail = 0;  // where the one-by-one loop starts
    if (aligned16(xs) && aligned16(ys)) {
        const float4* x4 = reinterpret_cast<const float4*>(xs);
        float4* y4 = reinterpret_cast<float4*>(ys);
        const int quads = ch.len >> 2;
        for (int q0 = threadIdx.x; q0 < quads; q0 += BATCH * BLOCK) {
            float4 v[BATCH];
#pragma unroll
            for (int u = 0; u < BATCH; u++) {
                if (q0 + u * BLOCK < quads) v[u] = x4[q0 + u * BLOCK];
            }
#pragma unroll
            for (int u = 0; u < BATCH; u++) {
                if (q0 + u * BLOCK < quads) {
                    y4[q0 + u * BLOCK] = make_float4(f.forward(v[u].x), f.forward(v[u].y), f.forward(v[u].z), f.forward(v[u].w));
                }
            }
        }
        tail = quads << 2;
    }
    for (int i = tail + threadIdx.x; i < ch.len; i += BLOCK) ys[i] = f.forward(xs[i]);
}

// gx = g·f'(x) over this block's chunk; the block's sums go to partialA[b] and, unless
// partialN is null, partialN[b].
template <class Make>
__device__ void backward_segments(const float* __restrict__ x, const float* __restrict__ g, float* __restrict__ gx,
                                  float* partialA, float* partialN, const ChannelLayout& l, Make make) {
    const Chunk ch = chunk_of(l);
    const auto f = make(ch.channel);
    const float* xs = x + ch.start;
    const float* gs = g + ch.start;
    float* gxs = gx + ch.start;
    double sa = 0, sn = 0;
    int tail = 0;
    if (aligned16(xs) && aligned16(gs) && aligned16(gxs)) {
        const float4* x4 = reinterpret_cast<const float4*>(xs);
        const float4* g4 = reinterpret_cast<const float4*>(gs);
        float4* gx4 = reinterpret_cast<float4*>(gxs);
        const int quads = ch.len >> 2;
        for (int q0 = threadIdx.x; q0 < quads; q0 += BATCH * BLOCK) {
            float4 xv[BATCH], gv[BATCH];
#pragma unroll
            for (int u = 0; u < BATCH; u++) {
                if (q0 + u * BLOCK < quads) {
                    xv[u] = x4[q0 + u * BLOCK];
                    gv[u] = g4[q0 + u * BLOCK];
                }
            }
#pragma unroll
            for (int u = 0; u < BATCH; u++) {
                if (q0 + u * BLOCK < quads) {
                    float4 o;
                    o.x = f.backward(xv[u].x, gv[u].x, sa, sn);
                    o.y = f.backward(xv[u].y, gv[u].y, sa, sn);
                    o.z = f.backward(xv[u].z, gv[u].z, sa, sn);
                    o.w = f.backward(xv[u].w, gv[u].w, sa, sn);
                    gx4[q0 + u * BLOCK] = o;
                }
            }
        }
        tail = quads << 2;
    }
    for (int i = tail + threadIdx.x; i < ch.len; i += BLOCK) gxs[i] = f.backward(xs[i], gs[i], sa, sn);
    sa = block_sum(sa);
    if (threadIdx.x == 0) partialA[blockIdx.x] = (float)sa;
    if (partialN != nullptr) {
        sn = block_sum(sn);
        if (threadIdx.x == 0) partialN[blockIdx.x] = (float)sn;
    }
}

// ---- the column layout -------------------------------------------------------------------

// This thread's column j and the rows [r0, r1) of its row chunk rc.
struct Column {
    int rc, j, r0, r1;
};

__device__ __forceinline__ Column column_of(const ChannelLayout& l) {
    Column c;
    c.rc = blockIdx.x / l.colBlocks;
    c.j = (blockIdx.x % l.colBlocks) * BLOCK + threadIdx.x;
    c.r0 = c.rc * l.rowsPer;
    c.r1 = (int)min((long)l.outer, (long)c.r0 + l.rowsPer);
    return c;
}

template <class Make>
__device__ void forward_columns(const float* __restrict__ x, float* __restrict__ y, const ChannelLayout& l, Make make) {
    const int width = l.channels * l.inner;
    const Column c = column_of(l);
    if (c.j >= width) return;
    const auto f = make(c.j / l.inner);
    for (int r0 = c.r0; r0 < c.r1; r0 += BATCH) {
        float v[BATCH];
#pragma unroll
        for (int u = 0; u < BATCH; u++) {
            if (r0 + u < c.r1) v[u] = x[(long)(r0 + u) * width + c.j];
        }
#pragma unroll
        for (int u = 0; u < BATCH; u++) {
            if (r0 + u < c.r1) y[(long)(r0 + u) * width + c.j] = f.forward(v[u]);
        }
    }
}

// The column's α sum goes to partialA[rc·width + j]; the block's n sum to partialN[b] (unless null).
template <class Make>
__device__ void backward_columns(const float* __restrict__ x, const float* __restrict__ g, float* __restrict__ gx,
                                 float* partialA, float* partialN, const ChannelLayout& l, Make make) {
    const int width = l.channels * l.inner;
    const Column c = column_of(l);
    double sa = 0, sn = 0;
    if (c.j < width) {
        const auto f = make(c.j / l.inner);
        for (int r0 = c.r0; r0 < c.r1; r0 += BATCH) {
            float xv[BATCH], gv[BATCH];
#pragma unroll
            for (int u = 0; u < BATCH; u++) {
                if (r0 + u < c.r1) {
                    xv[u] = x[(long)(r0 + u) * width + c.j];
                    gv[u] = g[(long)(r0 + u) * width + c.j];
                }
            }
#pragma unroll
            for (int u = 0; u < BATCH; u++) {
                if (r0 + u < c.r1) gx[(long)(r0 + u) * width + c.j] = f.backward(xv[u], gv[u], sa, sn);
            }
        }
        partialA[(long)c.rc * width + c.j] = (float)sa;
    }
    if (partialN != nullptr) {  // the same for the whole block: every thread calls block_sum
        sn = block_sum(sn);
        if (threadIdx.x == 0) partialN[blockIdx.x] = (float)sn;
    }
}

// ---- the kernels -------------------------------------------------------------------------
// α (or w) holds one number per channel; n points to SAU's one n, read on the GPU so that a
// trained n needs no copy to the host. variant is SauVariant's ordinal.

extern "C" __global__ void sau_forward_segments(const float* x, float* y, const float* alpha, const float* n, int variant, ChannelLayout l) {
    const SauN c = sau_n(*n);
    forward_segments(x, y, l, [&](int ch) { return Sau(alpha[ch], c, variant); });
}

extern "C" __global__ void sau_forward_columns(const float* x, float* y, const float* alpha, const float* n, int variant, ChannelLayout l) {
    const SauN c = sau_n(*n);
    forward_columns(x, y, l, [&](int ch) { return Sau(alpha[ch], c, variant); });
}

extern "C" __global__ void sau_backward_segments(const float* x, const float* g, float* gx, const float* alpha, const float* n, int variant,
                                                 float* partialA, float* partialN, ChannelLayout l) {
    const SauN c = sau_n(*n);
    backward_segments(x, g, gx, partialA, partialN, l, [&](int ch) { return Sau(alpha[ch], c, variant); });
}

extern "C" __global__ void sau_backward_columns(const float* x, const float* g, float* gx, const float* alpha, const float* n, int variant,
                                                float* partialA, float* partialN, ChannelLayout l) {
    const SauN c = sau_n(*n);
    backward_columns(x, g, gx, partialA, partialN, l, [&](int ch) { return Sau(alpha[ch], c, variant); });
}

extern "C" __global__ void prelu_forward_segments(const float* x, float* y, const float* w, ChannelLayout l) {
    forward_segments(x, y, l, [&](int ch) { return Prelu{w[ch]}; });
}

extern "C" __global__ void prelu_forward_columns(const float* x, float* y, const float* w, ChannelLayout l) {
    forward_columns(x, y, l, [&](int ch) { return Prelu{w[ch]}; });
}

extern "C" __global__ void prelu_backward_segments(const float* x, const float* g, float* gx, const float* w, float* partialW, ChannelLayout l) {
    backward_segments(x, g, gx, partialW, nullptr, l, [&](int ch) { return Prelu{w[ch]}; });
}

extern "C" __global__ void prelu_backward_columns(const float* x, const float* g, float* gx, const float* w, float* partialW, ChannelLayout l) {
    backward_columns(x, g, gx, partialW, nullptr, l, [&](int ch) { return Prelu{w[ch]}; });
}

// ---- the second pass: adding up the partial sums -------------------------------------------

// Σ of channel c's partial sums, laid out [groups][channels][per]: each thread adds every
// BLOCK-th one in index order, then block_sum. Valid in thread 0.
__device__ double channel_sum(const float* partial, int channels, int groups, int per, int c) {
    const long count = (long)groups * per;
    double s = 0;
    for (long m = threadIdx.x; m < count; m += BLOCK) {
        s += partial[(m / per) * channels * per + (long)c * per + m % per];
    }
    return block_sum(s);
}

// grad[c] = scale · Σ the partial sums of channel c; one block per channel. scale is 1/2 for
// SAU's α (its sums are of 2·∂G/∂α) and 1 for PReLU.
extern "C" __global__ void channel_sums(const float* partial, float* grad, int channels, int groups, int per, float scale) {
    const double s = channel_sum(partial, channels, groups, per, blockIdx.x);
    if (threadIdx.x == 0) grad[blockIdx.x] = (float)(scale * s);
}

// gradN[0] = nScale · Σ the count partial sums of n (one block), with SauKernel's factor:
// −1/2 (PAPER), −1/n² (EXACT) or 1 (ZERO_CENTRED).
extern "C" __global__ void sau_sum_n(const float* partial, float* gradN, int count, const float* n, int variant) {
    const double s = channel_sum(partial, 1, 1, count, 0);
    if (threadIdx.x == 0) {
        const double d = *n;
        const double scale = variant == PAPER ? -0.5 : variant == EXACT ? -1.0 / (d * d) : 1.0;
        gradN[0] = (float)(scale * s);
    }
}
