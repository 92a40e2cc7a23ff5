package sau.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transposes an 8×8 block of floats in registers: 8 row loads and 8 row stores, where copying the
 * 64 values one at a time costs 64 loads and 64 stores. GEMM's packing of a transposed B uses it
 * (see {@link Gemm}): ShuffleNet's 1×1 weight gradients at 16×16, whose B is read transposed and
 * reused by few rows of A, got 15–19% faster. {@link #matrix} transposes a whole matrix with it
 * (a convolution's weight gradient, computed transposed: see {@link Conv2dKernel}).
 *
 * <p>Three rounds, each swapping blocks between pairs of vectors: pairs of floats, then pairs of
 * those pairs, then 128-bit halves. Writing {@code ri[j]} for lane j of row i:
 * <ul>
 *   <li>round 1 makes {@code r0[0] r1[0] r0[2] r1[2] | r0[4] r1[4] r0[6] r1[6]} from rows 0 and 1
 *       (and the odd columns in a second vector): r1 moved up by one float within each 64-bit
 *       pair, a shift of the pair seen as a long, and blended into the odd lanes of r0 (float
 *       lane 2k is the low half of long k on a little-endian machine, such as x86 and ARM as
 *       Java runs them; {@code Transpose8Test} would catch the other order);</li>
 *   <li>round 2 makes {@code r0[0] r1[0] r2[0] r3[0] | r0[4] r1[4] r2[4] r3[4]}: the pairs of one
 *       vector swapped within each 128-bit half and blended with the other's;</li>
 *   <li>round 3 joins the low halves of two such vectors (rows 0–3 and rows 4–7) into a column,
 *       and their high halves into the column four to the right.</li>
 * </ul>
 * The shifts and blends are cheap; the two swaps are lane permutes, 16 per block instead of the
 * 48 that three rounds of two-vector shuffles take (in-lane shuffles such as x86's {@code unpcklps}
 * have no Vector API form): 48–49 instead of 69 µs for a 576×256 block from L1. It always works on 8
 * lanes ({@code SPECIES_256}), also where the preferred vectors are wider.
 */
final class Transpose8 {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final VectorSpecies<Long> PAIRS = LongVector.SPECIES_256;
    private static final VectorMask<Float> ODD_FLOATS = VectorMask.fromValues(S, false, true, false, true, false, true, false, true);
    private static final VectorMask<Long> ODD_PAIRS = VectorMask.fromValues(PAIRS, false, true, false, true);
    private static final VectorMask<Float> HIGH_HALF = VectorMask.fromValues(S, false, false, false, false, true, true, true, true);
    private static final VectorShuffle<Long> SWAP_PAIRS = VectorShuffle.fromValues(PAIRS, 1, 0, 3, 2);
    private static final VectorShuffle<Float> SWAP_HALVES = VectorShuffle.fromValues(S, 4, 5, 6, 7, 0, 1, 2, 3);

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
        // Round 1: e01 = r0[0] r1[0] r0[2] r1[2] | r0[4] r1[4] r0[6] r1[6] (r1's even lanes shifted up
        // into r0's odd ones), o01 = r0[1] r1[1] r0[3] r1[3] | ... (r0's odd lanes shifted down).
        final LongVector e01 = r0.blend(shiftUp(r1), ODD_FLOATS).reinterpretAsLongs(), o01 = shiftDown(r0).blend(r1, ODD_FLOATS).reinterpretAsLongs();
        final LongVector e23 = r2.blend(shiftUp(r3), ODD_FLOATS).reinterpretAsLongs(), o23 = shiftDown(r2).blend(r3, ODD_FLOATS).reinterpretAsLongs();
        final LongVector e45 = r4.blend(shiftUp(r5), ODD_FLOATS).reinterpretAsLongs(), o45 = shiftDown(r4).blend(r5, ODD_FLOATS).reinterpretAsLongs();
        final LongVector e67 = r6.blend(shiftUp(r7), ODD_FLOATS).reinterpretAsLongs(), o67 = shiftDown(r6).blend(r7, ODD_FLOATS).reinterpretAsLongs();
        // Round 2, on pairs of floats: c0 = pair 0 of e01 and of e23 in each half, i.e. column 0 of
        // rows 0..3 | column 4 of rows 0..3; c2 = their pair 1 (columns 2 | 6); c1, c3 from o.
        final FloatVector c0 = e01.blend(e23.rearrange(SWAP_PAIRS), ODD_PAIRS).reinterpretAsFloats();
        final FloatVector c2 = e01.rearrange(SWAP_PAIRS).blend(e23, ODD_PAIRS).reinterpretAsFloats();
        final FloatVector c1 = o01.blend(o23.rearrange(SWAP_PAIRS), ODD_PAIRS).reinterpretAsFloats();
        final FloatVector c3 = o01.rearrange(SWAP_PAIRS).blend(o23, ODD_PAIRS).reinterpretAsFloats();
        final FloatVector d0 = e45.blend(e67.rearrange(SWAP_PAIRS), ODD_PAIRS).reinterpretAsFloats();
        final FloatVector d2 = e45.rearrange(SWAP_PAIRS).blend(e67, ODD_PAIRS).reinterpretAsFloats();
        final FloatVector d1 = o45.blend(o67.rearrange(SWAP_PAIRS), ODD_PAIRS).reinterpretAsFloats();
        final FloatVector d3 = o45.rearrange(SWAP_PAIRS).blend(o67, ODD_PAIRS).reinterpretAsFloats();
        // Round 3: column j = the low halves of c_j (rows 0..3) and d_j (rows 4..7), column j + 4
        // their high halves.
        c0.blend(d0.rearrange(SWAP_HALVES), HIGH_HALF).intoArray(dst, dAt);
        c1.blend(d1.rearrange(SWAP_HALVES), HIGH_HALF).intoArray(dst, dAt + dStride);
        c2.blend(d2.rearrange(SWAP_HALVES), HIGH_HALF).intoArray(dst, dAt + 2 * dStride);
        c3.blend(d3.rearrange(SWAP_HALVES), HIGH_HALF).intoArray(dst, dAt + 3 * dStride);
        c0.rearrange(SWAP_HALVES).blend(d0, HIGH_HALF).intoArray(dst, dAt + 4 * dStride);
        c1.rearrange(SWAP_HALVES).blend(d1, HIGH_HALF).intoArray(dst, dAt + 5 * dStride);
        c2.rearrange(SWAP_HALVES).blend(d2, HIGH_HALF).intoArray(dst, dAt + 6 * dStride);
        c3.rearrange(SWAP_HALVES).blend(d3, HIGH_HALF).intoArray(dst, dAt + 7 * dStride);
    }

    /**
     * {@code dst[dAt + j·rows + i] = src[at + i·cols + j]}: the {@code rows × cols} matrix at
     * {@code src[at]} (rows contiguous) transposed into {@code dst[dAt]}, 8×8 blocks at a time and
     * the edges one value at a time.
     */
    static void matrix(float[] src, int at, int rows, int cols, float[] dst, int dAt) {
        final int rows8 = rows & ~7, cols8 = cols & ~7;
        for (int i = 0; i < rows8; i += 8) {
            for (int j = 0; j < cols8; j += 8) block(src, at + i * cols + j, cols, dst, dAt + j * rows + i, rows);
            for (int j = cols8; j < cols; j++) {
                for (int r = i; r < i + 8; r++) dst[dAt + j * rows + r] = src[at + r * cols + j];
            }
        }
        for (int i = rows8; i < rows; i++) {
            for (int j = 0; j < cols; j++) dst[dAt + j * rows + i] = src[at + i * cols + j];
        }
    }

    /** Each 64-bit pair of floats moved up by one float (the upper float is lost, the lower one is 0). */
    private static FloatVector shiftUp(FloatVector v) {
        return v.reinterpretAsLongs().lanewise(VectorOperators.LSHL, 32).reinterpretAsFloats();
    }

    /** Each 64-bit pair moved down by one float. */
    private static FloatVector shiftDown(FloatVector v) {
        return v.reinterpretAsLongs().lanewise(VectorOperators.LSHR, 32).reinterpretAsFloats();
    }

    /** The definition, one value at a time, that {@link #block} is tested against. */
    static void blockReference(float[] src, int at, int ld, float[] dst, int dAt, int dStride) {
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) dst[dAt + j * dStride + i] = src[at + i * ld + j];
        }
    }
}
