// Pooling and upsampling over the planes of a contiguous [planes, inH, inW] block
// (sau.backend.cuda.CudaPool), with the rules of sau.backend.cpu.Pool2dKernel and UpsampleKernel.
//
// Every forward pass is one thread per output element. Every backward pass is a gather: one
// thread per input element sums, in output order, the gradients of the outputs that read it and
// overwrites its gradient. No atomics, and the sums are added in the order of the CPU kernels'
// scatters (outputs in row-major order), so they give the same bits.
#include "common.cuh"

// Sizes and windows of one pooling: window taps of output oh are rows oh·sh − ph + k·dh, k < kh
// (the same along W). Order of the fields as sau.backend.cuda.CudaPool.geometry.
struct PoolGeo {
    int planes, inH, inW, outH, outW, kh, kw, sh, sw, ph, pw, dh, dw;
};

// The outputs along one dimension whose window (stride s, padding p, extent `reach` from its
// start) may contain input i: a range [lo, hi] that holds them all (callers test each exactly).
__device__ __forceinline__ void candidates(int i, int s, int p, int reach, int out, int& lo, int& hi) {
    lo = max(0, (i + p - reach) / s); // the window of o ends at o·s − p + reach ≥ i; truncation only lowers lo
    hi = min(out - 1, (i + p) / s);   // and starts at o·s − p ≤ i
}

// ---- max pooling ---------------------------------------------------------------------------------

// y = the largest tap of the window inside the input, argmax = its flat index ih·inW + iw in the
// plane: the first largest, but a NaN wins (the last one), as on the CPU.
extern "C" __global__ void max_pool_forward_f32(const float* x, float* y, int* argmax, PoolGeo g) {
    FOR_EACH(i, (long)g.planes * g.outH * g.outW) {
        const int ow = (int)(i % g.outW);
        const long t = i / g.outW;
        const int oh = (int)(t % g.outH);
        const float* xp = x + (t / g.outH) * g.inH * g.inW;
        float best = -INFINITY;
        int bestAt = -1;
        for (int ki = 0; ki < g.kh; ki++) {
            const int ih = oh * g.sh - g.ph + ki * g.dh;
            if (ih < 0 || ih >= g.inH) continue;
            for (int kj = 0; kj < g.kw; kj++) {
                const int iw = ow * g.sw - g.pw + kj * g.dw;
                if (iw < 0 || iw >= g.inW) continue;
                const float v = xp[ih * g.inW + iw];
                if (bestAt < 0 || v > best || isnan(v)) {
                    best = v;
                    bestAt = ih * g.inW + iw;
                }
            }
        }
        y[i] = best;
        argmax[i] = bestAt;
    }
}

// gx[p, ih, iw] = Σ g[p, o] over the outputs o whose winner it was. One thread per input element.
extern "C" __global__ void max_pool_backward_f32(const float* grad, const int* argmax, float* gx, PoolGeo g) {
    FOR_EACH(i, (long)g.planes * g.inH * g.inW) {
        const int iw = (int)(i % g.inW);
        const long t = i / g.inW;
        const int ih = (int)(t % g.inH);
        const long out = (t / g.inH) * g.outH * g.outW; // the plane's first output
        const int at = ih * g.inW + iw;
        int oh0, oh1, ow0, ow1;
        candidates(ih, g.sh, g.ph, (g.kh - 1) * g.dh, g.outH, oh0, oh1);
        candidates(iw, g.sw, g.pw, (g.kw - 1) * g.dw, g.outW, ow0, ow1);
        float sum = 0.f;
        for (int oh = oh0; oh <= oh1; oh++) {
            for (int ow = ow0; ow <= ow1; ow++) {
                const long o = out + oh * g.outW + ow;
                if (argmax[o] == at) sum += grad[o];
            }
        }
        gx[i] = sum;
    }
}

// ---- average pooling -----------------------------------------------------------------------------

// Along one dimension, output o's window clipped to the input, [start, end), and its size clipped
// only to the padded input (what count_include_pad divides by): Pool2dKernel.AvgRanges.
__device__ __forceinline__ void avg_range(int o, int s, int p, int k, int in, int& start, int& end, int& padded) {
    const int first = o * s - p;
    const int paddedEnd = min(first + k, in + p);
    padded = paddedEnd - first;
    start = max(first, 0);
    end = min(paddedEnd, in);
}

// The divisor of output (oh, ow); 0 for a window with no tap inside the input.
__device__ __forceinline__ int avg_divisor(int oh, int ow, const PoolGeo& g, int countIncludePad) {
    int h0, h1, hp, w0, w1, wp;
    avg_range(oh, g.sh, g.ph, g.kh, g.inH, h0, h1, hp);
    avg_range(ow, g.sw, g.pw, g.kw, g.inW, w0, w1, wp);
    if (h0 >= h1 || w0 >= w1) return 0;
    return countIncludePad ? hp * wp : (h1 - h0) * (w1 - w0);
}

// y = (the sum of the window's taps inside the input) / divisor, 0 when the divisor is 0.
extern "C" __global__ void avg_pool_forward_f32(const float* x, float* y, PoolGeo g, int countIncludePad) {
    FOR_EACH(i, (long)g.planes * g.outH * g.outW) {
        const int ow = (int)(i % g.outW);
        const long t = i / g.outW;
        const int oh = (int)(t % g.outH);
        const float* xp = x + (t / g.outH) * g.inH * g.inW;
        int h0, h1, hp, w0, w1, wp;
        avg_range(oh, g.sh, g.ph, g.kh, g.inH, h0, h1, hp);
        avg_range(ow, g.sw, g.pw, g.kw, g.inW, w0, w1, wp);
        float sum = 0.f;
        for (int h = h0; h < h1; h++) {
            for (int w = w0; w < w1; w++) sum += xp[h * g.inW + w];
        }
        const int count = avg_divisor(oh, ow, g, countIncludePad);
        y[i] = count == 0 ? 0.f : sum / count;
    }
}

// gx[p, ih, iw] = Σ g[p, o] / divisor(o) over the outputs o whose clipped window holds (ih, iw).
extern "C" __global__ void avg_pool_backward_f32(const float* grad, float* gx, PoolGeo g, int countIncludePad) {
    FOR_EACH(i, (long)g.planes * g.inH * g.inW) {
        const int iw = (int)(i % g.inW);
        const long t = i / g.inW;
        const int ih = (int)(t % g.inH);
        const float* gp = grad + (t / g.inH) * g.outH * g.outW;
        int oh0, oh1, ow0, ow1;
        candidates(ih, g.sh, g.ph, g.kh - 1, g.outH, oh0, oh1);
        candidates(iw, g.sw, g.pw, g.kw - 1, g.outW, ow0, ow1);
        float sum = 0.f;
        for (int oh = oh0; oh <= oh1; oh++) {
            int h0, h1, hp;
            avg_range(oh, g.sh, g.ph, g.kh, g.inH, h0, h1, hp);
            if (ih < h0 || ih >= h1) continue;
            for (int ow = ow0; ow <= ow1; ow++) {
                int w0, w1, wp;
                avg_range(ow, g.sw, g.pw, g.kw, g.inW, w0, w1, wp);
                if (iw < w0 || iw >= w1) continue;
                const int count = avg_divisor(oh, ow, g, countIncludePad);
                if (count != 0) sum += gp[oh * g.outW + ow] / count;
            }
        }
        gx[i] = sum;
    }
}

// ---- adaptive average pooling --------------------------------------------------------------------

// Bin o of `out` over `in` positions: [⌊o·in/out⌋, ⌈(o+1)·in/out⌉).
__device__ __forceinline__ int bin_start(int o, int in, int out) { return (int)((long)o * in / out); }
__device__ __forceinline__ int bin_end(int o, int in, int out) { return (int)(((long)(o + 1) * in + out - 1) / out); }

// y = the mean of the bin.
extern "C" __global__ void adaptive_avg_forward_f32(const float* x, float* y, int planes, int inH, int inW, int outH, int outW) {
    FOR_EACH(i, (long)planes * outH * outW) {
        const int ow = (int)(i % outW);
        const long t = i / outW;
        const int oh = (int)(t % outH);
        const float* xp = x + (t / outH) * inH * inW;
        const int hs = bin_start(oh, inH, outH), he = bin_end(oh, inH, outH);
        const int ws = bin_start(ow, inW, outW), we = bin_end(ow, inW, outW);
        float sum = 0.f;
        for (int h = hs; h < he; h++) {
            for (int w = ws; w < we; w++) sum += xp[h * inW + w];
        }
        y[i] = sum / ((he - hs) * (we - ws));
    }
}

// gx[p, ih, iw] = Σ g[p, bin] / |bin| over the bins holding (ih, iw). Along one dimension these are
// bins ⌊i·out/in⌋ .. ⌈(i+1)·out/in⌉ − 1 (each is still tested).
extern "C" __global__ void adaptive_avg_backward_f32(const float* grad, float* gx, int planes, int inH, int inW, int outH, int outW) {
    FOR_EACH(i, (long)planes * inH * inW) {
        const int iw = (int)(i % inW);
        const long t = i / inW;
        const int ih = (int)(t % inH);
        const float* gp = grad + (t / inH) * outH * outW;
        const int oh0 = (int)((long)ih * outH / inH), oh1 = min(outH - 1, (int)(((long)(ih + 1) * outH + inH - 1) / inH) - 1);
        const int ow0 = (int)((long)iw * outW / inW), ow1 = min(outW - 1, (int)(((long)(iw + 1) * outW + inW - 1) / inW) - 1);
        float sum = 0.f;
        for (int oh = oh0; oh <= oh1; oh++) {
            const int hs = bin_start(oh, inH, outH), he = bin_end(oh, inH, outH);
            if (ih < hs || ih >= he) continue;
            for (int ow = ow0; ow <= ow1; ow++) {
                const int ws = bin_start(ow, inW, outW), we = bin_end(ow, inW, outW);
                if (iw < ws || iw >= we) continue;
                sum += gp[oh * outW + ow] / ((he - hs) * (we - ws));
            }
        }
        gx[i] = sum;
    }
}

// ---- upsampling ----------------------------------------------------------------------------------
//
// The coordinates come in a table computed on the CPU by UpsampleKernel's own functions (so that
// both devices round them alike), one block per dimension, integers stored as floats (exact below
// 2^24). Nearest: source[out], first[in], last[in]. Bilinear: i0[out], i1[out], w0[out], w1[out],
// first[in], last[in]. [first[i], last[i]] is the range of outputs that read input i (empty when
// first > last); the kernels still test each output of the range.

// Nearest forward: y[p, oh, ow] = x[p, source_h[oh], source_w[ow]].
extern "C" __global__ void nearest_forward_f32(const float* x, float* y, const float* th, const float* tw,
                                               int planes, int inH, int inW, int outH, int outW) {
    FOR_EACH(i, (long)planes * outH * outW) {
        const int ow = (int)(i % outW);
        const long t = i / outW;
        const int oh = (int)(t % outH);
        y[i] = x[(t / outH) * inH * inW + (int)th[oh] * inW + (int)tw[ow]];
    }
}

// Nearest backward: gx[p, ih, iw] = Σ g[p, oh, ow] over the outputs that copied it.
extern "C" __global__ void nearest_backward_f32(const float* grad, float* gx, const float* th, const float* tw,
                                                int planes, int inH, int inW, int outH, int outW) {
    const float* firstH = th + outH;
    const float* lastH = firstH + inH;
    const float* firstW = tw + outW;
    const float* lastW = firstW + inW;
    FOR_EACH(i, (long)planes * inH * inW) {
        const int iw = (int)(i % inW);
        const long t = i / inW;
        const int ih = (int)(t % inH);
        const float* gp = grad + (t / inH) * outH * outW;
        const int oh1 = (int)lastH[ih], ow0 = (int)firstW[iw], ow1 = (int)lastW[iw];
        float sum = 0.f;
        for (int oh = (int)firstH[ih]; oh <= oh1; oh++) {
            if ((int)th[oh] != ih) continue;
            for (int ow = ow0; ow <= ow1; ow++) {
                if ((int)tw[ow] == iw) sum += gp[oh * outW + ow];
            }
        }
        gx[i] = sum;
    }
}

// Bilinear forward: y = a0·(b0·x[i0h, i0w] + b1·x[i0h, i1w]) + a1·(b0·x[i1h, i0w] + b1·x[i1h, i1w]),
// with (a0, a1) the row weights and (b0, b1) the column weights of the output.
extern "C" __global__ void bilinear_forward_f32(const float* x, float* y, const float* th, const float* tw,
                                                int planes, int inH, int inW, int outH, int outW) {
    FOR_EACH(i, (long)planes * outH * outW) {
        const int ow = (int)(i % outW);
        const long t = i / outW;
        const int oh = (int)(t % outH);
        const float* xp = x + (t / outH) * inH * inW;
        const float* r0 = xp + (int)th[oh] * inW;
        const float* r1 = xp + (int)th[outH + oh] * inW;
        const float a0 = th[2 * outH + oh], a1 = th[3 * outH + oh];
        const int c0 = (int)tw[ow], c1 = (int)tw[outW + ow];
        const float b0 = tw[2 * outW + ow], b1 = tw[3 * outW + ow];
        y[i] = a0 * (b0 * r0[c0] + b1 * r0[c1]) + a1 * (b0 * r1[c0] + b1 * r1[c1]);
    }
}

// The weight with which output o (along one dimension) reads input i: w0 if i is its first source,
// plus w1 if i is its second (both at the last input, where i0 == i1).
__device__ __forceinline__ float bilinear_weight(const float* table, int out, int o, int i) {
    float w = 0.f;
    if ((int)table[o] == i) w += table[2 * out + o];
    if ((int)table[out + o] == i) w += table[3 * out + o];
    return w;
}

// Bilinear backward: gx[p, ih, iw] = Σ_{oh, ow} a(oh, ih)·b(ow, iw)·g[p, oh, ow].
extern "C" __global__ void bilinear_backward_f32(const float* grad, float* gx, const float* th, const float* tw,
                                                 int planes, int inH, int inW, int outH, int outW) {
    const float* firstH = th + 4 * outH;
    const float* lastH = firstH + inH;
    const float* firstW = tw + 4 * outW;
    const float* lastW = firstW + inW;
    FOR_EACH(i, (long)planes * inH * inW) {
        const int iw = (int)(i % inW);
        const long t = i / inW;
        const int ih = (int)(t % inH);
        const float* gp = grad + (t / inH) * outH * outW;
        const int oh1 = (int)lastH[ih], ow0 = (int)firstW[iw], ow1 = (int)lastW[iw];
        float sum = 0.f;
        for (int oh = (int)firstH[ih]; oh <= oh1; oh++) {
            const float a = bilinear_weight(th, outH, oh, ih);
            for (int ow = ow0; ow <= ow1; ow++) sum += a * bilinear_weight(tw, outW, ow, iw) * gp[oh * outW + ow];
        }
        gx[i] = sum;
    }
}
