package sau.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Transpose8Test {

    @Test
    void matchesTheScalarTransposeAndTouchesNothingElse() {
        final SplittableRandom random = new SplittableRandom(8);
        // Rows 11 apart in the source, 19 apart in the destination, both at an offset.
        final int ld = 11, at = 5, dStride = 19, dAt = 3;
        final float[] src = new float[at + 7 * ld + 8 + 4];
        for (int i = 0; i < src.length; i++) src[i] = (float) random.nextDouble(-1, 1);
        final float[] fast = new float[dAt + 7 * dStride + 8 + 4], reference = new float[fast.length];
        Arrays.fill(fast, 42f);
        Arrays.fill(reference, 42f);

        Transpose8.block(src, at, ld, fast, dAt, dStride);
        Transpose8.blockReference(src, at, ld, reference, dAt, dStride);

        assertArrayEquals(reference, fast);
        assertEquals(src[at + 2 * ld + 5], fast[dAt + 5 * dStride + 2], "row 2, column 5 lands at row 5, column 2");
        assertEquals(42f, fast[dAt + 8], "the gap between destination rows is left alone");
    }

    @Test
    void transposesWholeMatricesWithEdgesAndTouchesNothingElse() {
        final SplittableRandom random = new SplittableRandom(9);
        // Whole 8×8 blocks only, edges in both directions, and smaller than one block.
        for (int[] size : new int[][] {{8, 16}, {13, 21}, {27, 4}, {3, 5}, {1, 9}}) {
            final int rows = size[0], cols = size[1], at = 3, dAt = 5;
            final float[] src = new float[at + rows * cols + 2];
            for (int i = 0; i < src.length; i++) src[i] = (float) random.nextDouble(-1, 1);
            final float[] dst = new float[dAt + rows * cols + 2];
            Arrays.fill(dst, 42f);

            Transpose8.matrix(src, at, rows, cols, dst, dAt);

            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    assertEquals(src[at + i * cols + j], dst[dAt + j * rows + i], rows + "×" + cols + ": row " + i + ", column " + j);
                }
            }
            assertEquals(42f, dst[dAt - 1], "before the destination");
            assertEquals(42f, dst[dAt + rows * cols], "after the destination");
        }
    }
}
