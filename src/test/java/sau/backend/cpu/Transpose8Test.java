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
}
