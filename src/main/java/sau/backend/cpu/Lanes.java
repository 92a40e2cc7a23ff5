package sau.backend.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * Deterministic horizontal sums. {@code FloatVector.reduceLanes(ADD)} may add the lanes in a
 * different order when the JIT has compiled it than when it has not, which changes the last bit
 * of a float sum; a run resumed from a checkpoint (cold JIT) would then drift from the run it
 * continues (warm JIT). Adding the lanes one by one, in index order, gives one answer always.
 */
final class Lanes {

    private Lanes() {}

    static float sum(FloatVector v) {
        final float[] lanes = v.toArray();
        float s = 0;
        for (float lane : lanes) s += lane;
        return s;
    }
}
