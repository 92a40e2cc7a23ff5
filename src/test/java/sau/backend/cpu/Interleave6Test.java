package sau.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Interleave6Test {

    @Test
    void matchesTheScalarInterleaveAndTouchesNothingElse() {
        final SplittableRandom random = new SplittableRandom(6);
        // Rows 53 apart at an offset; 37 columns are two blocks of 16 and 5 left over.
        final int ld = 53, at = 7, columns = 37, dAt = 3;
        final float[] src = new float[at + 5 * ld + columns + 4];
        for (int i = 0; i < src.length; i++) src[i] = (float) random.nextDouble(-1, 1);
        final float[] fast = new float[dAt + 6 * columns + 4], reference = new float[fast.length];
        Arrays.fill(fast, 42f);
        Arrays.fill(reference, 42f);

        Interleave6.rows(src, at, ld, columns, fast, dAt);
        Interleave6.rowsReference(src, at, ld, columns, reference, dAt);

        assertArrayEquals(reference, fast);
        assertEquals(src[at + 4 * ld + 21], fast[dAt + 6 * 21 + 4], "row 4, column 21 lands at 6·21 + 4");
        assertEquals(src[at + 5 * ld + 36], fast[dAt + 6 * 36 + 5], "the last value, copied after the blocks");
        assertEquals(42f, fast[dAt - 1], "nothing before the destination is written");
        assertEquals(42f, fast[dAt + 6 * columns], "nothing after it either");
    }
}
