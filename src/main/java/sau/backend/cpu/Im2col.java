package sau.backend.cpu;

import java.util.Arrays;

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
 */
final class Im2col {

    private Im2col() {}

    /**
     * Writes the columns of output rows {@code [oh0, oh1)} of the image starting at
     * {@code x[xOff]}: entry (row r, pixel p) goes to {@code cols[colsOff + r·ld + p]}, with
     * {@code p = (oh − oh0)·outW + ow}, for all {@code inChannels·kh·kw} rows.
     */
    static void im2col(ConvGeometry g, float[] x, int xOff, int oh0, int oh1, float[] cols, int colsOff, int ld) {
        final int h = g.inH(), w = g.inW(), outW = g.outW(), sw = g.strideW();
        int row = colsOff;
        for (int c = 0; c < g.inChannels(); c++) {
            final int plane = xOff + c * h * w;
            for (int ki = 0; ki < g.kernelH(); ki++) {
                for (int kj = 0; kj < g.kernelW(); kj++, row += ld) {
                    // iw = ow·sw + shift is inside [0, w) for ow in [lo, hi): the rest is padding.
                    final int shift = kj * g.dilationW() - g.padW();
                    final int lo = firstInside(shift, sw, outW), hi = endInside(shift, sw, w, outW, lo);
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
                            System.arraycopy(x, src + lo, cols, dst + lo, hi - lo);
                        } else {
                            for (int ow = lo; ow < hi; ow++) cols[dst + ow] = x[src + ow * sw];
                        }
                        Arrays.fill(cols, dst + hi, dst + outW, 0f);
                    }
                }
            }
        }
    }

    /**
     * The adjoint of {@link #im2col}: ADDS every column entry of output rows {@code [oh0, oh1)}
     * onto the input pixel of the image at {@code dx[dxOff]} that it was copied from; entries that
     * came from the padding are dropped.
     */
    static void col2im(ConvGeometry g, float[] cols, int colsOff, int ld, int oh0, int oh1, float[] dx, int dxOff) {
        final int h = g.inH(), w = g.inW(), outW = g.outW(), sw = g.strideW();
        int row = colsOff;
        for (int c = 0; c < g.inChannels(); c++) {
            final int plane = dxOff + c * h * w;
            for (int ki = 0; ki < g.kernelH(); ki++) {
                for (int kj = 0; kj < g.kernelW(); kj++, row += ld) {
                    final int shift = kj * g.dilationW() - g.padW();
                    final int lo = firstInside(shift, sw, outW), hi = endInside(shift, sw, w, outW, lo);
                    int srcRow = row;
                    for (int oh = oh0; oh < oh1; oh++, srcRow += outW) {
                        final int ih = oh * g.strideH() - g.padH() + ki * g.dilationH();
                        if (ih < 0 || ih >= h) continue;
                        final int dst = plane + ih * w + shift;
                        for (int ow = lo; ow < hi; ow++) dx[dst + ow * sw] += cols[srcRow + ow];
                    }
                }
            }
        }
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
