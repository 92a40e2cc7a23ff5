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
        // lane(i), not toArray(): the JIT did not always remove the array, and this runs per row.
        float s = 0;
        for (int i = 0; i < v.length(); i++) s += v.lane(i);
        return s;
    }
}
