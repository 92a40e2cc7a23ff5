package sau.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sau.tensor.Tensor;

/**
 * The element-wise mean of several saved models, as fairseq's {@code average_checkpoints.py}:
 * the paper's base models average the last 5 checkpoints, which smooths out the noise of the
 * last updates and usually adds a little BLEU.
 */
public final class CheckpointAverage {

    private CheckpointAverage() {}

    public static Map<String, Tensor> average(List<Map<String, Tensor>> states) {
        if (states.isEmpty()) throw new IllegalArgumentException("nothing to average");
        final Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : states.get(0).entrySet()) {
            final double[] sum = new double[e.getValue().numel()];
            for (Map<String, Tensor> s : states) {
                final Tensor t = s.get(e.getKey());
                if (t == null || !java.util.Arrays.equals(t.shape(), e.getValue().shape())) {
                    throw new IllegalArgumentException("checkpoints to average differ at \"" + e.getKey() + "\"");
                }
                final float[] v = t.toArray();
                for (int i = 0; i < v.length; i++) sum[i] += v[i];
            }
            final float[] mean = new float[sum.length];
            for (int i = 0; i < sum.length; i++) mean[i] = (float) (sum[i] / states.size());
            out.put(e.getKey(), new Tensor(mean, e.getValue().shape()));
        }
        return out;
    }
}
