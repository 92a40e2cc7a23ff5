package sau.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The by-value layout of the elementwise kernels (no GPU needed): dimensions merge only where every operand allows. */
class Layout3Test {

    /** rank, the shape, then each operand's strides, as the kernels read them. */
    private static int[] read(int[] struct, int operands) {
        final int rank = struct[0];
        final int[] out = new int[1 + rank * (1 + operands)];
        out[0] = rank;
        for (int d = 0; d < rank; d++) {
            out[1 + d] = struct[1 + d];
            for (int k = 0; k < operands; k++) out[1 + rank * (1 + k) + d] = struct[1 + Layout3.MAX_RANK + k * Layout3.MAX_RANK + d];
        }
        return out;
    }

    @Test
    void contiguousOperandsBecomeOneDimension() {
        assertArrayEquals(new int[] {1, 24, 1, 1}, read(Layout3.of(new int[] {2, 3, 4}, new int[] {12, 4, 1}, new int[] {12, 4, 1}), 2));
    }

    @Test
    void aTransposeKeepsItsDimensionsAndSizeOneDimensionsGo() {
        // [3, 1, 4] read through strides of a transposed [4, 3], written contiguously
        assertArrayEquals(new int[] {2, 3, 4, 1, 3, 4, 1}, read(Layout3.of(new int[] {3, 1, 4}, new int[] {1, 99, 3}, new int[] {4, 4, 1}), 2));
    }

    @Test
    void broadcastDimensionsMergeOnlyWithEachOther() {
        // b is a row [1, 5] broadcast over [2, 3, 5]: its zero strides merge, a's contiguous ones too
        final int[] s = read(Layout3.of(new int[] {2, 3, 5}, new int[] {15, 5, 1}, new int[] {0, 0, 1}), 2);
        assertArrayEquals(new int[] {2, 6, 5, 5, 1, 0, 1}, s, Arrays.toString(s));
    }

    @Test
    void aSingleElementIsRankOne() {
        assertArrayEquals(new int[] {1, 1, 0}, read(Layout3.of(new int[] {1, 1}, new int[] {1, 1}), 1));
    }
}
