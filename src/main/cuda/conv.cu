// 2-D convolution over NCHW tensors (sau.backend.cuda.CudaConv): the data movement around the
// GEMMs of dense convolutions (im2col, its adjoint col2im, and the permutes between NCHW and the
// GEMMs' "channels × pixels" matrices), the bias, and the direct kernels of depthwise convolution.
//
// Column layout (as sau.backend.cpu.Im2col): a chunk of `images` consecutive images has a column
// matrix of inC·kh·kw rows and P = images·outH·outW columns, row-major (leading dimension P).
// Row (c·kh + ki)·kw + kj holds, for every output pixel, the input value that tap (ki, kj) of
// channel c reads there (zero in the padding); column n·outH·outW + oh·outW + ow is pixel
// (oh, ow) of image n of the chunk. The rows of one group's channels form one contiguous block.
#include "common.cuh"

// The sizes of one convolution, in the order of the fields of sau.backend.cpu.ConvGeometry.
struct ConvGeo {
    int batch, inC, inH, inW, outC, kh, kw, sh, sw, ph, pw, dh, dw, groups, outH, outW;
};

// Threads per block of the kernels that reduce within a block (launched with exactly this many).
#define REDUCE_BLOCK 256

// The sum of v over the block's REDUCE_BLOCK threads, by a fixed tree: the same bits every run.
// Every thread of the block must call it (it synchronizes); every thread gets the sum.
__device__ float block_sum(float v) {
    __shared__ float s[REDUCE_BLOCK];
    s[threadIdx.x] = v;
    __syncthreads();
    for (int half = REDUCE_BLOCK / 2; half > 0; half >>= 1) {
        if (threadIdx.x < half) s[threadIdx.x] += s[threadIdx.x + half];
        __syncthreads();
    }
    const float total = s[0];
    __syncthreads(); // s is written again by the next call
    return total;
}

// ---- dense convolution: im2col + GEMM ----------------------------------------------------------

// The column matrix of `images` images starting at x. One thread per (channel c, column j): it
// writes the kh·kw rows of channel c in column j; neighbouring threads write neighbouring columns.
extern "C" __global__ void im2col_f32(const float* x, float* cols, ConvGeo g, int images) {
    const int plane = g.outH * g.outW;
    const long P = (long)images * plane;
    FOR_EACH(i, (long)g.inC * P) {
        const int c = (int)(i / P);
        const long j = i % P;
        const int n = (int)(j / plane), p = (int)(j % plane);
        const int oh = p / g.outW, ow = p % g.outW;
        const float* xp = x + ((long)n * g.inC + c) * g.inH * g.inW;
        float* out = cols + (long)c * g.kh * g.kw * P + j;
        for (int ki = 0; ki < g.kh; ki++) {
            const int ih = oh * g.sh - g.ph + ki * g.dh;
            const bool rowInside = ih >= 0 && ih < g.inH;
            for (int kj = 0; kj < g.kw; kj++) {
                const int iw = ow * g.sw - g.pw + kj * g.dw;
                out[(long)(ki * g.kw + kj) * P] = rowInside && iw >= 0 && iw < g.inW ? xp[(long)ih * g.inW + iw] : 0.f;
            }
        }
    }
}

// The adjoint of im2col, as a gather: one thread per input pixel (n, c, ih, iw) of the chunk sums
// the column entries that were copied from it, taps in (ki, kj) order, and OVERWRITES dx. An
// entry of tap (ki, kj) at output (oh, ow) came from ih = oh·sh − ph + ki·dh, so for a given ih
// the tap reads it from oh = (ih + ph − ki·dh) / sh when that division is exact and in range.
extern "C" __global__ void col2im_f32(const float* cols, float* dx, ConvGeo g, int images) {
    const int plane = g.outH * g.outW;
    const long P = (long)images * plane;
    FOR_EACH(i, (long)images * g.inC * g.inH * g.inW) {
        const int iw = (int)(i % g.inW);
        long t = i / g.inW;
        const int ih = (int)(t % g.inH);
        t /= g.inH;
        const int c = (int)(t % g.inC), n = (int)(t / g.inC);
        float sum = 0.f;
        for (int ki = 0; ki < g.kh; ki++) {
            const int th = ih + g.ph - ki * g.dh;
            if (th < 0 || th % g.sh != 0) continue;
            const int oh = th / g.sh;
            if (oh >= g.outH) continue;
            for (int kj = 0; kj < g.kw; kj++) {
                const int tw = iw + g.pw - kj * g.dw;
                if (tw < 0 || tw % g.sw != 0) continue;
                const int ow = tw / g.sw;
                if (ow >= g.outW) continue;
                const long row = (long)(c * g.kh + ki) * g.kw + kj;
                sum += cols[row * P + (long)n * plane + oh * g.outW + ow];
            }
        }
        dx[i] = sum;
    }
}

// dw[i] = Σ_s partial[s·len + i], slices in order: the weight gradient from its slices' partial
// sums (see CudaConv.backwardWeight). One thread per weight.
extern "C" __global__ void sum_slices_f32(const float* partial, float* dw, int len, int slices) {
    FOR_EACH(i, len) {
        float s = 0.f;
        for (int k = 0; k < slices; k++) s += partial[(long)k * len + i];
        dw[i] = s;
    }
}

// NCHW y (`images` images of `channels` planes of `plane` pixels) = the GEMM product rows
// (channels × images·plane, as the columns), plus bias[k] when hasBias. The product may come in
// `slices` partial products, one after the other, added in order. One thread per element of y.
extern "C" __global__ void rows_to_nchw_f32(const float* rows, float* y, const float* bias, int hasBias, int channels, int plane, int images,
                                            int slices) {
    const long P = (long)images * plane, sliceLength = channels * P;
    FOR_EACH(i, (long)images * channels * plane) {
        const int p = (int)(i % plane);
        const long t = i / plane;
        const int k = (int)(t % channels), n = (int)(t / channels);
        const long at = k * P + (long)n * plane + p;
        float v = rows[at];
        for (int s = 1; s < slices; s++) v += rows[s * sliceLength + at];
        y[i] = hasBias ? v + bias[k] : v;
    }
}

// The inverse permute: rows (channels × images·plane) = NCHW y. One thread per element of y.
extern "C" __global__ void nchw_to_rows_f32(const float* y, float* rows, int channels, int plane, int images) {
    const long P = (long)images * plane;
    FOR_EACH(i, (long)images * channels * plane) {
        const int p = (int)(i % plane);
        const long t = i / plane;
        const int k = (int)(t % channels), n = (int)(t / channels);
        rows[k * P + (long)n * plane + p] = y[i];
    }
}

// y[n, k, p] += bias[k] for y of `n` elements [batch, channels, plane]. One thread per element.
extern "C" __global__ void add_bias_f32(float* y, const float* bias, int channels, int plane, long n) {
    FOR_EACH(i, n) y[i] += bias[(i / plane) % channels];
}

// The bias gradient, first pass: partial[k·parts + part] = the sum of dy[n, k, p] over the part's
// share of the flat index q = n·plane + p (parts equal shares, in order). One block per
// (channel, part): blockIdx.x = channel, blockIdx.y = part; the block's threads stride over the
// share and block_sum adds their sums.
extern "C" __global__ void bias_grad_partial_f32(const float* dy, float* partial, int batch, int channels, int plane, int parts) {
    const int k = blockIdx.x, part = blockIdx.y;
    const long total = (long)batch * plane;
    const long q0 = total * part / parts, q1 = total * (part + 1) / parts;
    float s = 0.f;
    for (long q = q0 + threadIdx.x; q < q1; q += REDUCE_BLOCK) {
        const long n = q / plane, p = q % plane;
        s += dy[(n * channels + k) * plane + p];
    }
    s = block_sum(s);
    if (threadIdx.x == 0) partial[(long)k * parts + part] = s;
}

// The bias gradient, second pass: db[k] = the parts' sums added in order. One thread per channel.
extern "C" __global__ void bias_grad_final_f32(const float* partial, float* db, int channels, int parts) {
    FOR_EACH(k, channels) {
        float s = 0.f;
        for (int part = 0; part < parts; part++) s += partial[k * parts + part];
        db[k] = s;
    }
}

// ---- depthwise convolution (groups == inC == outC): direct kernels --------------------------------

// y[n,c,oh,ow] = bias[c] + Σ_{ki,kj} w[c,ki,kj]·x[n, c, oh·sh − ph + ki·dh, ow·sw − pw + kj·dw].
// One thread per output element.
extern "C" __global__ void dw_forward_f32(const float* x, const float* w, const float* bias, int hasBias, float* y, ConvGeo g) {
    FOR_EACH(i, (long)g.batch * g.inC * g.outH * g.outW) {
        const int ow = (int)(i % g.outW);
        long t = i / g.outW;
        const int oh = (int)(t % g.outH);
        t /= g.outH;
        const int c = (int)(t % g.inC);
        const float* xp = x + t * g.inH * g.inW; // t = n·C + c: the input plane
        const float* wc = w + c * g.kh * g.kw;
        float acc = hasBias ? bias[c] : 0.f;
        for (int ki = 0; ki < g.kh; ki++) {
            const int ih = oh * g.sh - g.ph + ki * g.dh;
            if (ih < 0 || ih >= g.inH) continue;
            for (int kj = 0; kj < g.kw; kj++) {
                const int iw = ow * g.sw - g.pw + kj * g.dw;
                if (iw < 0 || iw >= g.inW) continue;
                acc += wc[ki * g.kw + kj] * xp[ih * g.inW + iw];
            }
        }
        y[i] = acc;
    }
}

// dx[n,c,ih,iw] = Σ w[c,ki,kj]·dy[n,c,oh,ow] over the taps and outputs that read (ih, iw), found as
// in col2im_f32. One thread per input element; dx is overwritten.
extern "C" __global__ void dw_backward_data_f32(const float* dy, const float* w, float* dx, ConvGeo g) {
    FOR_EACH(i, (long)g.batch * g.inC * g.inH * g.inW) {
        const int iw = (int)(i % g.inW);
        long t = i / g.inW;
        const int ih = (int)(t % g.inH);
        t /= g.inH;
        const int c = (int)(t % g.inC);
        const float* dyp = dy + t * g.outH * g.outW; // t = n·C + c: the output plane
        const float* wc = w + c * g.kh * g.kw;
        float sum = 0.f;
        for (int ki = 0; ki < g.kh; ki++) {
            const int th = ih + g.ph - ki * g.dh;
            if (th < 0 || th % g.sh != 0) continue;
            const int oh = th / g.sh;
            if (oh >= g.outH) continue;
            for (int kj = 0; kj < g.kw; kj++) {
                const int tw = iw + g.pw - kj * g.dw;
                if (tw < 0 || tw % g.sw != 0) continue;
                const int ow = tw / g.sw;
                if (ow >= g.outW) continue;
                sum += wc[ki * g.kw + kj] * dyp[oh * g.outW + ow];
            }
        }
        dx[i] = sum;
    }
}

// dw[c,ki,kj] = Σ_{n,oh,ow} dy[n,c,oh,ow]·x[n, c, oh·sh − ph + ki·dh, ow·sw − pw + kj·dw].
// One block per (channel, tap), blockIdx.x = c·kh·kw + tap (grid-stride over blocks): its threads
// stride over the flat index q = n·outH·outW + pixel, and block_sum adds their sums.
extern "C" __global__ void dw_backward_weight_f32(const float* x, const float* dy, float* dw, ConvGeo g) {
    const int taps = g.kh * g.kw, plane = g.outH * g.outW;
    const long total = (long)g.batch * plane;
    for (int b = blockIdx.x; b < g.inC * taps; b += gridDim.x) {
        const int c = b / taps, tap = b % taps, ki = tap / g.kw, kj = tap % g.kw;
        float s = 0.f;
        for (long q = threadIdx.x; q < total; q += REDUCE_BLOCK) {
            const long n = q / plane;
            const int p = (int)(q % plane), oh = p / g.outW, ow = p % g.outW;
            const int ih = oh * g.sh - g.ph + ki * g.dh, iw = ow * g.sw - g.pw + kj * g.dw;
            if (ih < 0 || ih >= g.inH || iw < 0 || iw >= g.inW) continue;
            const long plane_nc = n * g.inC + c;
            s += dy[plane_nc * plane + p] * x[(plane_nc * g.inH + ih) * g.inW + iw];
        }
        s = block_sum(s);
        if (threadIdx.x == 0) dw[b] = s;
    }
}
