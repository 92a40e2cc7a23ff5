// Shared by every kernel file: the layout struct the Java side passes by value, and loops.
#pragma once
#include <stdint.h>

#define MAX_RANK 8

// Up to three operands over one index space of `rank` dimensions: element i (row-major over
// `shape`) of operand k is at offset sum_d idx_d * stride[k][d]. A stride of 0 broadcasts.
struct Layout3 {
    int rank;
    int shape[MAX_RANK];
    int stride[3][MAX_RANK];
};

__device__ __forceinline__ void offsets3(const Layout3& l, long i, long& o0, long& o1, long& o2) {
    o0 = o1 = o2 = 0;
    for (int d = l.rank - 1; d >= 0; d--) {
        const int n = l.shape[d];
        const long k = i % n;
        i /= n;
        o0 += k * l.stride[0][d];
        o1 += k * l.stride[1][d];
        o2 += k * l.stride[2][d];
    }
}

// A grid-stride loop: any grid size covers any n.
#define FOR_EACH(i, n) for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < (n); i += (long)gridDim.x * blockDim.x)
