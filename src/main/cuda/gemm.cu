// Matrix products C = op(A)·op(B) + beta·C for row-major matrices, batched over blockIdx.z.
// op(A) is m×k: A is stored m×k (lda ≥ k) or, when transposed, k×m (lda ≥ m); likewise B.
//
// Three kernels compute the same 128×128 tile of C per block of 256 threads:
//   sgemm_*    exact fp32 on the ordinary cores: each thread keeps an 8×8 block of C in
//              registers and reads A and B from shared memory as outer products;
//   tf32mma_*  the tensor cores, when every row of A and B starts on 16 bytes: each warp keeps a
//              64×32 block of C and multiplies operands rounded to TF32 (10-bit mantissa, fp32
//              range), accumulating in fp32 (PyTorch's allow_tf32; about 1e-3 relative error);
//   tf32gemm_* the same for any layout (a first convolution's 27-wide rows), one float per copy.
// Each loads the next tiles of A and B while it computes with the current one, so that memory
// latency hides behind arithmetic.
#include <mma.h>
#include "common.cuh"

using namespace nvcuda;

template <bool TA>
__device__ __forceinline__ float loadA(const float* a, int lda, int m, int k, int row, int col) {
    if (row >= m || col >= k) return 0.f;
    return TA ? a[(long)col * lda + row] : a[(long)row * lda + col];
}

template <bool TB>
__device__ __forceinline__ float loadB(const float* b, int ldb, int k, int n, int row, int col) {
    if (row >= k || col >= n) return 0.f;
    return TB ? b[(long)col * ldb + row] : b[(long)row * ldb + col];
}

__device__ __forceinline__ void storeC(float* c, int ldc, int m, int n, int row, int col, float v, float beta) {
    if (row < m && col < n) {
        float* p = c + (long)row * ldc + col;
        *p = beta == 0.f ? v : v + beta * *p;
    }
}

// The kernels' entry points: one per implementation and way of storing A and B (n: as is,
// t: transposed), e.g. tf32mma_nt; BOUNDS are the __launch_bounds__ (threads, blocks per SM).
#define GEMM_ENTRY(NAME, IMPL, BOUNDS, TA, TB)                                                                  \
    extern "C" __global__ void __launch_bounds__ BOUNDS NAME(int m, int n, int k, const float* a, int lda, long sA, \
        const float* b, int ldb, long sB, float beta, float* c, int ldc, long sC) {                               \
        IMPL<TA, TB>(m, n, k, a, lda, sA, b, ldb, sB, beta, c, ldc, sC);                                           \
    }
#define GEMM_ENTRIES(PREFIX, IMPL, BOUNDS)           \
    GEMM_ENTRY(PREFIX##nn, IMPL, BOUNDS, false, false) \
    GEMM_ENTRY(PREFIX##nt, IMPL, BOUNDS, false, true)  \
    GEMM_ENTRY(PREFIX##tn, IMPL, BOUNDS, true, false)  \
    GEMM_ENTRY(PREFIX##tt, IMPL, BOUNDS, true, true)

// ---- fp32: 128×128 tile, depth 8 per step, 8×8 per thread -----------------------------------

#define BM 128
#define BN 128
#define BK 8

template <bool TA, bool TB>
__device__ void sgemm(int m, int n, int k, const float* a, int lda, long strideA, const float* b, int ldb, long strideB,
                      float beta, float* c, int ldc, long strideC) {
    __shared__ float As[BK][BM + 4];
    __shared__ float Bs[BK][BN + 4];
    a += blockIdx.z * strideA;
    b += blockIdx.z * strideB;
    c += blockIdx.z * strideC;
    const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
    const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;

    // Which element of the A and B tiles each of this thread's 4 loads fetches: consecutive
    // threads read consecutive addresses, whichever way the matrix is stored.
    int ar[4], ak[4], bk[4], bc[4];
    for (int e = 0; e < 4; e++) {
        const int idx = tid + e * 256;
        if (TA) { ak[e] = idx / BM; ar[e] = idx % BM; } else { ar[e] = idx / BK; ak[e] = idx % BK; }
        if (TB) { bc[e] = idx / BK; bk[e] = idx % BK; } else { bk[e] = idx / BN; bc[e] = idx % BN; }
    }
    float nextA[4], nextB[4];
    for (int e = 0; e < 4; e++) {
        nextA[e] = loadA<TA>(a, lda, m, k, row0 + ar[e], ak[e]);
        nextB[e] = loadB<TB>(b, ldb, k, n, bk[e], col0 + bc[e]);
    }
    float acc[8][8] = {};
    for (int k0 = 0; k0 < k; k0 += BK) {
        for (int e = 0; e < 4; e++) {
            As[ak[e]][ar[e]] = nextA[e];
            Bs[bk[e]][bc[e]] = nextB[e];
        }
        __syncthreads();
        if (k0 + BK < k) {
            for (int e = 0; e < 4; e++) {
                nextA[e] = loadA<TA>(a, lda, m, k, row0 + ar[e], k0 + BK + ak[e]);
                nextB[e] = loadB<TB>(b, ldb, k, n, k0 + BK + bk[e], col0 + bc[e]);
            }
        }
        // Rows ty*4..+3 and 64+ty*4..+3, columns tx*4..+3 and 64+tx*4..+3: two float4 reads per
        // operand and step, spread so that a warp's reads hit distinct banks.
#pragma unroll
        for (int kk = 0; kk < BK; kk++) {
            float ra[8], rb[8];
            const float4 a0 = *reinterpret_cast<const float4*>(&As[kk][ty * 4]);
            const float4 a1 = *reinterpret_cast<const float4*>(&As[kk][64 + ty * 4]);
            const float4 b0 = *reinterpret_cast<const float4*>(&Bs[kk][tx * 4]);
            const float4 b1 = *reinterpret_cast<const float4*>(&Bs[kk][64 + tx * 4]);
            ra[0] = a0.x; ra[1] = a0.y; ra[2] = a0.z; ra[3] = a0.w; ra[4] = a1.x; ra[5] = a1.y; ra[6] = a1.z; ra[7] = a1.w;
            rb[0] = b0.x; rb[1] = b0.y; rb[2] = b0.z; rb[3] = b0.w; rb[4] = b1.x; rb[5] = b1.y; rb[6] = b1.z; rb[7] = b1.w;
#pragma unroll
            for (int i = 0; i < 8; i++)
#pragma unroll
                for (int j = 0; j < 8; j++) acc[i][j] = fmaf(ra[i], rb[j], acc[i][j]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < 8; i++) {
        const int row = row0 + (i < 4 ? ty * 4 + i : 64 + ty * 4 + i - 4);
#pragma unroll
        for (int j = 0; j < 8; j++) {
            const int col = col0 + (j < 4 ? tx * 4 + j : 64 + tx * 4 + j - 4);
            storeC(c, ldc, m, n, row, col, acc[i][j], beta);
        }
    }
}

GEMM_ENTRIES(sgemm_, sgemm, (256))

// ---- tf32 tensor cores: 128×128 tile, depth 32 per step, 8 warps of 64×32 --------------------
// The tiles go from global to shared memory by cp.async (the copy engine of Ampere and newer,
// which writes shared memory without passing through registers), into two buffers: the copy of
// the next tile runs while the tensor cores work on the current one.

#define TK 32
#define LDA_S (TK + 4)   // padded rows: wmma needs a multiple of 4 floats, the pad spreads banks
#define LDB_S (BN + 4)
#define TILE_FLOATS (BM * LDA_S + TK * LDB_S)

// Copies one float to shared memory asynchronously, or writes 0 there when !valid (src-size 0).
__device__ __forceinline__ void copyAsync(float* dst, const float* src, bool valid) {
    const unsigned s = (unsigned)__cvta_generic_to_shared(dst);
    asm volatile("cp.async.ca.shared.global [%0], [%1], 4, %2;\n" ::"r"(s), "l"(src), "r"(valid ? 4 : 0));
}

template <bool TA, bool TB>
__device__ __forceinline__ void loadTiles(float* As, float* Bs, const float* a, int lda, const float* b, int ldb,
                                          int m, int n, int k, int row0, int col0, int k0, int tid) {
    // Element e of this thread's 16 copies of each tile is placed so that consecutive threads
    // read consecutive addresses, whichever way the matrix is stored.
#pragma unroll
    for (int e = 0; e < 16; e++) {
        const int idx = tid + e * 256;
        const int r = TA ? idx % BM : idx / TK, kk = TA ? idx / BM : idx % TK;
        const int gr = row0 + r, gk = k0 + kk;
        const bool ok = gr < m && gk < k;
        copyAsync(As + r * LDA_S + kk, ok ? (TA ? a + (long)gk * lda + gr : a + (long)gr * lda + gk) : a, ok);
    }
#pragma unroll
    for (int e = 0; e < 16; e++) {
        const int idx = tid + e * 256;
        const int kk = TB ? idx % TK : idx / BN, cc = TB ? idx / TK : idx % BN;
        const int gk = k0 + kk, gc = col0 + cc;
        const bool ok = gk < k && gc < n;
        copyAsync(Bs + kk * LDB_S + cc, ok ? (TB ? b + (long)gc * ldb + gk : b + (long)gk * ldb + gc) : b, ok);
    }
    asm volatile("cp.async.commit_group;\n" ::);
}

template <bool TA, bool TB>
__device__ void tf32gemm(int m, int n, int k, const float* a, int lda, long strideA, const float* b, int ldb, long strideB,
                         float beta, float* c, int ldc, long strideC) {
    extern __shared__ __align__(128) float smem[]; // two buffers of [BM][LDA_S] A then [TK][LDB_S] B
    a += blockIdx.z * strideA;
    b += blockIdx.z * strideB;
    c += blockIdx.z * strideC;
    const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
    const int warpRow = (warp / 4) * 64, warpCol = (warp % 4) * 32;
    const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
    const int tiles = (k + TK - 1) / TK;

    wmma::fragment<wmma::accumulator, 16, 16, 8, float> acc[4][2];
#pragma unroll
    for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < 2; j++) wmma::fill_fragment(acc[i][j], 0.f);

    loadTiles<TA, TB>(smem, smem + BM * LDA_S, a, lda, b, ldb, m, n, k, row0, col0, 0, tid);
    for (int t = 0; t < tiles; t++) {
        float* As = smem + (t & 1) * TILE_FLOATS;
        float* Bs = As + BM * LDA_S;
        if (t + 1 < tiles) {
            float* nextA = smem + ((t + 1) & 1) * TILE_FLOATS;
            loadTiles<TA, TB>(nextA, nextA + BM * LDA_S, a, lda, b, ldb, m, n, k, row0, col0, (t + 1) * TK, tid);
            asm volatile("cp.async.wait_group 1;\n" ::); // this tile's copies are done, the next one's may run on
        } else {
            asm volatile("cp.async.wait_group 0;\n" ::);
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < TK; kk += 8) {
            wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fa[4];
            wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fb[2];
#pragma unroll
            for (int i = 0; i < 4; i++) {
                wmma::load_matrix_sync(fa[i], As + (warpRow + i * 16) * LDA_S + kk, LDA_S);
#pragma unroll
                for (int t2 = 0; t2 < fa[i].num_elements; t2++) fa[i].x[t2] = wmma::__float_to_tf32(fa[i].x[t2]);
            }
#pragma unroll
            for (int j = 0; j < 2; j++) {
                wmma::load_matrix_sync(fb[j], Bs + kk * LDB_S + warpCol + j * 16, LDB_S);
#pragma unroll
                for (int t2 = 0; t2 < fb[j].num_elements; t2++) fb[j].x[t2] = wmma::__float_to_tf32(fb[j].x[t2]);
            }
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 2; j++) wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
        }
        __syncthreads(); // everyone is done with this buffer before the copy after next overwrites it
    }
    // Each warp writes its fragments through a 16×16 staging square of shared memory, so that
    // edge tiles are cut at the matrix border and beta is applied per element.
    float* stage = smem + warp * 256;
#pragma unroll
    for (int i = 0; i < 4; i++) {
#pragma unroll
        for (int j = 0; j < 2; j++) {
            wmma::store_matrix_sync(stage, acc[i][j], 16, wmma::mem_row_major);
            __syncwarp();
            for (int e = lane; e < 256; e += 32) {
                storeC(c, ldc, m, n, row0 + warpRow + i * 16 + e / 16, col0 + warpCol + j * 16 + e % 16, stage[e], beta);
            }
            __syncwarp();
        }
    }
}

GEMM_ENTRIES(tf32gemm_, tf32gemm, (256))

// ---- tf32, 16-byte copies: the same tiles when every row of A and B starts on 16 bytes ----------
// Whole float4s go from global to shared memory, a quarter of the copies of the kernel above, and
// each operand keeps in shared memory the layout it has in global memory (k-major for a
// transposed A, n-major for a transposed B). Three stages: two tiles are in flight while the
// tensor cores work on a third.

#define STAGES 3
#define LD_SHORT (TK + 4)     // a row of 32 floats (+4: 144 bytes, still 16-byte aligned, banks spread)
#define LD_LONG (BM + 8)      // a row of 128 floats (+8: the fragment reads below hit 32 banks)
#define OPERAND_FLOATS (BM * LD_SHORT)  // ≥ TK * LD_LONG: room for either layout
#define STAGE_FLOATS (2 * OPERAND_FLOATS)

// Copies 16 bytes, of which the first `bytes` are read and the rest of the 16 written as zeros.
__device__ __forceinline__ void copyAsync16(float* dst, const float* src, int bytes) {
    const unsigned s = (unsigned)__cvta_generic_to_shared(dst);
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(s), "l"(src), "r"(bytes));
}

__device__ __forceinline__ int validBytes(int from, int end) {
    return 4 * max(0, min(4, end - from));
}

template <bool TA, bool TB>
__device__ __forceinline__ void loadTiles16(float* As, float* Bs, const float* a, int lda, const float* b, int ldb,
                                            int m, int n, int k, int row0, int col0, int k0, int tid) {
#pragma unroll
    for (int e = 0; e < 4; e++) {
        const int idx = tid + e * 256;
        if (TA) { // A stored k×m: 32 rows of k, 128 columns of m
            const int kk = idx / 32, q = 4 * (idx % 32);
            const bool ok = k0 + kk < k;
            copyAsync16(As + kk * LD_LONG + q, ok ? a + (long)(k0 + kk) * lda + row0 + q : a, ok ? validBytes(row0 + q, m) : 0);
        } else {  // A stored m×k: 128 rows of m, 32 columns of k
            const int r = idx / 8, q = 4 * (idx % 8);
            const bool ok = row0 + r < m;
            copyAsync16(As + r * LD_SHORT + q, ok ? a + (long)(row0 + r) * lda + k0 + q : a, ok ? validBytes(k0 + q, k) : 0);
        }
        if (TB) { // B stored n×k: 128 rows of n, 32 columns of k
            const int c = idx / 8, q = 4 * (idx % 8);
            const bool ok = col0 + c < n;
            copyAsync16(Bs + c * LD_SHORT + q, ok ? b + (long)(col0 + c) * ldb + k0 + q : b, ok ? validBytes(k0 + q, k) : 0);
        } else {  // B stored k×n: 32 rows of k, 128 columns of n
            const int kk = idx / 32, q = 4 * (idx % 32);
            const bool ok = k0 + kk < k;
            copyAsync16(Bs + kk * LD_LONG + q, ok ? b + (long)(k0 + kk) * ldb + col0 + q : b, ok ? validBytes(col0 + q, n) : 0);
        }
    }
}

// The tensor cores are driven by the PTX instruction mma.sync.m16n8k8 rather than wmma: each
// thread reads the elements the instruction assigns to it straight from shared memory, where the
// row lengths (36 and 136 floats) put the 32 lanes of every read on 32 different banks (with
// wmma's own fragment loads this kernel ran at 70 TFLOP/s on an H200, with these at 115).
// A warp computes 64×32 of C as 4×4 tiles of 16×8, with the k-loop over 8-deep slices.
// Fragment layout of m16n8k8 (PTX ISA), with g = lane / 4 and t = lane % 4:
//   A (16×8):  a0 (g, t), a1 (g+8, t), a2 (g, t+4), a3 (g+8, t+4)
//   B (8×8):   b0 (t, g), b1 (t+4, g)
//   C (16×8):  c0 (g, 2t), c1 (g, 2t+1), c2 (g+8, 2t), c3 (g+8, 2t+1)

__device__ __forceinline__ unsigned toTf32(float x) {
    unsigned r;
    asm("cvt.rna.tf32.f32 %0, %1;\n" : "=r"(r) : "f"(x));
    return r;
}

__device__ __forceinline__ void mma1688(float* c, const unsigned* a, const unsigned* b) {
    asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};\n"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

template <bool TA, bool TB>
__device__ void tf32mma(int m, int n, int k, const float* a, int lda, long strideA, const float* b, int ldb, long strideB,
                        float beta, float* c, int ldc, long strideC) {
    extern __shared__ __align__(128) float smem[];
    a += blockIdx.z * strideA;
    b += blockIdx.z * strideB;
    c += blockIdx.z * strideC;
    const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32, g = lane / 4, t = lane % 4;
    const int warpRow = (warp / 4) * 64, warpCol = (warp % 4) * 32;
    const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
    const int tiles = (k + TK - 1) / TK;
    // element (row, kk) of op(A) and (kk, col) of op(B) in a stage, in the layout loadTiles16 wrote
#define A_AT(As, row, kk) (TA ? (As)[(kk) * LD_LONG + (row)] : (As)[(row) * LD_SHORT + (kk)])
#define B_AT(Bs, kk, col) (TB ? (Bs)[(col) * LD_SHORT + (kk)] : (Bs)[(kk) * LD_LONG + (col)])

    float acc[4][4][4] = {};
#pragma unroll
    for (int s = 0; s < STAGES - 1; s++) {
        if (s < tiles) loadTiles16<TA, TB>(smem + s * STAGE_FLOATS, smem + s * STAGE_FLOATS + OPERAND_FLOATS, a, lda, b, ldb, m, n, k, row0, col0, s * TK, tid);
        asm volatile("cp.async.commit_group;\n" ::);
    }
    for (int tile = 0; tile < tiles; tile++) {
        asm volatile("cp.async.wait_group %0;\n" ::"n"(STAGES - 2));
        __syncthreads();
        const int next = tile + STAGES - 1;
        if (next < tiles) {
            float* stage = smem + (next % STAGES) * STAGE_FLOATS;
            loadTiles16<TA, TB>(stage, stage + OPERAND_FLOATS, a, lda, b, ldb, m, n, k, row0, col0, next * TK, tid);
        }
        asm volatile("cp.async.commit_group;\n" ::);
        const float* As = smem + (tile % STAGES) * STAGE_FLOATS;
        const float* Bs = As + OPERAND_FLOATS;
#pragma unroll
        for (int kk = 0; kk < TK; kk += 8) {
            unsigned fa[4][4], fb[4][2];
#pragma unroll
            for (int i = 0; i < 4; i++) {
                const int r = warpRow + i * 16 + g;
                fa[i][0] = toTf32(A_AT(As, r, kk + t));
                fa[i][1] = toTf32(A_AT(As, r + 8, kk + t));
                fa[i][2] = toTf32(A_AT(As, r, kk + t + 4));
                fa[i][3] = toTf32(A_AT(As, r + 8, kk + t + 4));
            }
#pragma unroll
            for (int j = 0; j < 4; j++) {
                const int col = warpCol + j * 8 + g;
                fb[j][0] = toTf32(B_AT(Bs, kk + t, col));
                fb[j][1] = toTf32(B_AT(Bs, kk + t + 4, col));
            }
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) mma1688(acc[i][j], fa[i], fb[j]);
        }
    }
#undef A_AT
#undef B_AT
    asm volatile("cp.async.wait_group 0;\n" ::);
#pragma unroll
    for (int i = 0; i < 4; i++) {
#pragma unroll
        for (int j = 0; j < 4; j++) {
            const int row = row0 + warpRow + i * 16 + g, col = col0 + warpCol + j * 8 + 2 * t;
            storeC(c, ldc, m, n, row, col, acc[i][j][0], beta);
            storeC(c, ldc, m, n, row, col + 1, acc[i][j][1], beta);
            storeC(c, ldc, m, n, row + 8, col, acc[i][j][2], beta);
            storeC(c, ldc, m, n, row + 8, col + 1, acc[i][j][3], beta);
        }
    }
}

GEMM_ENTRIES(tf32mma_, tf32mma, (256, 2))

// beta·C when k == 0 (no product to add).
extern "C" __global__ void scale_matrix(float* c, int m, int n, int ldc, long strideC, float beta) {
    c += blockIdx.z * strideC;
    FOR_EACH(i, (long)m * n) {
        float* p = c + (i / n) * (long)ldc + i % n;
        *p = beta == 0.f ? 0.f : beta * *p;
    }
}
