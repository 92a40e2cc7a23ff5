package sau.backend.cuda;

import java.util.concurrent.ConcurrentHashMap;
import jcuda.driver.CUdeviceptr;
import sau.backend.cpu.ConvGeometry;
import sau.tensor.Arena;
import sau.tensor.Tensor;

/**
 * 2-D convolution on the GPU ({@code conv.cu}), with the contracts of
 * {@link sau.backend.cpu.Conv2dKernel}: forward, backward-data, backward-weights and the bias
 * gradient, on contiguous NCHW tensors, every output overwritten.
 *
 * <p><b>Dense and grouped convolutions</b> are GEMMs on unrolled columns, as on the CPU. The batch
 * is cut into chunks of consecutive images whose columns (and the {@code channels × pixels}
 * matrix on the output side) fit in {@link #chunkBudget}, in a scratch buffer that each GPU keeps
 * for its convolutions (see {@link #SCRATCH}); per chunk, with P its pixels
 * (images × outH·outW) and for every group at once (a batched GEMM over the groups):
 *
 * <pre>
 *   forward          cols = im2col(x);  Yrows = W·cols (K × P);  y = NCHW(Yrows) + bias
 *   backward-data    dYrows = rows(dy);  dcols = Wᵀ·dYrows;  dx = col2im(dcols)
 *   backward-weights cols = im2col(x);  dYrows = rows(dy);  dW += dYrows·colsᵀ
 * </pre>
 *
 * <p>The weight gradient's GEMM is long and narrow ({@code K × C·kh·kw}, summed over all P
 * pixels): its few output tiles would leave most of the GPU idle. So its sum over the pixels is
 * cut into slices, each a product of its own in a batched GEMM, summed into partial gradients
 * that a last kernel adds in slice order. The forward GEMM of a deep layer on small images
 * (512 channels of 2×2 pixels) has the same problem, and its sum over the column rows is sliced
 * the same way, the slices added up by the permute into NCHW. Chunks and slices depend only on
 * the sizes, so the result is the same on every run.
 *
 * <p><b>Depthwise convolutions</b> (one filter per channel) would make GEMMs of one row; they run
 * as direct kernels instead, one thread per output (forward) or per input pixel (backward-data),
 * and one block per (channel, tap) for the weight gradient.
 */
public final class CudaConv {

    /**
     * Floats of scratch for one chunk of images (columns plus output-side matrix): 256 MiB. Not
     * final, so that the tests can make small batches take several chunks.
     */
    static long chunkBudget = 64L << 20;

    /** Floats that the weight gradient's partial sums may take. */
    static final long PARTIAL_FLOATS = 16L << 20;

    /** A weight-gradient slice sums at least this many pixels: enough work per GEMM tile. */
    static final int MIN_SLICE = 512;

    /** The weight-gradient GEMM aims at this many thread blocks over its slices: two per SM of an H100/H200. */
    static final int TARGET_BLOCKS = 264;

    /** The GEMM's output tile (see {@link CudaGemm}). */
    private static final int GEMM_TILE = 128;

    /** The block size of conv.cu's block reductions (REDUCE_BLOCK there). */
    private static final int REDUCE_BLOCK = 256;

    private CudaConv() {}

    /** {@code y = conv(x, w) + bias}: x {@code [N, C, H, W]}, w {@code [K, C/G, kh, kw]}, bias {@code [K]} or null, y {@code [N, K, outH, outW]}. */
    public static void forward(ConvGeometry g, Tensor x, Tensor w, Tensor bias, Tensor y) {
        CudaDevice.of(x);
        final int hasBias = bias == null ? 0 : 1;
        final CUdeviceptr b = bias == null ? CudaMemory.of(y) : CudaMemory.of(bias); // never read without a bias
        if (g.isDepthwise()) {
            launch("dw_forward_f32", g.outputLength(), CudaMemory.of(x), CudaMemory.of(w), b, hasBias, CudaMemory.of(y), geometry(g));
            return;
        }
        if (g.batch() == 0) return;
        final Chunks ch = new Chunks(g);
        final int kPer = g.outPerGroup(), r = g.colRows(), plane = g.outPlane(), outC = g.outChannels();
        final int slices = forwardSlices(g, ch.images * plane);
        // Slice s of the column rows sums into its own K × P product, slice 0 first; rows_to_nchw adds them up.
        final CUdeviceptr cols = scratch(CudaDevice.of(x), ch.colsFloats() + slices * ch.rowsFloats()), rows = at(cols, ch.colsFloats());
        for (int n0 = 0; n0 < g.batch(); n0 += ch.images) {
            final int images = Math.min(ch.images, g.batch() - n0), p = images * plane;
            launch("im2col_f32", (long) g.inChannels() * p, at(x, (long) n0 * g.inChannels() * g.inPlane()), cols, geometry(g), images);
            if (slices == 1) {
                // group gr: Yrows[gr] (kPer × P) = W[gr] (kPer × r) · cols[gr] (r × P)
                CudaGemm.gemmBatched(false, false, kPer, p, r, CudaMemory.of(w), r, (long) kPer * r, cols, p, (long) r * p,
                    0f, rows, p, (long) kPer * p, g.groups());
            } else {
                // one group; slice s: Yrows[s] (K × P) = W[:, s·perSlice ...] (K × perSlice) · cols[s·perSlice ..., :] (perSlice × P)
                final int perSlice = r / slices, rest = r - slices * perSlice;
                CudaGemm.gemmBatched(false, false, outC, p, perSlice, CudaMemory.of(w), r, perSlice, cols, p, (long) perSlice * p,
                    0f, rows, p, (long) outC * p, slices);
                if (rest > 0) {
                    // the column rows past the last whole slice go to slice 0, after it
                    final long from = (long) slices * perSlice;
                    CudaGemm.gemm(false, false, outC, p, rest, at(w, from), r, at(cols, from * p), p, 1f, rows, p);
                }
            }
            launch("rows_to_nchw_f32", (long) images * outC * plane, rows, at(y, (long) n0 * outC * plane),
                b, hasBias, outC, plane, images, slices);
        }
    }

    /** dL/dx from dL/dy, into dx {@code [N, C, H, W]} (overwritten): the transposed convolution of dy. */
    public static void backwardData(ConvGeometry g, Tensor dy, Tensor w, Tensor dx) {
        CudaDevice.of(dy);
        if (g.isDepthwise()) {
            launch("dw_backward_data_f32", g.inputLength(), CudaMemory.of(dy), CudaMemory.of(w), CudaMemory.of(dx), geometry(g));
            return;
        }
        if (g.batch() == 0) return;
        final Chunks ch = new Chunks(g);
        final CUdeviceptr cols = scratch(CudaDevice.of(dy), ch.colsFloats() + ch.rowsFloats()), rows = at(cols, ch.colsFloats());
        final int kPer = g.outPerGroup(), r = g.colRows(), plane = g.outPlane();
        for (int n0 = 0; n0 < g.batch(); n0 += ch.images) {
            final int images = Math.min(ch.images, g.batch() - n0), p = images * plane;
            launch("nchw_to_rows_f32", (long) images * g.outChannels() * plane, at(dy, (long) n0 * g.outChannels() * plane), rows,
                g.outChannels(), plane, images);
            // group gr: dcols[gr] (r × P) = W[gr]ᵀ (r × kPer) · dYrows[gr] (kPer × P); W[gr] is stored kPer × r
            CudaGemm.gemmBatched(true, false, r, p, kPer, CudaMemory.of(w), r, (long) kPer * r, rows, p, (long) kPer * p,
                0f, cols, p, (long) r * p, g.groups());
            launch("col2im_f32", (long) images * g.inChannels() * g.inPlane(), cols, at(dx, (long) n0 * g.inChannels() * g.inPlane()),
                geometry(g), images);
        }
    }

    /** dL/dw {@code = Σ_images dY·cols(X)ᵀ}, into dw {@code [K, C/G, kh, kw]} (overwritten). */
    public static void backwardWeight(ConvGeometry g, Tensor x, Tensor dy, Tensor dw) {
        CudaDevice.of(x);
        if (g.isDepthwise()) {
            final int blocks = g.inChannels() * g.kernelH() * g.kernelW();
            Kernels.function("conv", "dw_backward_weight_f32").launch(blocks, 1, 1, REDUCE_BLOCK, 1, 1, 0,
                CudaMemory.of(x), CudaMemory.of(dy), CudaMemory.of(dw), geometry(g));
            return;
        }
        if (g.batch() == 0) {
            CudaElementwise.fill(dw.memory(), 0f); // a sum over no images
            return;
        }
        final Chunks ch = new Chunks(g);
        final int kPer = g.outPerGroup(), r = g.colRows(), plane = g.outPlane(), length = g.weightLength();
        final int slices = weightSlices(g, ch.images * plane);
        // Slice s of the pixels sums into partial[s] (a whole weight gradient each); one slice sums straight into dw.
        final long partials = slices == 1 ? 0 : (long) slices * length;
        final CUdeviceptr cols = scratch(CudaDevice.of(x), ch.colsFloats() + ch.rowsFloats() + partials), rows = at(cols, ch.colsFloats());
        final CUdeviceptr partial = slices == 1 ? CudaMemory.of(dw) : at(rows, ch.rowsFloats());
        for (int n0 = 0; n0 < g.batch(); n0 += ch.images) {
            final int images = Math.min(ch.images, g.batch() - n0), p = images * plane, perSlice = p / slices, rest = p - slices * perSlice;
            final float beta = n0 == 0 ? 0f : 1f;
            launch("im2col_f32", (long) g.inChannels() * p, at(x, (long) n0 * g.inChannels() * g.inPlane()), cols, geometry(g), images);
            launch("nchw_to_rows_f32", (long) images * g.outChannels() * plane, at(dy, (long) n0 * g.outChannels() * plane), rows,
                g.outChannels(), plane, images);
            for (int gr = 0; gr < g.groups(); gr++) {
                final CUdeviceptr dyRows = at(rows, (long) gr * kPer * p), groupCols = at(cols, (long) gr * r * p), out = at(partial, (long) gr * kPer * r);
                // slice s: partial[s][gr] (kPer × r) (+)= dYrows[gr][:, s·perSlice ...] (kPer × perSlice) · cols[gr][:, same]ᵀ
                CudaGemm.gemmBatched(false, true, kPer, r, perSlice, dyRows, p, perSlice, groupCols, p, perSlice, beta, out, r, length, slices);
                if (rest > 0) {
                    // the pixels past the last whole slice go to slice 0, after it
                    final long from = (long) slices * perSlice;
                    CudaGemm.gemm(false, true, kPer, r, rest, at(rows, (long) gr * kPer * p + from), p, at(cols, (long) gr * r * p + from), p, 1f, out, r);
                }
            }
        }
        if (slices > 1) launch("sum_slices_f32", length, partial, CudaMemory.of(dw), length, slices);
    }

    /** How many slices the weight gradient's sum over the {@code pixels} of a chunk is cut into (see {@link #slices}). */
    static int weightSlices(ConvGeometry g, int pixels) {
        return slices(g.outPerGroup(), g.colRows(), pixels, g.weightLength());
    }

    /**
     * How many slices the forward GEMM's sum over the column rows is cut into, for a chunk of
     * {@code pixels}: more than one only without groups, and when the {@code K × pixels} product
     * has few tiles (deep layers on small images: 512 channels of 2×2 pixels).
     */
    static int forwardSlices(ConvGeometry g, int pixels) {
        return g.groups() > 1 ? 1 : slices(g.outChannels(), pixels, g.colRows(), (long) g.outChannels() * pixels);
    }

    /**
     * Slices of the sum of an {@code m × n} GEMM product over {@code length} terms: enough that
     * the slices' tiles reach {@link #TARGET_BLOCKS}, each slice of at least {@link #MIN_SLICE}
     * terms, and their partial products ({@code partial} floats each) within {@link #PARTIAL_FLOATS}.
     */
    private static int slices(int m, int n, long length, long partial) {
        final long tiles = (long) ceilDiv(m, GEMM_TILE) * ceilDiv(n, GEMM_TILE);
        long slices = ceilDiv(TARGET_BLOCKS, tiles);
        slices = Math.min(slices, length / MIN_SLICE);
        slices = Math.min(slices, PARTIAL_FLOATS / partial);
        return (int) Math.max(1, slices);
    }

    /** dL/dbias {@code [channels]} (overwritten): the sum of dy {@code [batch, channels, plane]} over the batch and the pixels. */
    public static void biasGradient(Tensor dy, int batch, int channels, int plane, Tensor db) {
        CudaDevice.of(dy);
        // Each channel's sum is cut into parts of about 16K numbers, each one block's: enough blocks for the GPU.
        final int parts = (int) Math.max(1, Math.min(64, (long) batch * plane / (16 << 10)));
        final Tensor partial = Arena.empty(dy.device(), channels * parts);
        Kernels.function("conv", "bias_grad_partial_f32").launch(channels, parts, 1, REDUCE_BLOCK, 1, 1, 0,
            CudaMemory.of(dy), CudaMemory.of(partial), batch, channels, plane, parts);
        launch("bias_grad_final_f32", channels, CudaMemory.of(partial), CudaMemory.of(db), channels, parts);
    }

    /** {@code y[n, k, p] += bias[k]} for y {@code [batch, channels, plane]}. */
    public static void addBias(Tensor y, int batch, int channels, int plane, Tensor bias) {
        CudaDevice.of(y);
        final long n = (long) batch * channels * plane;
        launch("add_bias_f32", n, CudaMemory.of(y), CudaMemory.of(bias), channels, plane, n);
    }

    /**
     * How many images a chunk holds: as many as fit in {@link #chunkBudget} with their columns
     * ({@code C·kh·kw × pixels}) and output-side matrix ({@code K × pixels}), at least one; the
     * batch is then cut into chunks of equal size but for the last.
     */
    private record Chunks(ConvGeometry g, int images) {
        Chunks(ConvGeometry g) {
            this(g, imagesPerChunk(g));
        }

        private static int imagesPerChunk(ConvGeometry g) {
            final long perImage = (long) (g.inChannels() * g.kernelH() * g.kernelW() + g.outChannels()) * g.outPlane();
            final int fit = (int) Math.max(1, Math.min(g.batch(), chunkBudget / perImage));
            final int chunks = ceilDiv(g.batch(), fit);
            return ceilDiv(g.batch(), chunks);
        }

        long colsFloats() {
            return (long) g.inChannels() * g.kernelH() * g.kernelW() * images * g.outPlane();
        }

        long rowsFloats() {
            return (long) g.outChannels() * images * g.outPlane();
        }
    }

    /**
     * Per GPU, one scratch buffer for the columns and the matrices beside them, which only grows:
     * all the convolutions of a training step use it in turn, instead of each taking its own
     * hundreds of MiB. Sharing it is safe because a GPU runs all of sau's kernels in order on its
     * one stream: the kernels of one convolution that read the buffer have run before those of
     * the next one write it.
     */
    private static final ConcurrentHashMap<Integer, CudaMemory> SCRATCH = new ConcurrentHashMap<>();

    /** The address of the scratch buffer of {@code device}, grown to at least {@code floats}. */
    private static CUdeviceptr scratch(CudaDevice device, long floats) {
        if (floats > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv2d on the GPU: the columns of one image take " + floats + " floats, more than a buffer's 2^31");
        }
        return SCRATCH.compute(device.index, (index, old) -> old != null && old.length() >= floats ? old : device.allocator().allocate((int) floats)).at(0);
    }

    /** The kernels' ConvGeo struct, fields in ConvGeometry's order. */
    private static int[] geometry(ConvGeometry g) {
        return new int[] {g.batch(), g.inChannels(), g.inH(), g.inW(), g.outChannels(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(),
            g.padH(), g.padW(), g.dilationH(), g.dilationW(), g.groups(), g.outH(), g.outW()};
    }

    /** The address of element {@code floats} of a contiguous GPU tensor. */
    private static CUdeviceptr at(Tensor t, long floats) {
        return at(CudaMemory.of(t), floats);
    }

    /** The address {@code floats} floats after {@code p}. */
    private static CUdeviceptr at(CUdeviceptr p, long floats) {
        return floats == 0 ? p : p.withByteOffset(4L * floats);
    }

    private static void launch(String kernel, long threads, Object... args) {
        Kernels.function("conv", kernel).launch(CudaElementwise.blocks(threads), 1, 1, CudaElementwise.BLOCK, 1, 1, 0, args);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
