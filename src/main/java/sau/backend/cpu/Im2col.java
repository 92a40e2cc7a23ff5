package sau.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * im2col ("image to columns") and its adjoint col2im: the data movement that turns a
 * convolution into one matrix product.
 *
 * <p>A convolution output pixel is a dot product between one filter (a row of the weight matrix,
 * {@code inChannels/groups·kh·kw} numbers) and the input patch under the kernel at that pixel. If
 * every patch is copied into a column of a matrix, the "columns", then all output pixels of all
 * filters come out of a single GEMM: {@code Y (outChannels × pixels) = W (outChannels × c·kh·kw)
 * · cols (c·kh·kw × pixels)}. The copy costs {@code kh·kw} times the input's size in memory
 * traffic, but GEMM runs close to the core's peak, which a direct loop nest over seven indices
 * does not; for ordinary convolutions (3×3, many channels) the trade pays off many times.
 *
 * <p>Layout: row {@code (c·kh + ki)·kw + kj} of the columns holds, for every output pixel,
 * the input value that kernel tap {@code (ki, kj)} of channel c sees there (zero in the padding).
 * Rows of one channel are consecutive, so group g's rows form one contiguous block. Columns are
 * output pixels in row-major order; the functions here fill the columns of a band of output rows
 * {@code [oh0, oh1)}, so that callers can bound the buffer's size on large images or put the
 * bands of several images side by side.
 *
 * <p>col2im goes the other way: it adds every column entry back onto the input pixel it was copied
 * from. That is the transpose of im2col, which is what the backward pass needs: the gradient of a
 * copy is a sum over all the places the value was copied to.
 *
 * <p>Small images make short rows, and a loop per row of a few pixels costs more than its copy.
 * {@link #gatherImages} therefore unrolls several whole images at once through an index table,
 * each row of the columns one long loop over all their pixels; {@link #scatterImages} is its
 * adjoint.
 */
final class Im2col {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Four floats: a row of a 4×4 map. */
    private static final VectorSpecies<Float> FOUR_FLOATS = FloatVector.SPECIES_128;
    /** Eight floats: a row of an 8×8 map, half a vector with AVX-512. */
    private static final VectorSpecies<Float> EIGHT_FLOATS = FloatVector.SPECIES_256;

    private Im2col() {}

    /**
     * Writes the columns of output rows {@code [oh0, oh1)} of the image starting at
     * {@code x[xOff]}: entry (row r, pixel p) goes to {@code cols[colsOff + r·ld + p]}, with
     * {@code p = (oh − oh0)·outW + ow}, for all {@code inChannels·kh·kw} rows.
     */
    static void im2col(ConvGeometry g, float[] x, int xOff, int oh0, int oh1, float[] cols, int colsOff, int ld) {
        final int h = g.inH(), w = g.inW(), outW = g.outW(), sw = g.strideW();
        final boolean contiguous = tapIsContiguous(g);
        int row = colsOff;
        for (int c = 0; c < g.inChannels(); c++) {
            final int plane = xOff + c * h * w;
            for (int ki = 0; ki < g.kernelH(); ki++) {
                for (int kj = 0; kj < g.kernelW(); kj++, row += ld) {
                    // iw = ow·sw + shift is inside [0, w) for ow in [lo, hi): the rest is padding.
                    final int shift = kj * g.dilationW() - g.padW();
                    final int lo = firstInside(shift, sw, outW), hi = endInside(shift, sw, w, outW, lo);
                    if (contiguous) {
                        contiguousTap(g, x, plane, ki, shift, lo, hi, oh0, oh1, cols, row);
                        continue;
                    }
                    int dst = row;
                    for (int oh = oh0; oh < oh1; oh++, dst += outW) {
                        final int ih = oh * g.strideH() - g.padH() + ki * g.dilationH();
                        if (ih < 0 || ih >= h) {
                            Arrays.fill(cols, dst, dst + outW, 0f);
                            continue;
                        }
                        final int src = plane + ih * w + shift;
                        Arrays.fill(cols, dst, dst + lo, 0f);
                        if (sw == 1) {
                            // hi == lo when the tap never lands inside the row (a dilation wider than the image);
                            // src + lo may then point before the plane, which arraycopy refuses even for 0 elements
                            if (hi > lo) System.arraycopy(x, src + lo, cols, dst + lo, hi - lo);
                        } else {
                            for (int ow = lo; ow < hi; ow++) cols[dst + ow] = x[src + ow * sw];
                        }
                        Arrays.fill(cols, dst + hi, dst + outW, 0f);
                    }
                }
            }
        }
    }

    /** Both strides 1 and the output as wide as the input: see {@link #contiguousTap}. */
    private static boolean tapIsContiguous(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1 && g.inW() == g.outW();
    }

    /**
     * One row of the columns (one tap of one channel) when both strides are 1 and the output is as
     * wide as the input ("same" padding): then consecutive output rows read consecutive input rows,
     * and the whole row is one copy of the input plane, shifted by the tap, with the pixels that
     * fall in the padding zeroed afterwards. Row by row it was a fill, a copy and a fill per output
     * row, 9 ns each for rows of 16; the 3×3 convolutions at 16×16 spent a third of their forward
     * pass there (docs/performance.md).
     */
    private static void contiguousTap(ConvGeometry g, float[] x, int plane, int ki, int shift, int lo, int hi,
                                      int oh0, int oh1, float[] cols, int row) {
        final int w = g.inW();
        if (hi <= lo) {
            // The tap lands left or right of the image for every pixel (a dilation wider than it).
            Arrays.fill(cols, row, row + (oh1 - oh0) * w, 0f);
            return;
        }
        // Output rows [inside0, inside1) read input rows inside [0, h); the others are padding.
        final int ihShift = ki * g.dilationH() - g.padH();
        final int inside0 = rowsInsideFrom(g, ihShift, oh0, oh1), inside1 = rowsInsideTo(g, ihShift, inside0, oh1);
        Arrays.fill(cols, row, row + (inside0 - oh0) * w, 0f);
        Arrays.fill(cols, row + (inside1 - oh0) * w, row + (oh1 - oh0) * w, 0f);
        if (inside1 == inside0) return;
        // From the first pixel inside the first row to the last one inside the last row: every
        // value read lies in the plane, and the values between rows are overwritten just below.
        final int dst = row + (inside0 - oh0) * w, src = plane + (inside0 + ihShift) * w + shift;
        System.arraycopy(x, src + lo, cols, dst + lo, (inside1 - inside0 - 1) * w + hi - lo);
        zeroOutside(cols, dst, inside1 - inside0, w, lo, hi);
    }

    /**
     * The first output row of {@code [oh0, oh1)} whose input row {@code oh + ihShift} lies in the
     * image (stride 1), or oh1: {@link #firstInside} on rows instead of columns.
     */
    private static int rowsInsideFrom(ConvGeometry g, int ihShift, int oh0, int oh1) {
        return Math.min(oh1, Math.max(oh0, firstInside(ihShift, 1, g.outH())));
    }

    /** One past the last such row, at least {@code inside0}: {@link #endInside} on rows. */
    private static int rowsInsideTo(ConvGeometry g, int ihShift, int inside0, int oh1) {
        return Math.max(inside0, Math.min(oh1, endInside(ihShift, 1, g.inH(), g.outH(), 0)));
    }

    /** Zeroes the entries left of {@code lo} and from {@code hi} on in each of {@code rows} rows of {@code w} from {@code cols[at]}. */
    private static void zeroOutside(float[] cols, int at, int rows, int w, int lo, int hi) {
        // The general loops at the end cost two loop set-ups a row. A tap in the centre column
        // has nothing to zero, and one a column left or right of it (padding 1: every 3×3
        // convolution here) one entry per row: one store. im2col of 64 channels at 32×32 went
        // from 93 to 65–68 µs, at 16×16 with 128 from 63 to 46.
        if (lo == 0 && hi == w) return;
        if (lo == 1 && hi == w) {
            for (int r = 0, row = at; r < rows; r++, row += w) cols[row] = 0f;
            return;
        }
        if (lo == 0 && hi == w - 1) {
            for (int r = 0, row = at + w - 1; r < rows; r++, row += w) cols[row] = 0f;
            return;
        }
        for (int r = 0, row = at; r < rows; r++, row += w) {
            for (int ow = 0; ow < lo; ow++) cols[row + ow] = 0f;
            for (int ow = hi; ow < w; ow++) cols[row + ow] = 0f;
        }
    }

    /**
     * The adjoint of {@link #im2col}: ADDS every column entry of output rows {@code [oh0, oh1)}
     * onto the input pixel of the image at {@code dx[dxOff]} that it was copied from; entries that
     * came from the padding are dropped (and may be set to zero in {@code cols}, a scratch buffer
     * for every caller).
     */
    static void col2im(ConvGeometry g, float[] cols, int colsOff, int ld, int oh0, int oh1, float[] dx, int dxOff) {
        final int h = g.inH(), w = g.inW(), outW = g.outW(), sw = g.strideW();
        final boolean contiguous = tapIsContiguous(g);
        int row = colsOff;
        for (int c = 0; c < g.inChannels(); c++) {
            final int plane = dxOff + c * h * w;
            for (int ki = 0; ki < g.kernelH(); ki++) {
                for (int kj = 0; kj < g.kernelW(); kj++, row += ld) {
                    final int shift = kj * g.dilationW() - g.padW();
                    final int lo = firstInside(shift, sw, outW), hi = endInside(shift, sw, w, outW, lo);
                    if (contiguous) {
                        contiguousTapAdd(g, cols, row, ki, shift, lo, hi, oh0, oh1, dx, plane);
                        continue;
                    }
                    int srcRow = row;
                    for (int oh = oh0; oh < oh1; oh++, srcRow += outW) {
                        final int ih = oh * g.strideH() - g.padH() + ki * g.dilationH();
                        if (ih < 0 || ih >= h) continue;
                        final int dst = plane + ih * w + shift;
                        if (sw == 1) Elementwise.accumulate(cols, srcRow + lo, dx, dst + lo, hi - lo);
                        else for (int ow = lo; ow < hi; ow++) dx[dst + ow * sw] += cols[srcRow + ow];
                    }
                }
            }
        }
    }

    /**
     * The adjoint of {@link #contiguousTap}: the tap's row of the columns added onto the plane in
     * one run, after its entries that came from the padding have been set to zero (they would
     * otherwise land on the neighbouring row's pixels). Adding a zero leaves a pixel as it was, so
     * the result is the same as row by row, where rows of 15 were a vector and 7 single adds.
     */
    private static void contiguousTapAdd(ConvGeometry g, float[] cols, int row, int ki, int shift, int lo, int hi,
                                         int oh0, int oh1, float[] dx, int plane) {
        final int w = g.inW();
        final int ihShift = ki * g.dilationH() - g.padH();
        final int inside0 = rowsInsideFrom(g, ihShift, oh0, oh1), inside1 = rowsInsideTo(g, ihShift, inside0, oh1);
        if (inside1 == inside0 || hi <= lo) return;
        final int src = row + (inside0 - oh0) * w, dst = plane + (inside0 + ihShift) * w + shift;
        zeroOutside(cols, src, inside1 - inside0, w, lo, hi);
        Elementwise.accumulate(cols, src + lo, dx, dst + lo, (inside1 - inside0 - 1) * w + hi - lo);
    }

    /**
     * Per-thread buffers that only grow, for {@link #gatherImages} and {@link #scatterImages}:
     * the padded images and the index table.
     */
    private static final class Buffers {
        float[] padded = new float[0];
        int[] index = new int[0];
        /** The images whose index table {@code index} holds, or null. */
        Padded indexFor;
        /** The images whose zero borders {@code padded} holds (only the pixels inside differ), or null. */
        Padded bordersFor;

        /** The index table of {@code p}, built only when the last call was for other images. */
        int[] table(Padded p) {
            if (!p.equals(indexFor)) {
                index = p.table(index);
                indexFor = p;
            }
            return index;
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /**
     * The columns of whole images {@code [n0, n1)} of the batch at {@code x[xOff]}, side by
     * side: image n's pixel p goes to column {@code (n − n0)·outH·outW + p} of
     * {@code cols[colsOff...]} (leading dimension {@code ld}). Same result as {@link #im2col}
     * image by image, but built for small images, whose rows are too short for copies: the
     * images are first copied into a zero-bordered buffer, so that the padding is made of real
     * zeros, and then every row of the columns is one branch-free loop over all the images'
     * pixels, reading through a table of where each pixel's tap lies in the padded image.
     */
    static void gatherImages(ConvGeometry g, float[] x, int xOff, int n0, int n1, float[] cols, int colsOff, int ld) {
        if (g.isPointwise()) {
            // a 1×1 stride-1 unpadded convolution's columns are the pixels themselves
            planesSideBySide(x, xOff, g.inChannels(), g.inPlane(), n0, n1, cols, colsOff, ld, true);
            return;
        }
        final Buffers b = BUFFERS.get();
        final Padded p = new Padded(g, n1 - n0);
        if (b.padded.length < p.length() + S.length()) {
            b.padded = new float[p.length() + S.length()];
            b.bordersFor = null;
        }
        final float[] padded = b.padded;
        // Every call for the same images writes the same pixels: the borders stay zero between them.
        if (!p.equals(b.bordersFor)) {
            Arrays.fill(padded, 0, p.length(), 0f);
            b.bordersFor = p;
        }
        p.copyPixels(x, xOff + n0 * g.inChannels() * g.inPlane(), padded, true);
        final int[] index = b.table(p);
        final int taps = g.kernelH() * g.kernelW(), n = p.columns;
        // At stride 1 an output row reads consecutive pixels of the padded image. Where rows are
        // whole vectors (8×8 maps with 8-float vectors), each vector of a row of the columns is
        // then one load from where its first pixel is, not a gather; where a vector holds two
        // rows (4×4 maps with 8 floats, 8×8 with 16), two loads, each with one of the rows in its
        // place, and a blend; four rows (2×2 maps with 8 floats, 4×4 with 16), four loads and
        // three blends. The buffer has a vector of slack at its end for the first load of the
        // last row, and row r of a tap starts at least r rows into the buffer, so its load from
        // r rows' length before it stays inside.
        final boolean rowsAreVectors = g.strideW() == 1 && g.outW() % S.length() == 0;
        final int half = S.length() / 2, quarter = S.length() / 4;
        final boolean rowsAreHalfVectors = g.strideW() == 1 && g.outW() == half;
        final boolean rowsAreQuarterVectors = g.strideW() == 1 && g.outW() == quarter;
        final VectorMask<Float> upperHalf = S.indexInRange(-half, half);
        final VectorMask<Float> secondQuarter = S.indexInRange(-quarter, quarter), thirdQuarter = S.indexInRange(-2 * quarter, quarter),
                fourthQuarter = S.indexInRange(-3 * quarter, quarter);
        int row = colsOff;
        for (int c = 0; c < g.inChannels(); c++) {
            final int base = c * p.plane;
            for (int t = 0; t < taps; t++, row += ld) {
                final int at = t * n;
                int j = 0;
                if (rowsAreVectors) {
                    for (final int bound = S.loopBound(n); j < bound; j += S.length()) {
                        FloatVector.fromArray(S, padded, base + index[at + j]).intoArray(cols, row + j);
                    }
                } else if (rowsAreHalfVectors) {
                    for (final int bound = S.loopBound(n); j < bound; j += S.length()) {
                        final FloatVector first = FloatVector.fromArray(S, padded, base + index[at + j]);
                        final FloatVector second = FloatVector.fromArray(S, padded, base + index[at + j + half] - half);
                        first.blend(second, upperHalf).intoArray(cols, row + j);
                    }
                } else if (rowsAreQuarterVectors) {
                    for (final int bound = S.loopBound(n); j < bound; j += S.length()) {
                        FloatVector.fromArray(S, padded, base + index[at + j])
                                .blend(FloatVector.fromArray(S, padded, base + index[at + j + quarter] - quarter), secondQuarter)
                                .blend(FloatVector.fromArray(S, padded, base + index[at + j + 2 * quarter] - 2 * quarter), thirdQuarter)
                                .blend(FloatVector.fromArray(S, padded, base + index[at + j + 3 * quarter] - 3 * quarter), fourthQuarter)
                                .intoArray(cols, row + j);
                    }
                }
                for (final int bound = S.loopBound(n); j < bound; j += S.length()) {
                    FloatVector.fromArray(S, padded, base, index, at + j).intoArray(cols, row + j);
                }
                for (; j < n; j++) cols[row + j] = padded[base + index[at + j]];
            }
        }
    }

    /**
     * The adjoint of {@link #gatherImages}: OVERWRITES the input gradient of images
     * {@code [n0, n1)} at {@code dx[dxOff]} with the sum of the column entries copied from each
     * pixel. The entries are added in the same order as by {@link #col2im}, so both give the
     * same bits.
     */
    static void scatterImages(ConvGeometry g, float[] cols, int colsOff, int ld, int n0, int n1, float[] dx, int dxOff) {
        if (g.isPointwise()) {
            // each pixel was copied into one column entry: nothing to sum, the same copy back
            planesSideBySide(dx, dxOff, g.inChannels(), g.inPlane(), n0, n1, cols, colsOff, ld, false);
            return;
        }
        final Buffers b = BUFFERS.get();
        final Padded p = new Padded(g, n1 - n0);
        final float[] padded = b.padded = grow(b.padded, p.length());
        Arrays.fill(padded, 0, p.length(), 0f);
        b.bordersFor = null; // the sums below land on the borders too
        final int[] index = b.table(p);
        final int taps = g.kernelH() * g.kernelW(), n = p.columns, outW = g.outW();
        // At stride 1 an output row's entries land on a run of consecutive pixels for every tap,
        // added a vector at a time: a row of exactly one vector, or of one 8- or 4-float vector
        // (8×8 maps with AVX-512, 4×4 maps), in one add; a longer row by Elementwise.accumulate.
        final boolean stride1 = g.strideW() == 1;
        final boolean oneVectorRows = stride1 && outW == S.length();
        final boolean eightFloatRows = stride1 && outW == EIGHT_FLOATS.length(), fourFloatRows = stride1 && outW == FOUR_FLOATS.length();
        final boolean longRows = stride1 && outW > S.length();
        int row = colsOff;
        for (int c = 0; c < g.inChannels(); c++) {
            final int base = c * p.plane;
            for (int t = 0; t < taps; t++, row += ld) {
                final int at = t * n;
                if (oneVectorRows) {
                    for (int j = 0; j < n; j += outW) {
                        final int to = base + index[at + j];
                        FloatVector.fromArray(S, padded, to).add(FloatVector.fromArray(S, cols, row + j)).intoArray(padded, to);
                    }
                } else if (eightFloatRows) {
                    for (int j = 0; j < n; j += outW) {
                        final int to = base + index[at + j];
                        FloatVector.fromArray(EIGHT_FLOATS, padded, to).add(FloatVector.fromArray(EIGHT_FLOATS, cols, row + j)).intoArray(padded, to);
                    }
                } else if (fourFloatRows) {
                    for (int j = 0; j < n; j += outW) {
                        final int to = base + index[at + j];
                        FloatVector.fromArray(FOUR_FLOATS, padded, to).add(FloatVector.fromArray(FOUR_FLOATS, cols, row + j)).intoArray(padded, to);
                    }
                } else if (longRows) {
                    for (int j = 0; j < n; j += outW) Elementwise.accumulate(cols, row + j, padded, base + index[at + j], outW);
                } else {
                    for (int j = 0; j < n; j++) padded[base + index[at + j]] += cols[row + j];
                }
            }
        }
        p.copyPixels(dx, dxOff + n0 * g.inChannels() * g.inPlane(), padded, false);
    }

    /**
     * Images {@code [n0, n1)} of an NCHW batch at {@code images[off]} ({@code channels} planes of
     * {@code plane} values each) laid side by side in a {@code channels × pixels} matrix at
     * {@code matrix[mOff]} with leading dimension ld: row c holds channel c of each image in turn.
     * With {@code intoMatrix} false the planes are copied back out of the matrix instead.
     */
    static void planesSideBySide(float[] images, int off, int channels, int plane, int n0, int n1, float[] matrix, int mOff, int ld, boolean intoMatrix) {
        for (int n = n0; n < n1; n++) {
            for (int c = 0; c < channels; c++) {
                final int image = off + (n * channels + c) * plane, at = mOff + c * ld + (n - n0) * plane;
                if (intoMatrix) System.arraycopy(images, image, matrix, at, plane);
                else System.arraycopy(matrix, at, images, image, plane);
            }
        }
    }

    /**
     * The zero-bordered copy of {@code count} images: each plane is {@code height × width},
     * with the image at row padH and column padW, and large enough for every tap the geometry
     * reads (the bottom and right borders may be narrower than the padding: a stride can skip them).
     */
    private record Padded(ConvGeometry g, int count, int height, int width, int plane, int columns) {
        Padded(ConvGeometry g, int count) {
            this(g, count, reach(g.inH(), g.padH(), g.outH(), g.strideH(), g.kernelH(), g.dilationH()),
                    reach(g.inW(), g.padW(), g.outW(), g.strideW(), g.kernelW(), g.dilationW()), count * g.outPlane());
        }

        private Padded(ConvGeometry g, int count, int height, int width, int columns) {
            this(g, count, height, width, height * width, columns);
        }

        private static int reach(int in, int pad, int out, int stride, int kernel, int dilation) {
            return Math.max(pad + in, (out - 1) * stride + (kernel - 1) * dilation + 1);
        }

        int length() {
            return count * g.inChannels() * plane;
        }

        /**
         * Copies the pixels of the {@code count} images stored from {@code images[at]} into their
         * places inside the borders of {@code padded} ({@code intoPadded}), or back out of them.
         */
        void copyPixels(float[] images, int at, float[] padded, boolean intoPadded) {
            final int h = g.inH(), w = g.inW();
            for (int c = 0, planes = count * g.inChannels(), image = at; c < planes; c++) {
                for (int ih = 0; ih < h; ih++, image += w) {
                    final int inside = c * plane + (ih + g.padH()) * width + g.padW();
                    if (intoPadded) System.arraycopy(images, image, padded, inside, w);
                    else System.arraycopy(padded, inside, images, image, w);
                }
            }
        }

        /**
         * Entry {@code t·columns + j} is where column j (image j / outPlane, pixel j % outPlane)
         * reads tap t = (ki, kj) in channel 0 of the padded images; channel c adds {@code c·plane}.
         */
        int[] table(int[] buffer) {
            final int[] index = buffer.length >= g.kernelH() * g.kernelW() * columns ? buffer : new int[g.kernelH() * g.kernelW() * columns];
            final int imageStride = g.inChannels() * plane;
            int at = 0;
            for (int ki = 0; ki < g.kernelH(); ki++) {
                for (int kj = 0; kj < g.kernelW(); kj++) {
                    for (int n = 0; n < count; n++) {
                        for (int oh = 0; oh < g.outH(); oh++) {
                            final int rowAt = n * imageStride + (oh * g.strideH() + ki * g.dilationH()) * width + kj * g.dilationW();
                            for (int ow = 0; ow < g.outW(); ow++) index[at++] = rowAt + ow * g.strideW();
                        }
                    }
                }
            }
            return index;
        }
    }

    private static float[] grow(float[] buffer, int size) {
        return buffer.length >= size ? buffer : new float[size];
    }

    /** The first {@code ow} with {@code ow·stride + shift ≥ 0}, at most {@code outW}. */
    static int firstInside(int shift, int stride, int outW) {
        return shift >= 0 ? 0 : Math.min(outW, (-shift + stride - 1) / stride);
    }

    /** One past the last {@code ow} with {@code ow·stride + shift < w}, at least {@code lo}. */
    static int endInside(int shift, int stride, int w, int outW, int lo) {
        final int last = w - 1 - shift;
        return last < 0 ? lo : Math.max(lo, Math.min(outW, last / stride + 1));
    }
}
