package sau.backend.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * Matrix products on the GPU ({@code gemm.cu}), with the contract of
 * {@link sau.backend.cpu.Gemm#gemm}: row-major, {@code C = op(A)·op(B) + beta·C}.
 *
 * <p>Two precisions, as in PyTorch: exact fp32 on the ordinary cores (the default, as
 * {@code torch.backends.cuda.matmul.allow_tf32 = False}), or TF32 on the tensor cores
 * ({@link #allowTf32}), several times faster, with operands rounded to 10 mantissa bits and
 * sums kept in fp32.
 */
public final class CudaGemm {

    private static final int TILE = 128, THREADS = 256;
    private static final int TF32_SHARED_BYTES = 2 * (TILE * (32 + 4) + 32 * (TILE + 4)) * 4; // gemm.cu's two tile buffers
    private static final int TF32_16_SHARED_BYTES = 3 * 2 * TILE * (32 + 4) * 4;               // three stages of both operands
    private static volatile boolean tf32;

    private CudaGemm() {}

    /** Lets products use the tensor cores in TF32 ({@code torch.backends.cuda.matmul.allow_tf32}). */
    public static void allowTf32(boolean allow) {
        tf32 = allow;
    }

    public static boolean tf32Allowed() {
        return tf32;
    }

    public static void gemm(boolean transA, boolean transB, int m, int n, int k, CUdeviceptr a, int lda, CUdeviceptr b, int ldb,
                            float beta, CUdeviceptr c, int ldc) {
        gemmBatched(transA, transB, m, n, k, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);
    }

    /**
     * {@code batch} products; matrix i of A starts {@code strideA} floats after matrix i − 1
     * (0: the same A for every product), likewise B and C.
     */
    public static void gemmBatched(boolean transA, boolean transB, int m, int n, int k,
                                   CUdeviceptr a, int lda, long strideA, CUdeviceptr b, int ldb, long strideB,
                                   float beta, CUdeviceptr c, int ldc, long strideC, int batch) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("gemm: negative size " + m + "×" + n + "×" + k);
        if (lda < Math.max(1, transA ? m : k) || ldb < Math.max(1, transB ? k : n) || ldc < Math.max(1, n)) {
            throw new IllegalArgumentException("gemm: leading dimensions " + lda + ", " + ldb + ", " + ldc + " too small for " + m + "×" + n + "×" + k);
        }
        if (m == 0 || n == 0 || batch == 0) return;
        for (int first = 0; first < batch; first += 65535) { // the grid's z dimension has at most 65535 blocks
            final int count = Math.min(65535, batch - first);
            final CUdeviceptr pa = offset(a, first * strideA), pb = offset(b, first * strideB), pc = offset(c, first * strideC);
            if (k == 0) {
                Kernels.function("gemm", "scale_matrix").launch(CudaElementwise.blocks((long) m * n), 1, count, CudaElementwise.BLOCK, 1, 1, 0,
                    pc, m, n, ldc, strideC, beta);
                continue;
            }
            // 16-byte copies need every row of A and B to start on 16 bytes
            final boolean wide = tf32 && lda % 4 == 0 && ldb % 4 == 0 && strideA % 4 == 0 && strideB % 4 == 0
                && CudaMemory.address(pa) % 16 == 0 && CudaMemory.address(pb) % 16 == 0;
            final String name = (tf32 ? wide ? "tf32mma_" : "tf32gemm_" : "sgemm_") + (transA ? "t" : "n") + (transB ? "t" : "n");
            Kernels.function("gemm", name).launch((n + TILE - 1) / TILE, (m + TILE - 1) / TILE, count, THREADS, 1, 1,
                tf32 ? wide ? TF32_16_SHARED_BYTES : TF32_SHARED_BYTES : 0, m, n, k, pa, lda, strideA, pb, ldb, strideB, beta, pc, ldc, strideC);
        }
    }

    private static CUdeviceptr offset(CUdeviceptr p, long floats) {
        return floats == 0 ? p : p.withByteOffset(4L * floats);
    }
}
