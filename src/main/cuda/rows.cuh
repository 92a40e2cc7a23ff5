// Reductions over the threads that share one row, for the row-wise kernels of norm.cu and
// softmax.cu. A launch is either a warp per row (block 32 × R, row = blockIdx.x·R + threadIdx.y)
// or a block per row (block T × 1, T a multiple of 32, row = blockIdx.x). Every thread of the row
// gets the result, and the order of the operations is fixed by the launch shape alone, so a
// result is the same bits on every run.
#pragma once

struct SumOp {
    template <typename T> __device__ __forceinline__ T operator()(T a, T b) const { return a + b; }
};
struct MaxOp {
    __device__ __forceinline__ float operator()(float a, float b) const { return fmaxf(a, b); }
};

// `scratch` is 32 entries of shared memory, used only with a block per row.
template <typename T, typename Op>
__device__ __forceinline__ T row_reduce(T v, Op op, T* scratch) {
    // butterfly within the warp: after it every lane holds the same value
    for (int off = 16; off > 0; off >>= 1) v = op(v, __shfl_xor_sync(0xffffffffu, v, off));
    if (blockDim.x == 32) return v;
    const int warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    __syncthreads(); // the previous reduction's readers are done with scratch
    if ((threadIdx.x & 31) == 0) scratch[warp] = v;
    __syncthreads();
    T r = scratch[0];
    for (int w = 1; w < warps; w++) r = op(r, scratch[w]);
    return r;
}

// The row of this thread, or -1 past the last row (a whole warp or block stops together).
__device__ __forceinline__ long row_of_thread(long rows) {
    const long r = (long)blockIdx.x * blockDim.y + threadIdx.y;
    return r < rows ? r : -1;
}
