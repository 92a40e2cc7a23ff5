package sau.train;

import java.util.LinkedHashMap;
import java.util.Map;
import sau.nn.Module;
import sau.tensor.Tensor;

/**
 * The learned parameters of a model's activation functions (SAU's α and n, PReLU's slopes), by
 * their state-dict names: one number for a per-layer parameter, a list for a per-channel one.
 * The metrics log records them every epoch so that a study can show how they moved.
 */
final class LearnedActivations {

    private LearnedActivations() {}

    static Map<String, Object> of(Module model) {
        final Map<String, Object> out = new LinkedHashMap<>();
        model.namedModules().forEach((prefix, m) -> {
            if (!m.getClass().getPackageName().equals("sau.nn.activation")) return;
            m.namedParameters().forEach((name, p) -> out.put(prefix.isEmpty() ? name : prefix + "." + name, values(p)));
        });
        return out;
    }

    private static Object values(Tensor p) {
        final float[] v = p.toArray();
        if (v.length == 1) return (double) v[0];
        final double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
