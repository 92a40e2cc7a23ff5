package sau.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2-D convolution over NCHW float32 arrays: forward, and the two halves of its backward pass,
 * the gradient with respect to the input ("backward-data") and to the weight
 * ("backward-weights"), plus the bias gradient.
 *
 * <p>All three are matrix products once the input is unrolled into columns by {@link Im2col}.
 * Per image and per group g, with {@code cols} the {@code (C/G·kh·kw) × (outH·outW)} column
 * matrix of the image:
 *
 * <pre>
 *   forward          Y[g]  = W[g] · cols[g]                (+ bias)
 *   backward-data    cols  = W[g]ᵀ · dY[g],  then dX = col2im(cols)
 *   backward-weights dW[g] = Σ over images of dY[g] · cols[g]ᵀ
 * </pre>
 *
 * <p>Each line follows from {@code Y = W·cols}: a product's gradients are {@code dW = dY·colsᵀ}
 * and {@code dcols = Wᵀ·dY}, and col2im carries {@code dcols} back onto the pixels that im2col
 * copied. Depthwise convolutions (one 3×3 filter per channel) make GEMMs with one row, which
 * waste the register tile, so they go to the direct vectorised {@link DepthwiseConvKernel}
 * instead; and maps with fewer pixels than the kernel has taps (VGG-16's 2×2 maps under 3×3
 * kernels), where most of im2col's multiply-adds would read padding, to {@link DenseSmallMaps}.
 *
 * <p><b>Several images per GEMM.</b> Done image by image, forward and backward-data would run
 * one GEMM per image, and deep layers have tiny planes (4×4 or 2×2 pixels on 32×32 inputs)
 * with large weights (128 × 1152): every such GEMM would pack the whole weight matrix, the
 * costly step of a GEMM, for a handful of columns, and fill only a few columns of its register
 * tile. So images with fewer than {@link #GEMM_COLUMNS} output pixels are processed in sets of
 * consecutive images with about that many pixels in all. A set's columns are laid side by
 * side, {@code cols (C·kh·kw × images·pixels)}, by {@link Im2col#gatherImages}, whose loops run
 * over all the set's pixels at once, and one GEMM per group computes the whole set: forward
 * {@code W·cols} into a {@code K × images·pixels} product, whose image blocks are then copied
 * into NCHW y with the bias added on the way; backward-data gathers the set's dY the same way,
 * computes {@code Wᵀ·dY} and scatters the columns back onto the images. Each column of a GEMM
 * is computed on its own, in a fixed order, so the results do not depend on how the batch is
 * cut, and the cut may depend on the thread count. Larger images run one at a time, their
 * GEMMs writing into y and reading dY directly.
 *
 * <p><b>Threads and memory.</b> Forward and backward-data hand out whole sets of images to the
 * threads, so the threads never write to the same output and the GEMMs inside run serially on
 * their own thread (with a single image the GEMM spreads itself over the threads instead). The
 * columns of a large image would be huge ({@code kh·kw} times the image), so such an image is
 * processed in bands of output rows whose columns fit in {@link #COLUMN_BUDGET} floats; the
 * buffers are per thread and only grow, so steady-state training allocates nothing here. A
 * large 1×1 stride-1 unpadded image skips the unrolling: the image, {@code C × H·W} row-major,
 * already is its column matrix, and its GEMMs read x and write y directly.
 *
 * <p><b>Deterministic weight gradient.</b> The weight gradient sums over the whole batch, and the
 * order of a float sum changes its result. The batch is cut into a fixed number of parts, which
 * depends only on the sizes, never on the thread count; each part is summed by one thread as a
 * sequence of large GEMMs, each over a chunk of output rows of consecutive images whose columns
 * are laid side by side, and the parts' sums are added in order. The long inner dimension (many
 * images' pixels) also makes these GEMMs efficient even when one image has few pixels.
 *
 * <p>The {@code *Reference} methods are the direct seven-loop definitions, for the tests.
 */
public final class Conv2dKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Floats in one GEMM's column matrix: 4 MiB, about what stays in the last-level cache. */
    static final int COLUMN_BUDGET = 1 << 20;

    /**
     * The budget of forward's sets of small images, twice the other. Forward's columns are read
     * once, by the GEMM's packing, while its weights are read again for every set; where the
     * weights are large (512 channels × 3×3 taps, 9 MiB) larger sets pass over them fewer times:
     * VGG-16's 512->512@4 forward took 0.79 of the time with 16 images a set instead of 12–13
     * (37.4 → 29.6 ms, Zen 5, 2 threads). Backward-data's columns are the GEMM's output, read
     * and written at every depth block and then scattered, and there twice the budget made
     * 512->512@2 1.17× slower.
     */
    static final int FORWARD_COLUMN_BUDGET = 2 * COLUMN_BUDGET;

    /**
     * Images with fewer output pixels than this are small: forward and backward-data put several
     * of them into one GEMM, so that it has about this many columns, enough that packing the
     * weight matrix, which every GEMM does once, costs little next to the product.
     */
    static final int GEMM_COLUMNS = 256;

    /**
     * Floats of columns per chunk of the weight gradient: 512 KiB, about L2. Its GEMM reads the
     * columns transposed, a column of them per vector, which is slow unless they are still in L2.
     * A chunk keeps at least {@link #GEMM_COLUMNS} pixels, though, so that its update of dW
     * (loaded and stored once per chunk) stays small next to the product.
     */
    static final int WEIGHT_CHUNK = 1 << 17;

    /**
     * The weight gradient is summed in this many parts, whatever the number of threads: enough to
     * keep a few cores busy with GEMMs that each run on one core (faster than one GEMM split over
     * all of them at these sizes), few enough that the partial sums take little memory.
     */
    static final int WEIGHT_PARTS = 4;

    /**
     * Per-thread buffers that only grow, shared by every convolution path (only one runs at a
     * time on a thread): the columns, the {@code K × pixels} matrix on the output side (the forward
     * product, or the gathered dY of the backward passes) and the weight gradient's partial sums;
     * {@link DenseSmallMaps} and {@link TapwiseSmallMaps} keep their own matrices in the same
     * three.
     */
    static final class Scratch {
        float[] cols = new float[0];
        float[] out = new float[0];
        float[] partials = new float[0];
        /** The weights of each group (or tap), packed for the GEMMs of one call (see {@link #packWeights}). */
        private float[][] packedWeights = new float[0][];

        /** The packed-weight buffers, at least {@code count} of them. */
        float[][] packedWeights(int count) {
            if (packedWeights.length < count) packedWeights = Arrays.copyOf(packedWeights, count);
            return packedWeights;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** This thread's scratch. */
    static Scratch scratch() {
        return SCRATCH.get();
    }

    private Conv2dKernel() {}

    /**
     * {@code y = conv(x, w) + bias}: x {@code [N, C, H, W]}, w {@code [K, C/G, kh, kw]}, bias
     * {@code [K]} or null, y {@code [N, K, outH, outW]} (overwritten), each contiguous from its offset.
     */
    public static void forward(ConvGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff) {
        if (g.isDepthwise()) {
            DepthwiseConvKernel.forward(g, x, xOff, w, wOff, bias, bOff, y, yOff);
            return;
        }
        if (DenseSmallMaps.fits(g)) {
            DenseSmallMaps.forward(g, x, xOff, w, wOff, bias, bOff, y, yOff);
            return;
        }
        if (TapwiseSmallMaps.fits(g)) {
            TapwiseSmallMaps.forward(g, x, xOff, w, wOff, bias, bOff, y, yOff);
            return;
        }
        final int sets = imageSets(g, FORWARD_COLUMN_BUDGET);
        final boolean small = smallImages(g);
        final Gemm.PackedA[] packed = packWeights(g, w, wOff, false);
        // One part per set, claimed by the threads as they finish: ranges of sets would undo the
        // equal shares that imageSets makes (10 sets in 8 ranges leave one thread 2 sets more).
        Parallel.forChunks(sets, set -> {
            final int n0 = Parallel.chunkStart(g.batch(), sets, set), n1 = Parallel.chunkStart(g.batch(), sets, set + 1);
            if (small) {
                forwardImages(g, x, xOff, packed, bias, bOff, y, yOff, n0, n1);
            } else {
                forwardImage(g, x, xOff + n0 * g.inChannels() * g.inPlane(), packed, bias, bOff, y, yOff + n0 * g.outChannels() * g.outPlane());
            }
        });
    }

    /** Forward of one image, in bands of output rows, with the GEMMs writing straight into y. */
    private static void forwardImage(ConvGeometry g, float[] x, int xImg, Gemm.PackedA[] w, float[] bias, int bOff, float[] y, int yImg) {
        final int kPer = g.outPerGroup(), rows = g.colRows(), plane = g.outPlane();
        // The bias is written first and the GEMMs add onto it (beta = 1): no second pass over y.
        final float beta = bias == null ? 0f : 1f;
        if (bias != null) {
            for (int k = 0; k < g.outChannels(); k++) Arrays.fill(y, yImg + k * plane, yImg + (k + 1) * plane, bias[bOff + k]);
        }
        if (g.isPointwise()) {
            for (int gr = 0; gr < g.groups(); gr++) {
                Gemm.gemm(w[gr], false, plane, x, xImg + gr * rows * plane, plane, beta, y, yImg + gr * kPer * plane, plane);
            }
            return;
        }
        final Scratch s = SCRATCH.get();
        final int band = bandRows(g);
        for (int oh0 = 0; oh0 < g.outH(); oh0 += band) {
            final int oh1 = Math.min(g.outH(), oh0 + band), cols = (oh1 - oh0) * g.outW();
            final float[] c = s.cols = grow(s.cols, g.groups() * rows * cols);
            Im2col.im2col(g, x, xImg, oh0, oh1, c, 0, cols);
            for (int gr = 0; gr < g.groups(); gr++) {
                Gemm.gemm(w[gr], false, cols, c, gr * rows * cols, cols, beta, y, yImg + gr * kPer * plane + oh0 * g.outW(), plane);
            }
        }
    }

    /**
     * Forward of the small images {@code [n0, n1)} together: their columns side by side, one GEMM
     * per group into the {@code K × pixels} product, then each image's block copied into y with
     * the bias added.
     */
    private static void forwardImages(ConvGeometry g, float[] x, int xOff, Gemm.PackedA[] w, float[] bias, int bOff,
                                      float[] y, int yOff, int n0, int n1) {
        final int kPer = g.outPerGroup(), rows = g.colRows(), plane = g.outPlane(), outC = g.outChannels(), cols = (n1 - n0) * plane;
        final Scratch s = SCRATCH.get();
        final float[] c = s.cols = grow(s.cols, g.groups() * rows * cols);
        final float[] out = s.out = grow(s.out, outC * cols);
        Im2col.gatherImages(g, x, xOff, n0, n1, c, 0, cols);
        for (int gr = 0; gr < g.groups(); gr++) {
            Gemm.gemm(w[gr], false, cols, c, gr * rows * cols, cols, 0f, out, gr * kPer * cols, cols);
        }
        for (int n = n0; n < n1; n++) {
            for (int k = 0; k < outC; k++) {
                final int from = k * cols + (n - n0) * plane, to = yOff + (n * outC + k) * plane;
                if (bias == null) System.arraycopy(out, from, y, to, plane);
                else addInto(out, from, bias[bOff + k], y, to, plane);
            }
        }
    }

    /**
     * Each group's weights, packed once for every image's GEMM of this call: {@code W[g]}
     * ({@code K/groups × C/groups·kh·kw}) for forward, its transpose for backward-data. Packed on
     * the calling thread into its scratch, then only read by the threads of the call.
     */
    private static Gemm.PackedA[] packWeights(ConvGeometry g, float[] w, int wOff, boolean transposed) {
        final int kPer = g.outPerGroup(), rows = g.colRows();
        final float[][] buffers = SCRATCH.get().packedWeights(g.groups());
        final Gemm.PackedA[] packed = new Gemm.PackedA[g.groups()];
        for (int gr = 0; gr < g.groups(); gr++) {
            final int at = wOff + gr * kPer * rows;
            packed[gr] = transposed ? Gemm.pack(true, rows, kPer, w, at, rows, buffers[gr]) : Gemm.pack(false, kPer, rows, w, at, rows, buffers[gr]);
            buffers[gr] = packed[gr].data();
        }
        return packed;
    }

    /** {@code dst[to + i] = src[from + i] + b} for {@code i < length}. */
    private static void addInto(float[] src, int from, float b, float[] dst, int to, int length) {
        final FloatVector bv = FloatVector.broadcast(S, b);
        int i = 0;
        for (final int bound = S.loopBound(length); i < bound; i += L) {
            FloatVector.fromArray(S, src, from + i).add(bv).intoArray(dst, to + i);
        }
        for (; i < length; i++) dst[to + i] = src[from + i] + b;
    }

    /**
     * dL/dx from dL/dy (into {@code dx}, overwritten): for each group, {@code dcols = W[g]ᵀ·dY[g]},
     * then col2im adds every column entry onto the input pixel it was copied from.
     */
    public static void backwardData(ConvGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        if (g.isDepthwise()) {
            DepthwiseConvKernel.backwardData(g, dy, dyOff, w, wOff, dx, dxOff);
            return;
        }
        if (DenseSmallMaps.fits(g)) {
            DenseSmallMaps.backwardData(g, dy, dyOff, w, wOff, dx, dxOff);
            return;
        }
        if (TapwiseSmallMaps.fits(g)) {
            TapwiseSmallMaps.backwardData(g, dy, dyOff, w, wOff, dx, dxOff);
            return;
        }
        final int sets = imageSets(g, COLUMN_BUDGET);
        final boolean small = smallImages(g);
        final Gemm.PackedA[] packed = packWeights(g, w, wOff, true);
        Parallel.forChunks(sets, set -> {
            final int n0 = Parallel.chunkStart(g.batch(), sets, set), n1 = Parallel.chunkStart(g.batch(), sets, set + 1);
            if (small) {
                backwardDataImages(g, dy, dyOff, packed, dx, dxOff, n0, n1);
            } else {
                backwardDataImage(g, dy, dyOff + n0 * g.outChannels() * g.outPlane(), packed, dx, dxOff + n0 * g.inChannels() * g.inPlane());
            }
        });
    }

    /** Backward-data of one image, in bands of output rows, with the GEMMs reading dY straight from dy. */
    private static void backwardDataImage(ConvGeometry g, float[] dy, int dyImg, Gemm.PackedA[] wt, float[] dx, int dxImg) {
        final int kPer = g.outPerGroup(), rows = g.colRows(), plane = g.outPlane();
        if (g.isPointwise()) {
            for (int gr = 0; gr < g.groups(); gr++) {
                Gemm.gemm(wt[gr], false, plane, dy, dyImg + gr * kPer * plane, plane, 0f, dx, dxImg + gr * rows * plane, plane);
            }
            return;
        }
        Arrays.fill(dx, dxImg, dxImg + g.inChannels() * g.inPlane(), 0f);
        final Scratch s = SCRATCH.get();
        final int band = bandRows(g);
        for (int oh0 = 0; oh0 < g.outH(); oh0 += band) {
            final int oh1 = Math.min(g.outH(), oh0 + band), cols = (oh1 - oh0) * g.outW();
            final float[] c = s.cols = grow(s.cols, g.groups() * rows * cols);
            for (int gr = 0; gr < g.groups(); gr++) {
                Gemm.gemm(wt[gr], false, cols, dy, dyImg + gr * kPer * plane + oh0 * g.outW(), plane, 0f, c, gr * rows * cols, cols);
            }
            Im2col.col2im(g, c, 0, cols, oh0, oh1, dx, dxImg);
        }
    }

    /**
     * Backward-data of the small images {@code [n0, n1)} together: their dY side by side in a
     * {@code K × pixels} matrix, one GEMM per group into the columns, then the columns scattered
     * back onto the images.
     */
    private static void backwardDataImages(ConvGeometry g, float[] dy, int dyOff, Gemm.PackedA[] wt, float[] dx, int dxOff, int n0, int n1) {
        final int kPer = g.outPerGroup(), rows = g.colRows(), plane = g.outPlane(), outC = g.outChannels(), cols = (n1 - n0) * plane;
        final Scratch s = SCRATCH.get();
        final float[] c = s.cols = grow(s.cols, g.groups() * rows * cols);
        final float[] d = s.out = grow(s.out, outC * cols);
        Im2col.planesSideBySide(dy, dyOff, outC, plane, n0, n1, d, 0, cols, true);
        for (int gr = 0; gr < g.groups(); gr++) {
            Gemm.gemm(wt[gr], false, cols, d, gr * kPer * cols, cols, 0f, c, gr * rows * cols, cols);
        }
        Im2col.scatterImages(g, c, 0, cols, n0, n1, dx, dxOff);
    }

    /**
     * Small images have fewer than {@link #GEMM_COLUMNS} output pixels and columns that fit in
     * the budget. The choice depends on the sizes only, so that each output is always computed
     * the same way (the two ways add the bias at different points of the sum).
     */
    static boolean smallImages(ConvGeometry g) {
        return g.outPlane() < GEMM_COLUMNS && (long) g.groups() * g.colRows() * g.outPlane() <= COLUMN_BUDGET;
    }

    /**
     * How many sets of consecutive images forward and backward-data cut the batch into: small
     * images are put together until their GEMMs have {@link #GEMM_COLUMNS} columns, as long as
     * their columns fit in {@code budget} floats and there are still at least as many sets as
     * threads; the count is then rounded up to a multiple of the threads, so that they get equal
     * shares. Other images are sets of one. The sets do not change the results: each column of a
     * GEMM is summed the same way whatever the others.
     */
    static int imageSets(ConvGeometry g, int budget) {
        if (!smallImages(g)) return g.batch();
        final int imageColumns = g.groups() * g.colRows() * g.outPlane();
        return setsOf(g.batch(), Math.min(ceilDiv(GEMM_COLUMNS, g.outPlane()), budget / imageColumns));
    }

    /**
     * How many sets of consecutive images a batch is cut into when a set holds at most
     * {@code perSet}: at least as many as threads while there are images for them, and a multiple
     * of the threads, so that each gets an equal share.
     */
    static int setsOf(int batch, int perSet) {
        if (batch == 0) return 0;
        final int threads = Parallel.threads();
        final int size = Math.min(perSet, ceilDiv(batch, threads));
        return Math.min(batch, ceilDiv(ceilDiv(batch, size), threads) * threads);
    }

    /**
     * dL/dw (into {@code dw}, overwritten) = Σ over images of {@code dY[g]·cols[g]ᵀ}. The batch's
     * output rows, in (image, oh) order, are cut into {@link #WEIGHT_PARTS} equal parts, each
     * summed by one thread into its own partial dW; the parts are added in order at the end. Within
     * a part, a chunk of {@code p} output pixels copies its columns into a {@code C·kh·kw × p}
     * matrix and its part of dY into a {@code K × p} matrix, then one GEMM per group adds
     * {@code dY_chunk · cols_chunkᵀ} onto the partial.
     *
     * <p>Where {@link #weightGradientTransposed} says so, the GEMMs compute the transpose instead,
     * {@code dWᵀ += cols_chunk · dY_chunkᵀ}, and the sum is transposed into dw at the end. The
     * products and the order in which they are added are the same, and so are the bits.
     */
    public static void backwardWeight(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        if (g.isDepthwise()) {
            DepthwiseConvKernel.backwardWeight(g, x, xOff, dy, dyOff, dw, dwOff);
            return;
        }
        if (DenseSmallMaps.fits(g)) {
            DenseSmallMaps.backwardWeight(g, x, xOff, dy, dyOff, dw, dwOff);
            return;
        }
        if (TapwiseSmallMaps.fits(g)) {
            TapwiseSmallMaps.backwardWeight(g, x, xOff, dy, dyOff, dw, dwOff);
            return;
        }
        final int length = g.weightLength(), totalRows = g.batch() * g.outH();
        if (totalRows == 0) {
            Arrays.fill(dw, dwOff, dwOff + length, 0f);
            return;
        }
        final int parts = Math.min(WEIGHT_PARTS, totalRows);
        final boolean transposed = weightGradientTransposed(g);
        final Scratch own = SCRATCH.get();
        // Transposed, every part sums into the partials, part 0 too, and dw receives their
        // transposed sum; otherwise part 0 sums straight into dw.
        final int first = transposed ? 0 : 1;
        final float[] partials = own.partials = grow(own.partials, (parts - first) * length);
        Parallel.forRange(parts, 1, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                weightPart(g, x, xOff, dy, dyOff, Parallel.chunkStart(totalRows, parts, p), Parallel.chunkStart(totalRows, parts, p + 1),
                        transposed, p < first ? dw : partials, p < first ? dwOff : (p - first) * length);
            }
        });
        final float[] sum = transposed ? partials : dw;
        final int sumAt = transposed ? 0 : dwOff;
        for (int p = 1; p < parts; p++) Elementwise.accumulate(partials, (p - first) * length, sum, sumAt, length);
        if (transposed) {
            final int kPer = g.outPerGroup(), rows = g.colRows();
            for (int gr = 0; gr < g.groups(); gr++) {
                Transpose8.matrix(partials, gr * kPer * rows, rows, kPer, dw, dwOff + gr * kPer * rows);
            }
        }
    }

    /**
     * Whether the weight gradient's GEMMs compute {@code dWᵀ = cols · dYᵀ} rather than
     * {@code dW = dY · colsᵀ} ({@code K/groups × C·kh·kw}): where GEMM says that product runs
     * faster as its transpose, 1.04–1.5× for the weight gradients of VGG's layers
     * (docs/performance.md).
     */
    static boolean weightGradientTransposed(ConvGeometry g) {
        return Gemm.fasterTransposed(g.outPerGroup(), g.colRows());
    }

    /**
     * The weight gradient over batch rows {@code [q0, q1)}, into {@code out[outOff...]}
     * (overwritten), on this thread: each group's {@code K/groups × C·kh·kw} block, or with
     * {@code transposed} its transpose.
     */
    private static void weightPart(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, int q0, int q1,
                                   boolean transposed, float[] out, int outOff) {
        final int kPer = g.outPerGroup(), rows = g.colRows(), outW = g.outW();
        final int rowFloats = g.groups() * rows * outW;
        final int maxRows = Math.max(1, Math.min(COLUMN_BUDGET / rowFloats, Math.max(WEIGHT_CHUNK / rowFloats, ceilDiv(GEMM_COLUMNS, outW))));
        final int perChunk = ceilDiv(q1 - q0, ceilDiv(q1 - q0, maxRows));
        final Scratch s = SCRATCH.get();
        for (int c0 = q0; c0 < q1; c0 += perChunk) {
            final int c1 = Math.min(q1, c0 + perChunk), cols = (c1 - c0) * outW;
            final float[] c = s.cols = grow(s.cols, g.groups() * rows * cols);
            final float[] d = s.out = grow(s.out, g.outChannels() * cols);
            gatherChunk(g, x, xOff, dy, dyOff, c0, c1, c, d, cols);
            final float beta = c0 == q0 ? 0f : 1f;
            for (int gr = 0; gr < g.groups(); gr++) {
                final int block = outOff + gr * kPer * rows;
                if (transposed) {
                    Gemm.gemm(false, true, rows, kPer, cols, c, gr * rows * cols, cols, d, gr * kPer * cols, cols, beta, out, block, kPer);
                } else {
                    Gemm.gemm(false, true, kPer, rows, cols, d, gr * kPer * cols, cols, c, gr * rows * cols, cols, beta, out, block, rows);
                }
            }
        }
    }

    /**
     * Copies the columns of batch rows {@code [q0, q1)} (row q is output row {@code q % outH} of
     * image {@code q / outH}) side by side into {@code cols}, and the same pixels of dY into
     * {@code d}, both with leading dimension {@code ld}.
     */
    private static void gatherChunk(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, int q0, int q1,
                                    float[] cols, float[] d, int ld) {
        int col = 0;
        final int outH = g.outH(), outW = g.outW(), plane = g.outPlane();
        for (int q = q0; q < q1; ) {
            final int n = q / outH, oh0 = q % outH;
            if (oh0 == 0 && q + outH <= q1 && smallImages(g)) {
                // A run of whole small images: gathered together, as in forward.
                final int n1 = n + (q1 - q) / outH;
                Im2col.gatherImages(g, x, xOff, n, n1, cols, col, ld);
                Im2col.planesSideBySide(dy, dyOff, g.outChannels(), plane, n, n1, d, col, ld, true);
                col += (n1 - n) * plane;
                q += (n1 - n) * outH;
                continue;
            }
            final int oh1 = Math.min(outH, oh0 + q1 - q), pixels = (oh1 - oh0) * outW;
            Im2col.im2col(g, x, xOff + n * g.inChannels() * g.inPlane(), oh0, oh1, cols, col, ld);
            final int dyImg = dyOff + n * g.outChannels() * plane + oh0 * outW;
            for (int k = 0; k < g.outChannels(); k++) System.arraycopy(dy, dyImg + k * plane, d, k * ld + col, pixels);
            col += pixels;
            q += oh1 - oh0;
        }
    }

    /**
     * dL/dbias (into {@code db}, overwritten): the sum of dY over the batch and the pixels of each
     * of its {@code channels} channels, dY being {@code [batch, channels, plane]}. Each channel is
     * summed by one thread in a fixed order, so the result does not depend on the thread count.
     */
    public static void biasGradient(float[] dy, int dyOff, int batch, int channels, int plane, float[] db, int dbOff) {
        Parallel.forRange(channels, Math.max(1, (1 << 15) / Math.max(1, batch * plane)), (c0, c1) -> {
            final float[] lanes = new float[L];
            for (int c = c0; c < c1; c++) {
                FloatVector acc = FloatVector.zero(S);
                float tail = 0f;
                for (int n = 0; n < batch; n++) {
                    final int start = dyOff + (n * channels + c) * plane, bound = start + S.loopBound(plane);
                    int i = start;
                    for (; i < bound; i += L) acc = acc.add(FloatVector.fromArray(S, dy, i));
                    for (; i < start + plane; i++) tail += dy[i];
                }
                acc.intoArray(lanes, 0);
                float sum = tail;
                for (float lane : lanes) sum += lane;
                db[dbOff + c] = sum;
            }
        });
    }

    /** {@code y[i] += bias[channel of i]} for y {@code [batch, channels, plane]}. */
    public static void addBias(float[] y, int yOff, int batch, int channels, int plane, float[] bias, int bOff) {
        Parallel.forRange(batch * channels, Math.max(1, (1 << 15) / plane), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                final FloatVector b = FloatVector.broadcast(S, bias[bOff + r % channels]);
                final int start = yOff + r * plane, bound = start + S.loopBound(plane);
                int i = start;
                for (; i < bound; i += L) FloatVector.fromArray(S, y, i).add(b).intoArray(y, i);
                for (; i < start + plane; i++) y[i] += bias[bOff + r % channels];
            }
        });
    }

    /** Output rows per band, so that one band's columns fit in the budget; bands of equal height. */
    private static int bandRows(ConvGeometry g) {
        final int maxRows = Math.max(1, COLUMN_BUDGET / (g.groups() * g.colRows() * g.outW()));
        return ceilDiv(g.outH(), ceilDiv(g.outH(), maxRows));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    static float[] grow(float[] buffer, int size) {
        return buffer.length >= size ? buffer : new float[Math.max(size, buffer.length + buffer.length / 2)];
    }

    // ---- scalar references: the definition, one multiply-add at a time -----------------------

    /** The input index that output pixel {@code (oh, ow)} reads through tap {@code (ki, kj)} of channel c, or −1 in the padding. */
    static int inputIndex(ConvGeometry g, int n, int c, int oh, int ow, int ki, int kj) {
        final int ih = oh * g.strideH() - g.padH() + ki * g.dilationH();
        final int iw = ow * g.strideW() - g.padW() + kj * g.dilationW();
        if (ih < 0 || ih >= g.inH() || iw < 0 || iw >= g.inW()) return -1;
        return ((n * g.inChannels() + c) * g.inH() + ih) * g.inW() + iw;
    }

    /** One multiply of the convolution: output element {@code out} reads input {@code in} through weight {@code weight}. */
    @FunctionalInterface
    private interface Tap {
        void visit(int out, int in, int weight);
    }

    /**
     * Every (output, input, weight) triple of the convolution, the seven loops of its definition:
     * over outputs in order, then over the input channels of the output's group and the kernel
     * taps; taps that fall in the padding are skipped.
     */
    private static void forEachTap(ConvGeometry g, Tap tap) {
        final int cPer = g.inPerGroup(), kPer = g.outPerGroup(), kh = g.kernelH(), kw = g.kernelW();
        int o = 0;
        for (int n = 0; n < g.batch(); n++) {
            for (int k = 0; k < g.outChannels(); k++) {
                final int c0 = k / kPer * cPer;
                for (int oh = 0; oh < g.outH(); oh++) {
                    for (int ow = 0; ow < g.outW(); ow++, o++) {
                        for (int c = 0; c < cPer; c++) {
                            for (int ki = 0; ki < kh; ki++) {
                                for (int kj = 0; kj < kw; kj++) {
                                    final int i = inputIndex(g, n, c0 + c, oh, ow, ki, kj);
                                    if (i >= 0) tap.visit(o, i, ((k * cPer + c) * kh + ki) * kw + kj);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@code y[n,k,oh,ow] = bias[k] + Σ_{c in k's group, ki, kj} w[k, c, ki, kj] · x[n, c, ih, iw]}, summed in double. */
    public static float[] forwardReference(ConvGeometry g, float[] x, float[] w, float[] bias) {
        final double[] y = new double[g.outputLength()];
        if (bias != null) for (int o = 0; o < y.length; o++) y[o] = bias[o / g.outPlane() % g.outChannels()];
        forEachTap(g, (o, i, wi) -> y[o] += (double) w[wi] * x[i]);
        return toFloat(y);
    }

    /** {@code dx[n,c,ih,iw] = Σ w[k, c, ki, kj] · dy[n, k, oh, ow]} over every (k, oh, ow, ki, kj) that reads (ih, iw). */
    public static float[] backwardDataReference(ConvGeometry g, float[] dy, float[] w) {
        final double[] dx = new double[g.inputLength()];
        forEachTap(g, (o, i, wi) -> dx[i] += (double) w[wi] * dy[o]);
        return toFloat(dx);
    }

    /** {@code dw[k,c,ki,kj] = Σ_{n, oh, ow} dy[n, k, oh, ow] · x[n, c, ih, iw]}. */
    public static float[] backwardWeightReference(ConvGeometry g, float[] x, float[] dy) {
        final double[] dw = new double[g.weightLength()];
        forEachTap(g, (o, i, wi) -> dw[wi] += (double) dy[o] * x[i]);
        return toFloat(dw);
    }

    /** {@code db[k] = Σ_{n, oh, ow} dy[n, k, oh, ow]}. */
    public static float[] biasGradientReference(float[] dy, int batch, int channels, int plane) {
        final double[] db = new double[channels];
        for (int i = 0; i < batch * channels * plane; i++) db[i / plane % channels] += dy[i];
        return toFloat(db);
    }

    private static float[] toFloat(double[] v) {
        final float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }
}
