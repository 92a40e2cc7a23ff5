package sau.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Interleaves 16 columns of six rows into the order of GEMM's packed A panel (see {@link Gemm}):
 * the six values of column 0, then the six of column 1, and so on, 96 floats. Copied one at a
 * time that is 96 loads and 96 stores; here it is 6 row loads, 18 lane permutes and 6 stores,
 * and packing A (a copy of every value of A per product) got 3× faster: at 512³ it had taken
 * 5–8% of the product.
 *
 * <p>Writing {@code ri[j]} for column j of row i, two rounds of two-vector permutes
 * ({@link FloatVector#rearrange(VectorShuffle, jdk.incubator.vector.Vector)}, one instruction on
 * AVX-512), each lane taking any lane of either input:
 * <ul>
 *   <li>round 1 pairs the rows: {@code p01 = r0[0] r1[0] r0[1] r1[1] ... r0[7] r1[7]} (and
 *       columns 8–15 in a second vector), likewise {@code p23} and {@code p45};</li>
 *   <li>round 2 builds each 16-float piece of the output from the three pair vectors of its
 *       columns: the lanes it takes from {@code p01} and {@code p23} first, then those from
 *       {@code p45}. Output piece q of a half holds floats {@code 16q .. 16q + 15} of its 48, that
 *       is column {@code x / 6} of row {@code x % 6} for each float x.</li>
 * </ul>
 * The shuffles are made once. ({@code selectFrom(v1, v2)}, the other two-vector permute, which
 * Java 21 does not have, takes its lane numbers as a float vector and converts them on every
 * call: the packing was then only 1.4× faster.) It works on 16 lanes ({@code SPECIES_512});
 * {@link Gemm} calls it where its vectors have 16.
 */
final class Interleave6 {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int ROWS = 6, COLUMNS = 16;

    /** Round 1, for columns 0–7 and 8–15: lane t takes column {@code t / 2} of the first row (t even) or the second. */
    private static final VectorShuffle<Float>[] PAIR = shuffles(2);
    /** Round 2, piece q: the lanes from {@code p01} and {@code p23} (the others are filled in the next step). */
    private static final VectorShuffle<Float>[] FROM_FIRST_FOUR = shuffles(3);
    /** Round 2, piece q: the lanes kept from the first step, and those from {@code p45}. */
    private static final VectorShuffle<Float>[] WITH_LAST_TWO = shuffles(3);

    static {
        for (int half = 0; half < 2; half++) {
            final int[] index = new int[COLUMNS];
            for (int t = 0; t < COLUMNS; t++) index[t] = t % 2 == 0 ? half * 8 + t / 2 : second(half * 8 + t / 2);
            PAIR[half] = VectorShuffle.fromArray(S, index, 0);
        }
        for (int q = 0; q < 3; q++) {
            final int[] first = new int[COLUMNS], last = new int[COLUMNS];
            for (int t = 0; t < COLUMNS; t++) {
                final int x = COLUMNS * q + t, row = x % ROWS, pair = row / 2;
                // Where float x lies in its pair vector: column x / 6 of the half, first or second row.
                final int inPair = 2 * (x / ROWS) + row % 2;
                first[t] = pair == 0 ? inPair : pair == 1 ? second(inPair) : 0;
                last[t] = pair < 2 ? t : second(inPair);
            }
            FROM_FIRST_FOUR[q] = VectorShuffle.fromArray(S, first, 0);
            WITH_LAST_TWO[q] = VectorShuffle.fromArray(S, last, 0);
        }
    }

    /**
     * The shuffle index of lane {@code lane} of the second vector of a two-vector rearrange:
     * negative indices, {@code lane - 16}, pick from the second vector, the others from the first.
     */
    private static int second(int lane) {
        return lane - COLUMNS;
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] shuffles(int count) {
        return (VectorShuffle<Float>[]) new VectorShuffle<?>[count];
    }

    private Interleave6() {}

    /**
     * {@code dst[dAt + 6·j + i] = src[at + i·ld + j]} for rows i in [0, 6) and columns j in
     * [0, columns): the six rows at {@code src[at]}, {@code ld} apart, interleaved from
     * {@code dst[dAt]} on. Whole blocks of 16 columns are permuted in registers, the rest copied one
     * value at a time.
     */
    static void rows(float[] src, int at, int ld, int columns, float[] dst, int dAt) {
        // The index vectors held in locals, so that the loop keeps them in registers.
        final VectorShuffle<Float> pairLow = PAIR[0], pairHigh = PAIR[1];
        final VectorShuffle<Float> first0 = FROM_FIRST_FOUR[0], first1 = FROM_FIRST_FOUR[1], first2 = FROM_FIRST_FOUR[2];
        final VectorShuffle<Float> last0 = WITH_LAST_TWO[0], last1 = WITH_LAST_TWO[1], last2 = WITH_LAST_TWO[2];
        int j = 0;
        for (; j + COLUMNS <= columns; j += COLUMNS) {
            final int from = at + j, to = dAt + ROWS * j;
            final FloatVector r0 = FloatVector.fromArray(S, src, from), r1 = FloatVector.fromArray(S, src, from + ld);
            final FloatVector r2 = FloatVector.fromArray(S, src, from + 2 * ld), r3 = FloatVector.fromArray(S, src, from + 3 * ld);
            final FloatVector r4 = FloatVector.fromArray(S, src, from + 4 * ld), r5 = FloatVector.fromArray(S, src, from + 5 * ld);
            // Columns 0–7 of the block, then 8–15: 48 floats each.
            FloatVector p01 = r0.rearrange(pairLow, r1), p23 = r2.rearrange(pairLow, r3), p45 = r4.rearrange(pairLow, r5);
            p01.rearrange(first0, p23).rearrange(last0, p45).intoArray(dst, to);
            p01.rearrange(first1, p23).rearrange(last1, p45).intoArray(dst, to + COLUMNS);
            p01.rearrange(first2, p23).rearrange(last2, p45).intoArray(dst, to + 2 * COLUMNS);
            p01 = r0.rearrange(pairHigh, r1);
            p23 = r2.rearrange(pairHigh, r3);
            p45 = r4.rearrange(pairHigh, r5);
            p01.rearrange(first0, p23).rearrange(last0, p45).intoArray(dst, to + 3 * COLUMNS);
            p01.rearrange(first1, p23).rearrange(last1, p45).intoArray(dst, to + 4 * COLUMNS);
            p01.rearrange(first2, p23).rearrange(last2, p45).intoArray(dst, to + 5 * COLUMNS);
        }
        for (; j < columns; j++) {
            for (int i = 0; i < ROWS; i++) dst[dAt + ROWS * j + i] = src[at + i * ld + j];
        }
    }

    /** The definition, one value at a time, that {@link #rows} is tested against. */
    static void rowsReference(float[] src, int at, int ld, int columns, float[] dst, int dAt) {
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < columns; j++) dst[dAt + ROWS * j + i] = src[at + i * ld + j];
        }
    }
}
