package sau.study;

import sau.nn.Module;
import sau.nn.activation.ActivationFactory;
import sau.tensor.Tensor;

/**
 * An activation function and its derivative sampled on a grid, through the engine itself: the
 * module's forward gives f(x), and backpropagating a gradient of ones gives f'(x), because each
 * output depends on its own input only. The plots thus show what training uses, not a formula
 * copied beside it.
 *
 * @param spec the activation spec, e.g. {@code sau(alpha=0.15, n=2)}
 */
public record ActivationCurves(String spec, double[] x, double[] y, double[] dy) {

    public static ActivationCurves of(String spec, double from, double to, int points) {
        final double[] x = new double[points];
        final float[] xf = new float[points];
        for (int i = 0; i < points; i++) {
            x[i] = from + (to - from) * i / (points - 1);
            xf[i] = (float) x[i];
        }
        final Module activation = ActivationFactory.create(spec);
        final Tensor input = new Tensor(xf, points).requiresGrad(true);
        final Tensor output = activation.forward(input);
        output.backward(Tensor.ones(points));
        return new ActivationCurves(spec, x, toDouble(output.toArray()), toDouble(input.grad().toArray()));
    }

    private static double[] toDouble(float[] v) {
        final double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
