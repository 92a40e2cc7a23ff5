package sau.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import sau.ops.Views;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/** The vectorised elementwise, reduction and softmax kernels against their scalar references. */
class ElementwiseKernelsTest {

    private final Generator gen = new Generator(7);

    @Test
    void binaryMatchesReferenceForEveryOpAndLayout() {
        final int[][][] shapes = {
            {{1000003}, {1000003}},        // big contiguous, parallel, odd tail
            {{5, 7, 33}, {7, 1}},          // broadcast in the middle
            {{4, 3, 17}, {1, 3, 1}},       // bias-like [1,C,1]
            {{13}, {}},                    // scalar operand
            {{2, 1, 9}, {3, 1}},           // both broadcast
        };
        for (BinaryOp op : BinaryOp.values()) {
            for (int[][] s : shapes) {
                final Tensor a = positive(s[0]), b = positive(s[1]);
                assertArrayEquals(reference(op, a, b), Elementwise.binary(op, a, b).toArray(), 1e-5f, op + " " + java.util.Arrays.deepToString(s));
            }
        }
    }

    @Test
    void binaryReadsStridedViews() {
        final Tensor a = Views.transpose(Tensor.randn(gen, 9, 11), 0, 1); // not contiguous
        final Tensor b = Views.narrow(Tensor.randn(gen, 11, 12), 1, 1, 9);
        assertArrayEquals(Elementwise.binaryReference(BinaryOp.MUL, a, b).toArray(), Elementwise.binary(BinaryOp.MUL, a, b).toArray(), 0f);
    }

    @Test
    void addIntoAddsEveryElementOfAStridedSource() {
        for (int n : new int[] {1, 7, 8, 100_003}) {
            final Tensor dst = Tensor.randn(gen, n);
            final float[] before = dst.toArray();
            final Tensor src = Views.narrow(Tensor.randn(gen, n + 3), 0, 2, n);
            Elementwise.addInto(dst, src);
            final float[] added = src.toArray(), expected = new float[n];
            for (int i = 0; i < n; i++) expected[i] = before[i] + added[i];
            assertArrayEquals(expected, dst.toArray(), 0f, "n=" + n);
        }
    }

    private static float[] reference(BinaryOp op, Tensor a, Tensor b) {
        return Elementwise.binaryReference(op, a, b).toArray();
    }

    @Test
    void unaryMatchesReference() {
        final Tensor x = positive(1003);
        for (UnaryOp op : UnaryOp.values()) {
            final float[] fast = Elementwise.unary(op, x, 1.5f, 2f).toArray();
            final float[] ref = Elementwise.unaryReference(op, x, 1.5f, 2f).toArray();
            for (int i = 0; i < fast.length; i++) {
                assertEquals(ref[i], fast[i], 2e-6f * Math.max(1f, Math.abs(ref[i])), op + " at x=" + x.data()[i]);
            }
        }
    }

    @Test
    void sumMatchesReferenceAlongEveryDimension() {
        final Tensor x = Tensor.randn(gen, 3, 17, 2, 45);
        for (int d = 0; d < 4; d++) {
            assertArrayEquals(Reduce.sumReference(x, d).toArray(), Reduce.sum(x, d).toArray(), 1e-4f, "dim " + d);
        }
        final Tensor big = Tensor.randn(gen, 2, 300_001);
        assertArrayEquals(Reduce.sumReference(big, 1).toArray(), Reduce.sum(big, 1).toArray(), 0.05f);
    }

    @Test
    void maxFindsValueAndFirstIndex() {
        final Tensor x = Tensor.of(new float[] {1, 5, 5, -1, 2, 0}, 2, 3);
        final Reduce.MaxResult r = Reduce.max(x, 1);
        assertArrayEquals(new float[] {5, 2}, r.values().toArray());
        assertArrayEquals(new int[] {1, 1}, r.indices());
        final Reduce.MaxResult c = Reduce.max(x, 0);
        assertArrayEquals(new float[] {1, 5, 5}, c.values().toArray());
        assertArrayEquals(new int[] {0, 0, 0}, c.indices());
    }

    @Test
    void softmaxMatchesReferenceAndSurvivesHugeLogits() {
        final int rows = 7, n = 37;
        final float[] x = Tensor.randn(gen, rows, n).data();
        x[3] = 1000f; // would overflow e^x without the max shift
        for (boolean log : new boolean[] {false, true}) {
            final float[] fast = new float[rows * n], ref = new float[rows * n];
            SoftmaxKernel.forward(x, 0, fast, rows, n, log);
            SoftmaxKernel.forwardReference(x, 0, ref, rows, n, log);
            assertArrayEquals(ref, fast, 1e-5f);
        }
    }

    /**
     * Cross entropy's gradient against its definition in double: rows of 37 and of 8000 classes
     * split over the threads, an ignored row, each row's own scale, with and without label
     * smoothing; within two ulps of the largest value.
     */
    @Test
    void crossEntropyGradientMatchesItsDefinition() {
        for (int classes : new int[] {37, 8000}) {
            final int rows = 5;
            final float[] logp = new float[rows * classes];
            SoftmaxKernel.forward(Tensor.randn(gen, rows, classes).data(), 0, logp, rows, classes, true);
            final int[] t = {3, -100, 0, classes - 1, 17};
            final float[] scale = {0.2f, 0.2f, -1.5f, 3f, 0.01f};
            for (float smoothing : new float[] {0f, 0.1f}) {
                final float[] fast = new float[rows * classes], ref = new float[rows * classes];
                Arrays.fill(fast, Float.NaN); // every value must be written, the ignored row's too
                SoftmaxKernel.crossEntropyBackward(logp, t, scale, rows, classes, smoothing, -100, fast);
                SoftmaxKernel.crossEntropyBackwardReference(logp, t, scale, rows, classes, smoothing, -100, ref);
                assertArrayEquals(ref, fast, 2 * Math.ulp(3f), classes + " classes, smoothing " + smoothing);
                for (int c = 0; c < classes; c++) assertEquals(0f, fast[classes + c], "the ignored row is zero");
            }
        }
    }

    @Test
    void copyIntoAndWhere() {
        final Tensor dst = Tensor.zeros(3, 4);
        Elementwise.copyInto(Views.narrow(dst, 1, 1, 2), Tensor.of(7f, 8f));
        assertArrayEquals(new float[] {0, 7, 8, 0, 0, 7, 8, 0, 0, 7, 8, 0}, dst.toArray());
        final Tensor w = Elementwise.where(Tensor.of(1f, 0f, 1f), Tensor.scalar(Float.NEGATIVE_INFINITY), Tensor.of(1f, 2f, 3f));
        assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY, 2, Float.NEGATIVE_INFINITY}, w.toArray());
    }

    @Test
    void copyIntoSplitsLongRowsBetweenThreads() {
        final int saved = Parallel.threads();
        try {
            Parallel.setThreads(2);
            // One contiguous row worth several parts: the parts start and end inside it.
            final int n = 3 * Elementwise.GRAIN + 5;
            final Tensor src = Tensor.rand(gen, n), dst = Tensor.zeros(n);
            Elementwise.copyInto(dst, src);
            assertArrayEquals(src.toArray(), dst.toArray());
            // Rows longer than a part, written through a transposed view (stride 2), and read
            // from a source broadcast over the rows (stride 0).
            final int rows = 2, cols = 2 * Elementwise.GRAIN + 7; // 4 parts: two of them start inside a row
            final Tensor wide = Tensor.rand(gen, rows, cols), tall = Tensor.zeros(cols, rows);
            Elementwise.copyInto(Views.transpose(tall, 0, 1), wide);
            final Tensor row = Tensor.rand(gen, cols), repeated = Tensor.zeros(rows, cols);
            Elementwise.copyInto(repeated, row);
            final float[] w = wide.toArray(), t = tall.toArray(), r = row.toArray(), rep = repeated.toArray();
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    assertEquals(w[i * cols + j], t[j * rows + i], "transposed (" + i + ", " + j + ")");
                    assertEquals(r[j], rep[i * cols + j], "broadcast (" + i + ", " + j + ")");
                }
            }
            // Many short rows over three dimensions, so that the walk from row to row carries
            // from one dimension into the next, in two parts.
            final int n0 = 128, n1 = 33, n2 = 17;
            final Tensor cube = Tensor.rand(gen, n0, n1, n2), reversed = Tensor.zeros(n2, n1, n0);
            Elementwise.copyInto(Views.permute(reversed, 2, 1, 0), cube);
            final float[] c = cube.toArray(), v = reversed.toArray();
            for (int i = 0; i < n0; i++) {
                for (int j = 0; j < n1; j++) {
                    for (int k = 0; k < n2; k++) {
                        assertEquals(c[(i * n1 + j) * n2 + k], v[(k * n1 + j) * n0 + i], "permuted (" + i + ", " + j + ", " + k + ")");
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /** Values in [0.5, 2.5): valid for every op, including log, sqrt and pow. */
    private Tensor positive(int... shape) {
        final Tensor t = Tensor.rand(gen, shape);
        final float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = 0.5f + 2 * d[i];
        return t;
    }
}
