package sau.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transposes an 8×8 block of floats with vector shuffles: 8 row loads, 24 two-vector shuffles and
 * 8 row stores, where copying the 64 values one at a time costs 64 loads and 64 stores. GEMM's
 * packing of a transposed B uses it (see {@link Gemm}): ShuffleNet's 1×1 weight gradients at
 * 16×16, whose B is read transposed and reused by few rows of A, got 15–19% faster.
 *
 * <p>The three rounds are the classic ones for 8-lane registers. Writing {@code r0..r7} for the
 * rows and {@code ri[j]} for their lanes: round 1 interleaves pairs of rows ({@code r0[0] r1[0]
 * r0[1] r1[1]} in each 128-bit half), round 2 interleaves pairs of those pairs (four rows' worth of
 * one column in each half), round 3 joins the halves of two such vectors into one column. It
 * always works on 8 lanes ({@code SPECIES_256}), also where the preferred vectors are wider.
 */
final class Transpose8 {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

    // In a two-vector shuffle, lanes 8..15 are the second vector's lanes 0..7.
    private static final VectorShuffle<Float> PAIRS_LOW = VectorShuffle.fromValues(S, 0, 8, 1, 9, 4, 12, 5, 13);
    private static final VectorShuffle<Float> PAIRS_HIGH = VectorShuffle.fromValues(S, 2, 10, 3, 11, 6, 14, 7, 15);
    private static final VectorShuffle<Float> QUADS_LOW = VectorShuffle.fromValues(S, 0, 1, 8, 9, 4, 5, 12, 13);
    private static final VectorShuffle<Float> QUADS_HIGH = VectorShuffle.fromValues(S, 2, 3, 10, 11, 6, 7, 14, 15);
    private static final VectorShuffle<Float> HALVES_LOW = VectorShuffle.fromValues(S, 0, 1, 2, 3, 8, 9, 10, 11);
    private static final VectorShuffle<Float> HALVES_HIGH = VectorShuffle.fromValues(S, 4, 5, 6, 7, 12, 13, 14, 15);

    private Transpose8() {}

    /**
     * {@code dst[dAt + j·dStride + i] = src[at + i·ld + j]} for i, j in [0, 8): row i of the block
     * at {@code src[at]} (rows {@code ld} apart) becomes column i of the block at {@code dst[dAt]}
     * (rows {@code dStride} apart).
     */
    static void block(float[] src, int at, int ld, float[] dst, int dAt, int dStride) {
        final FloatVector r0 = FloatVector.fromArray(S, src, at), r1 = FloatVector.fromArray(S, src, at + ld);
        final FloatVector r2 = FloatVector.fromArray(S, src, at + 2 * ld), r3 = FloatVector.fromArray(S, src, at + 3 * ld);
        final FloatVector r4 = FloatVector.fromArray(S, src, at + 4 * ld), r5 = FloatVector.fromArray(S, src, at + 5 * ld);
        final FloatVector r6 = FloatVector.fromArray(S, src, at + 6 * ld), r7 = FloatVector.fromArray(S, src, at + 7 * ld);
        // Round 1: t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5], and so on.
        final FloatVector t0 = r0.rearrange(PAIRS_LOW, r1), t1 = r0.rearrange(PAIRS_HIGH, r1);
        final FloatVector t2 = r2.rearrange(PAIRS_LOW, r3), t3 = r2.rearrange(PAIRS_HIGH, r3);
        final FloatVector t4 = r4.rearrange(PAIRS_LOW, r5), t5 = r4.rearrange(PAIRS_HIGH, r5);
        final FloatVector t6 = r6.rearrange(PAIRS_LOW, r7), t7 = r6.rearrange(PAIRS_HIGH, r7);
        // Round 2: u0 = column 0 of rows 0..3 | column 4 of rows 0..3, and so on.
        final FloatVector u0 = t0.rearrange(QUADS_LOW, t2), u1 = t0.rearrange(QUADS_HIGH, t2);
        final FloatVector u2 = t1.rearrange(QUADS_LOW, t3), u3 = t1.rearrange(QUADS_HIGH, t3);
        final FloatVector u4 = t4.rearrange(QUADS_LOW, t6), u5 = t4.rearrange(QUADS_HIGH, t6);
        final FloatVector u6 = t5.rearrange(QUADS_LOW, t7), u7 = t5.rearrange(QUADS_HIGH, t7);
        // Round 3: column j of all 8 rows joins the halves of u(j mod 4) and u(j mod 4 + 4).
        u0.rearrange(HALVES_LOW, u4).intoArray(dst, dAt);
        u1.rearrange(HALVES_LOW, u5).intoArray(dst, dAt + dStride);
        u2.rearrange(HALVES_LOW, u6).intoArray(dst, dAt + 2 * dStride);
        u3.rearrange(HALVES_LOW, u7).intoArray(dst, dAt + 3 * dStride);
        u0.rearrange(HALVES_HIGH, u4).intoArray(dst, dAt + 4 * dStride);
        u1.rearrange(HALVES_HIGH, u5).intoArray(dst, dAt + 5 * dStride);
        u2.rearrange(HALVES_HIGH, u6).intoArray(dst, dAt + 6 * dStride);
        u3.rearrange(HALVES_HIGH, u7).intoArray(dst, dAt + 7 * dStride);
    }

    /** The definition, one value at a time, that {@link #block} is tested against. */
    static void blockReference(float[] src, int at, int ld, float[] dst, int dAt, int dStride) {
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) dst[dAt + j * dStride + i] = src[at + i * ld + j];
        }
    }
}
