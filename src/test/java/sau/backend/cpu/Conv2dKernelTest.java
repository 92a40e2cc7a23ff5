package sau.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The fast convolution kernels (im2col + GEMM, pointwise, depthwise) against the seven-loop references. */
class Conv2dKernelTest {

    /** Floats per vector on this machine: 8 with AVX2, 16 with AVX-512. */
    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    /** Odd shapes covering every path: n, c, h, w, k, kh, kw, sh, sw, ph, pw, dh, dw, groups. */
    private static final List<ConvGeometry> CASES = List.of(
            ConvGeometry.of(2, 3, 7, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1),     // plain 3×3, same padding
            ConvGeometry.of(3, 4, 9, 8, 6, 5, 5, 2, 2, 2, 2, 1, 1, 2),     // 5×5 stride 2, two groups
            ConvGeometry.of(2, 3, 8, 9, 5, 3, 5, 2, 1, 1, 2, 1, 2, 1),     // rectangular kernel, mixed stride and dilation
            ConvGeometry.of(3, 4, 9, 9, 8, 3, 3, 1, 1, 2, 2, 2, 2, 4),     // grouped, channel multiplier 2 (not depthwise)
            ConvGeometry.of(2, 3, 5, 6, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1),     // pointwise: no im2col
            ConvGeometry.of(2, 4, 6, 5, 6, 1, 1, 1, 1, 0, 0, 1, 1, 2),     // pointwise, grouped
            ConvGeometry.of(2, 3, 16, 16, 5, 1, 1, 1, 1, 0, 0, 1, 1, 1),   // pointwise on a large image: GEMMs straight on x and y
            ConvGeometry.of(2, 4, 7, 7, 6, 1, 1, 2, 2, 1, 1, 1, 1, 2),     // 1×1 strided and padded: im2col after all
            ConvGeometry.of(1, 2, 3, 3, 3, 3, 3, 1, 1, 0, 0, 1, 1, 1),     // a single output pixel
            ConvGeometry.of(2, 3, 3, 3, 4, 3, 3, 1, 1, 6, 6, 6, 6, 1),     // dilation 6 wider than the image: outer taps see only padding (SSD's fc6 on small inputs)
            ConvGeometry.of(2, 4, 6, 7, 4, 3, 3, 1, 1, 1, 1, 1, 1, 4),     // depthwise 3×3
            ConvGeometry.of(2, 3, 7, 11, 3, 3, 5, 1, 1, 0, 3, 2, 1, 3),    // depthwise stride 1, dilation and uneven padding: backward data as a flipped forward
            ConvGeometry.of(2, 3, 5, 6, 3, 3, 3, 1, 1, 3, 3, 1, 1, 3),     // depthwise stride 1, padding wider than the filter: the general backward
            ConvGeometry.of(2, 5, 8, 9, 5, 3, 3, 2, 2, 0, 0, 2, 2, 5),     // depthwise, stride 2 and dilation 2
            ConvGeometry.of(3, 3, 9, 19, 3, 5, 5, 2, 2, 2, 2, 1, 1, 3),    // depthwise 5×5 stride 2, several vectors per row
            ConvGeometry.of(2, 3, 5, 5, 3, 3, 3, 1, 2, 2, 2, 1, 1, 3),     // depthwise, padding wider than needed
            ConvGeometry.of(2, 3, 6, 7, 3, 1, 3, 1, 3, 0, 1, 1, 1, 3),     // depthwise 1×3, stride 3 in width
            ConvGeometry.of(3, 5, 4, 4, 5, 3, 3, 1, 1, 1, 1, 1, 1, 5),     // depthwise on a small "same" map: several rows per vector
            ConvGeometry.of(2, 3, 8, 8, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3),     // depthwise small map, 8×8
            ConvGeometry.of(2, 3, 4, 8, 3, 5, 5, 1, 1, 2, 2, 1, 1, 3),     // depthwise small map, 5×5 filter reaching two rows out
            ConvGeometry.of(2, 3, 8, 4, 3, 3, 3, 1, 1, 2, 2, 2, 2, 3),     // depthwise small map, dilation 2
            ConvGeometry.of(3, 4, 16, 16, 4, 3, 3, 2, 2, 1, 1, 1, 1, 4),   // depthwise small map at stride 2: four phase planes
            ConvGeometry.of(2, 3, 7, 7, 3, 3, 3, 2, 2, 1, 1, 1, 1, 3),     // stride 2 on an odd side: phase planes of 4 and 3 rows
            ConvGeometry.of(2, 3, 8, 8, 3, 5, 5, 2, 2, 2, 2, 1, 1, 3),     // stride 2, 5×5 filter
            ConvGeometry.of(2, 3, 8, 8, 3, 3, 3, 2, 2, 2, 2, 2, 2, 3),     // stride 2, dilation 2: every tap in one phase, the other three get no gradient
            ConvGeometry.of(2, 3, 12, 12, 3, 3, 3, 3, 3, 1, 1, 1, 1, 3),   // stride 3: nine phase planes
            ConvGeometry.of(2, 3, 16, 16, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3),   // 16×16 at stride 1: two vectors per row with 8 floats, one with 16
            ConvGeometry.of(2, 3, 6, 32, 3, 5, 5, 1, 1, 2, 2, 1, 1, 3),    // rows of 32: only a row's first and last vectors see the edges
            ConvGeometry.of(2, 64, 64, 64, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1),  // columns over the budget: several bands and weight chunks
            ConvGeometry.of(2, 3, 20, 16, 4, 3, 3, 1, 1, 1, 2, 2, 2, 1),   // as wide as the input, dilated: each tap one shifted copy, rows at the top or bottom padded
            ConvGeometry.of(1, 2, 16, 16, 3, 3, 3, 1, 1, 20, 20, 20, 20, 1), // dilation 20: the outer taps see only padding
            ConvGeometry.of(2, 3, 17, 17, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1),   // rows of 17: GEMM panels of 16 pixels straddle rows, the last one partial
            ConvGeometry.of(3, 3, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1),     // small 8×8 maps: a row is one load with 8-float vectors, half a vector with 16
            ConvGeometry.of(3, 5, 4, 4, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1),     // 4×4 maps: forward and backward-data tap by tap (TapwiseSmallMaps), backward-weights im2col
            ConvGeometry.of(3, 6, 4, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2),     // 4×4 maps in two groups: im2col, half a vector with 8-float vectors, a quarter with 16
            ConvGeometry.of(2, 3, 5, 3, 4, 3, 5, 1, 1, 2, 1, 2, 1, 1),     // tap by tap: rectangular kernel and map, dilated rows, taps that reach no output
            ConvGeometry.of(5, 3, 2, 2, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1),     // 2×2 maps, 3×3 kernel: a dense layer (DenseSmallMaps)
            ConvGeometry.of(5, 4, 2, 2, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2),     // 2×2 maps in two groups: im2col, a quarter of a vector with 8-float vectors
            ConvGeometry.of(3, 4, 1, 1, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1),     // 1×1 maps: dense, only the centre tap links a pair
            ConvGeometry.of(2, 3, 2, 2, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1),     // 2×2 at stride 2: one output pixel reading all four, dense
            ConvGeometry.of(2, 3, 1, 3, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1),     // a 1×3 map: dense, pairs two apart linked by no tap
            ConvGeometry.of(2, 3, 2, 2, 4, 3, 3, 1, 1, 2, 2, 2, 2, 1),     // 2×2 dilated by 2: dense, some taps only ever read padding
            ConvGeometry.of(2, 3, 6, 16, 4, 3, 3, 1, 1, 1, 2, 1, 2, 1),    // small maps with rows of 16, dilated in width: two loads a row
            ConvGeometry.of(2, 4, 16, 16, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2),   // two groups, each packed from its own channels
            ConvGeometry.of(3, 16, 6, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2));   // two groups of 72 column rows and 2 filters: weight gradient transposed (AVX-512)

    @Test
    void shuffleNetsSmallMapsTakeTheFlatPath() {
        // The CASES above reach DepthwiseSmallMaps only if these shapes do (8- and 16-float vectors alike).
        assertTrue(DepthwiseSmallMaps.fits(ConvGeometry.of(2, 232, 8, 8, 232, 3, 3, 1, 1, 1, 1, 1, 1, 232)));
        assertTrue(DepthwiseSmallMaps.fits(ConvGeometry.of(2, 464, 4, 4, 464, 3, 3, 1, 1, 1, 1, 1, 1, 464)));
        assertTrue(DepthwiseSmallMaps.fits(ConvGeometry.of(3, 5, 4, 4, 5, 3, 3, 1, 1, 1, 1, 1, 1, 5)));
        assertTrue(DepthwiseSmallMaps.fits(ConvGeometry.of(2, 116, 16, 16, 116, 3, 3, 2, 2, 1, 1, 1, 1, 116)));
        assertTrue(DepthwiseSmallMaps.fits(ConvGeometry.of(2, 232, 8, 8, 232, 3, 3, 2, 2, 1, 1, 1, 1, 232)));
        assertTrue(DepthwiseSmallMaps.fits(ConvGeometry.of(2, 3, 12, 12, 3, 3, 3, 3, 3, 1, 1, 1, 1, 3)));
        assertTrue(DepthwiseSmallMaps.fits(ConvGeometry.of(2, 3, 7, 7, 3, 3, 3, 2, 2, 1, 1, 1, 1, 3)));
        assertTrue(DepthwiseSmallMaps.fits(ConvGeometry.of(2, 58, 16, 16, 58, 3, 3, 1, 1, 1, 1, 1, 1, 58)));
        // At stride 2 a vector must hold whole output rows: rows of 16 do with 16-float vectors only.
        assertEquals(L % 16 == 0, DepthwiseSmallMaps.fits(ConvGeometry.of(2, 58, 32, 32, 58, 3, 3, 2, 2, 1, 1, 1, 1, 58)), "stride 2 with rows of 16");
        assertFalse(DepthwiseSmallMaps.fits(ConvGeometry.of(2, 24, 17, 17, 24, 3, 3, 1, 1, 1, 1, 1, 1, 24)), "rows of 17");
    }

    @Test
    void vggsTwoByTwoMapsAreDenseLayers() {
        // The CASES above reach DenseSmallMaps only if these shapes do.
        assertTrue(DenseSmallMaps.fits(ConvGeometry.of(2, 512, 2, 2, 512, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "VGG-16's 2×2 maps");
        assertTrue(DenseSmallMaps.fits(ConvGeometry.of(3, 4, 1, 1, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "1×1 maps");
        assertTrue(DenseSmallMaps.fits(ConvGeometry.of(2, 3, 1, 3, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "1×3 maps");
        assertFalse(DenseSmallMaps.fits(ConvGeometry.of(2, 512, 4, 4, 512, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "4×4 maps: 16 input pixels, more than the 9 taps");
        assertFalse(DenseSmallMaps.fits(ConvGeometry.of(2, 3, 2, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "2×4 maps: M four times the weights");
        assertFalse(DenseSmallMaps.fits(ConvGeometry.of(5, 4, 2, 2, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2)), "two groups");
        assertFalse(DenseSmallMaps.fits(ConvGeometry.of(2, 3, 2, 2, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1)), "pointwise: 4 input pixels, more than its one tap");
        // Output (0, 0) of a 2×2 map reads input (1, 1) through the bottom-right tap, and nothing links pixels two apart.
        assertEquals(8, DenseSmallMaps.tapOf(ConvGeometry.of(1, 1, 2, 2, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1))[3]);
        assertEquals(-1, DenseSmallMaps.tapOf(ConvGeometry.of(1, 1, 1, 3, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1))[2]);
    }

    @Test
    void vggsFourByFourMapsGoTapByTap() {
        // The CASES above reach TapwiseSmallMaps only if these shapes do.
        assertTrue(TapwiseSmallMaps.fits(ConvGeometry.of(2, 512, 4, 4, 512, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "VGG-16's 4×4 maps");
        assertTrue(TapwiseSmallMaps.fits(ConvGeometry.of(3, 5, 4, 4, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1)));
        assertTrue(TapwiseSmallMaps.fits(ConvGeometry.of(2, 3, 5, 3, 4, 3, 5, 1, 1, 2, 1, 2, 1, 1)));
        assertTrue(TapwiseSmallMaps.fits(ConvGeometry.of(2, 3, 3, 3, 4, 3, 3, 1, 1, 6, 6, 6, 6, 1)), "dilation 6: only the centre tap reads the image");
        assertFalse(TapwiseSmallMaps.fits(ConvGeometry.of(2, 256, 8, 8, 256, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "8×8 maps: 16% of the taps read padding");
        assertFalse(TapwiseSmallMaps.fits(ConvGeometry.of(2, 512, 2, 2, 512, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "2×2 maps are dense layers");
        assertFalse(TapwiseSmallMaps.fits(ConvGeometry.of(3, 6, 4, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2)), "two groups");
        assertFalse(TapwiseSmallMaps.fits(ConvGeometry.of(2, 3, 7, 7, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1)), "stride 2");
        // 4×4 with padding 1: each axis has taps reaching 3, 4 and 3 outputs, so 10·10 of the 9·16 pairs read the image.
        assertEquals(100, TapwiseSmallMaps.reached(ConvGeometry.of(1, 1, 4, 4, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1)));
    }

    @Test
    void weightGradientsWithManyColumnRowsAreComputedTransposed() {
        // The CASES above compute weight gradients transposed only if these shapes do (AVX-512).
        assertEquals(Gemm.IN_PLACE, Conv2dKernel.weightGradientTransposed(ConvGeometry.of(2, 16, 16, 16, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "144 rows, 32 filters");
        assertEquals(Gemm.IN_PLACE, Conv2dKernel.weightGradientTransposed(ConvGeometry.of(3, 16, 6, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2)), "72 rows, 2 filters per group");
        assertEquals(Gemm.IN_PLACE, Conv2dKernel.weightGradientTransposed(ConvGeometry.of(2, 64, 64, 64, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "576 rows, 2 filters");
        assertFalse(Conv2dKernel.weightGradientTransposed(ConvGeometry.of(2, 3, 32, 32, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "27 rows: less than two tiles across");
        assertFalse(Conv2dKernel.weightGradientTransposed(ConvGeometry.of(2, 232, 8, 8, 232, 1, 1, 1, 1, 0, 0, 1, 1, 1)), "as many rows as filters");
    }

    @Test
    void forwardMatchesReference() {
        for (ConvGeometry g : CASES) {
            final SplittableRandom r = new SplittableRandom(g.hashCode());
            final float[] x = random(r, g.inputLength()), w = random(r, g.weightLength()), b = random(r, g.outChannels());
            for (boolean withBias : new boolean[] {true, false}) {
                final float[] bias = withBias ? b : null;
                final int pad = 3;
                final float[] y = new float[g.outputLength() + pad];
                Arrays.fill(y, Float.NaN); // the kernel must overwrite, not accumulate
                Conv2dKernel.forward(g, shifted(x, pad), pad, shifted(w, 1), 1, withBias ? shifted(b, 2) : null, 2, y, pad);
                assertClose(Conv2dKernel.forwardReference(g, x, w, bias), Arrays.copyOfRange(y, pad, y.length), g + " forward, bias " + withBias);
            }
        }
    }

    @Test
    void backwardDataMatchesReference() {
        for (ConvGeometry g : CASES) {
            final SplittableRandom r = new SplittableRandom(g.hashCode() + 1);
            final float[] dy = random(r, g.outputLength()), w = random(r, g.weightLength());
            final float[] dx = new float[g.inputLength() + 2];
            Arrays.fill(dx, Float.NaN);
            Conv2dKernel.backwardData(g, shifted(dy, 1), 1, w, 0, dx, 2);
            assertClose(Conv2dKernel.backwardDataReference(g, dy, w), Arrays.copyOfRange(dx, 2, dx.length), g + " backward-data");
        }
    }

    @Test
    void backwardWeightAndBiasMatchReference() {
        for (ConvGeometry g : CASES) {
            final SplittableRandom r = new SplittableRandom(g.hashCode() + 2);
            final float[] x = random(r, g.inputLength()), dy = random(r, g.outputLength());
            final float[] dw = new float[g.weightLength() + 1];
            Arrays.fill(dw, Float.NaN);
            Conv2dKernel.backwardWeight(g, shifted(x, 2), 2, dy, 0, dw, 1);
            assertClose(Conv2dKernel.backwardWeightReference(g, x, dy), Arrays.copyOfRange(dw, 1, dw.length), g + " backward-weights");

            final float[] db = new float[g.outChannels()];
            Conv2dKernel.biasGradient(dy, 0, g.batch(), g.outChannels(), g.outPlane(), db, 0);
            assertClose(Conv2dKernel.biasGradientReference(dy, g.batch(), g.outChannels(), g.outPlane()), db, g + " bias gradient");
        }
    }

    @Test
    void transposedGeometryWithGivenOutputSize() {
        // The convolution behind conv_transpose2d(output_padding=1, stride 2): its output size is given.
        final ConvGeometry g = new ConvGeometry(2, 3, 8, 6, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 4, 3);
        final SplittableRandom r = new SplittableRandom(5);
        final float[] dy = random(r, g.outputLength()), w = random(r, g.weightLength()), x = random(r, g.inputLength());
        final float[] dx = new float[g.inputLength()], dw = new float[g.weightLength()], y = new float[g.outputLength()];
        Conv2dKernel.backwardData(g, dy, 0, w, 0, dx, 0);
        Conv2dKernel.backwardWeight(g, x, 0, dy, 0, dw, 0);
        Conv2dKernel.forward(g, x, 0, w, 0, null, 0, y, 0);
        assertClose(Conv2dKernel.backwardDataReference(g, dy, w), dx, "backward-data");
        assertClose(Conv2dKernel.backwardWeightReference(g, x, dy), dw, "backward-weights");
        assertClose(Conv2dKernel.forwardReference(g, x, w, null), y, "forward");
    }

    @Test
    void weightGradientIsTheSameOnAnyNumberOfThreads() {
        final int saved = Parallel.threads();
        // Big enough for every part of the weight gradient to hold a sizeable sum.
        final ConvGeometry dense = ConvGeometry.of(8, 16, 32, 32, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        final ConvGeometry depthwise = ConvGeometry.of(4, 24, 17, 17, 24, 3, 3, 2, 2, 1, 1, 1, 1, 24);
        final ConvGeometry depthwiseSmall = ConvGeometry.of(16, 24, 4, 4, 24, 3, 3, 1, 1, 1, 1, 1, 1, 24);
        final ConvGeometry depthwiseSmallStrided = ConvGeometry.of(16, 24, 8, 8, 24, 3, 3, 2, 2, 1, 1, 1, 1, 24);
        final ConvGeometry tapwise = ConvGeometry.of(11, 12, 4, 4, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        final ConvGeometry denseLayer = ConvGeometry.of(11, 12, 2, 2, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        try {
            for (ConvGeometry g : List.of(dense, depthwise, depthwiseSmall, depthwiseSmallStrided, tapwise, denseLayer)) {
                final SplittableRandom r = new SplittableRandom(9);
                final float[] x = random(r, g.inputLength()), dy = random(r, g.outputLength());
                final float[][] dw = new float[3][g.weightLength()], db = new float[3][g.outChannels()];
                for (int t = 0; t < 3; t++) {
                    Parallel.setThreads(t + 1);
                    Conv2dKernel.backwardWeight(g, x, 0, dy, 0, dw[t], 0);
                    Conv2dKernel.biasGradient(dy, 0, g.batch(), g.outChannels(), g.outPlane(), db[t], 0);
                }
                for (int t = 1; t < 3; t++) {
                    assertArrayEquals(dw[0], dw[t], g + ": weight gradient differs between 1 and " + (t + 1) + " threads");
                    assertArrayEquals(db[0], db[t], g + ": bias gradient differs between 1 and " + (t + 1) + " threads");
                }
                assertClose(Conv2dKernel.backwardWeightReference(g, x, dy), dw[0], g + " backward-weights");
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /**
     * Small planes put several images into one GEMM; the sets depend on the thread count, so each
     * case runs on 1, 2 and 3 threads, with batches the sets do not divide, and must match the
     * references and give the same bits every time.
     */
    @Test
    void imagesGroupedIntoOneGemmMatchReferenceOnAnyNumberOfThreads() {
        final List<ConvGeometry> cases = List.of(
                ConvGeometry.of(7, 5, 2, 2, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1),      // 2×2 planes (4 pixels)
                ConvGeometry.of(11, 4, 3, 3, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1),     // 3×3 planes (9 pixels)
                ConvGeometry.of(9, 3, 3, 3, 4, 3, 3, 1, 1, 0, 0, 1, 1, 1),      // a single output pixel
                ConvGeometry.of(10, 4, 5, 6, 6, 3, 3, 2, 2, 1, 1, 1, 1, 2),     // stride 2, two groups
                ConvGeometry.of(6, 3, 5, 5, 4, 3, 3, 1, 1, 2, 2, 2, 2, 1),      // dilation 2
                ConvGeometry.of(5, 3, 3, 3, 4, 3, 3, 1, 1, 6, 6, 6, 6, 1),      // dilation 6 past the whole plane
                ConvGeometry.of(13, 6, 3, 3, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1),     // pointwise with a small plane
                ConvGeometry.of(5, 40, 3, 3, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1),     // weight rows of 360: several GEMM depth blocks
                new ConvGeometry(5, 3, 8, 6, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 4, 3)); // given output size (conv_transpose2d)
        final int saved = Parallel.threads();
        try {
            for (ConvGeometry g : cases) {
                final SplittableRandom r = new SplittableRandom(g.hashCode());
                final float[] x = random(r, g.inputLength()), w = random(r, g.weightLength()), b = random(r, g.outChannels());
                final float[] dy = random(r, g.outputLength());
                final float[] yRef = Conv2dKernel.forwardReference(g, x, w, b), yRefNoBias = Conv2dKernel.forwardReference(g, x, w, null);
                final float[] dxRef = Conv2dKernel.backwardDataReference(g, dy, w), dwRef = Conv2dKernel.backwardWeightReference(g, x, dy);
                float[] yFirst = null, dxFirst = null;
                for (int t = 1; t <= 3; t++) {
                    Parallel.setThreads(t);
                    final String what = g + " on " + t + " threads";
                    final float[] y = new float[g.outputLength()], yNoBias = new float[g.outputLength()];
                    final float[] dx = new float[g.inputLength()], dw = new float[g.weightLength()];
                    Arrays.fill(y, Float.NaN);
                    Arrays.fill(yNoBias, Float.NaN);
                    Arrays.fill(dx, Float.NaN);
                    Conv2dKernel.forward(g, x, 0, w, 0, b, 0, y, 0);
                    Conv2dKernel.forward(g, x, 0, w, 0, null, 0, yNoBias, 0);
                    Conv2dKernel.backwardData(g, dy, 0, w, 0, dx, 0);
                    Conv2dKernel.backwardWeight(g, x, 0, dy, 0, dw, 0);
                    assertClose(yRef, y, what + " forward");
                    assertClose(yRefNoBias, yNoBias, what + " forward without bias");
                    assertClose(dxRef, dx, what + " backward-data");
                    assertClose(dwRef, dw, what + " backward-weights");
                    if (yFirst == null) {
                        yFirst = y;
                        dxFirst = dx;
                    } else {
                        assertArrayEquals(yFirst, y, what + ": forward differs from 1 thread");
                        assertArrayEquals(dxFirst, dx, what + ": backward-data differs from 1 thread");
                    }
                }
            }
            Parallel.setThreads(1);
            final int budget = Conv2dKernel.COLUMN_BUDGET;
            assertEquals(1, Conv2dKernel.imageSets(cases.get(0), budget), "one thread: the whole batch of 2×2 planes in one set");
            Parallel.setThreads(2);
            assertEquals(2, Conv2dKernel.imageSets(ConvGeometry.of(128, 128, 2, 2, 128, 3, 3, 1, 1, 1, 1, 1, 1, 1), budget),
                    "two threads, a batch of 128 small images: one set each");
            assertEquals(128, Conv2dKernel.imageSets(ConvGeometry.of(128, 3, 32, 32, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1), budget),
                    "planes of 1024 pixels are a GEMM each");
            final ConvGeometry wide = ConvGeometry.of(128, 512, 4, 4, 512, 3, 3, 1, 1, 1, 1, 1, 1, 1);
            assertEquals(10, Conv2dKernel.imageSets(wide, budget), "512 channels × 3×3 × 16 pixels: 14 images fit the budget, 10 sets");
            assertEquals(8, Conv2dKernel.imageSets(wide, Conv2dKernel.FORWARD_COLUMN_BUDGET), "forward's budget: 16 images a set");
            Parallel.setThreads(3);
            assertEquals(3, Conv2dKernel.imageSets(cases.get(0), budget), "three threads, 7 images: sets of 2, 2 and 3");
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void emptyBatchGivesZeroGradient() {
        // 8×8 maps take im2col, 4×4 go tap by tap, 2×2 are dense layers.
        for (int side : new int[] {8, 4, 2}) {
            final ConvGeometry g = ConvGeometry.of(0, 2, side, side, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1);
            final float[] dw = new float[g.weightLength()];
            Arrays.fill(dw, 7f);
            Conv2dKernel.backwardWeight(g, new float[0], 0, new float[0], 0, dw, 0);
            for (float v : dw) assertEquals(0f, v, side + "×" + side);
            Conv2dKernel.forward(g, new float[0], 0, dw, 0, null, 0, new float[0], 0);
            Conv2dKernel.backwardData(g, new float[0], 0, dw, 0, new float[0], 0);
        }
    }

    @Test
    void geometryRejectsWhatCannotBeComputed() {
        final IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> ConvGeometry.of(1, 1, 2, 2, 1, 5, 5, 1, 1, 0, 0, 1, 1, 1));
        assertTrue(small.getMessage().contains("smaller than the dilated kernel 5x5"), small.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConvGeometry.of(1, 3, 4, 4, 4, 3, 3, 1, 1, 0, 0, 1, 1, 2));
    }

    private static float[] random(SplittableRandom r, int n) {
        final float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    /** A copy of {@code a} that starts at index {@code pad}, to test the offsets. */
    private static float[] shifted(float[] a, int pad) {
        final float[] s = new float[a.length + pad];
        System.arraycopy(a, 0, s, pad, a.length);
        return s;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            final float tol = 1e-4f + 1e-4f * Math.abs(expected[i]);
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }
}
