package sau.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sau.autograd.NoGrad;
import sau.nn.Linear;
import sau.nn.Module;
import sau.ops.Arithmetic;
import sau.ops.Losses;
import sau.ops.Reductions;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * End to end: a 3-layer MLP learns three interleaved 2-D spirals (the classic CS231n toy
 * problem, which no linear classifier can solve) with SGD, momentum and cross-entropy.
 */
class MlpAcceptanceTest {

    private static final int CLASSES = 3;
    private static final int PER_CLASS = 100;

    /** Linear–ReLU–Linear–ReLU–Linear. */
    private static final class Mlp extends Module {
        private final Linear fc1;
        private final Linear fc2;
        private final Linear fc3;

        Mlp(int hidden, Generator g) {
            fc1 = registerModule("fc1", new Linear(2, hidden, g));
            fc2 = registerModule("fc2", new Linear(hidden, hidden, g));
            fc3 = registerModule("fc3", new Linear(hidden, CLASSES, g));
        }

        private static Tensor relu(Tensor x) {
            return Arithmetic.maximum(x, Tensor.scalar(0f));
        }

        @Override
        public Tensor forward(Tensor x) {
            return fc3.forward(relu(fc2.forward(relu(fc1.forward(x)))));
        }
    }

    /** Points r·(sin θ, cos θ) with r rising from 0 to 1 while θ turns 4 radians, plus noise. */
    private static Tensor[] spirals(Generator g) {
        final int n = CLASSES * PER_CLASS;
        final float[] x = new float[2 * n];
        final float[] y = new float[n];
        for (int c = 0; c < CLASSES; c++) {
            for (int i = 0; i < PER_CLASS; i++) {
                final int k = c * PER_CLASS + i;
                final double r = (double) i / (PER_CLASS - 1);
                final double theta = c * 4.0 + r * 4.0 + 0.2 * g.nextGaussian();
                x[2 * k] = (float) (r * Math.sin(theta));
                x[2 * k + 1] = (float) (r * Math.cos(theta));
                y[k] = c;
            }
        }
        return new Tensor[] {new Tensor(x, n, 2), new Tensor(y, n)};
    }

    @Test
    void learnsSpirals() {
        final Generator g = new Generator(2024);
        final Tensor[] data = spirals(g);
        final Mlp model = new Mlp(64, g);
        final SGD opt = new SGD(model.parameters(), 0.2, 0.9);
        Tensor loss = null;
        for (int step = 0; step < 300; step++) {
            opt.zeroGrad();
            loss = Losses.crossEntropy(model.forward(data[0]), data[1]);
            loss.backward();
            opt.step();
        }
        final float accuracy;
        try (NoGrad scope = NoGrad.enter()) {
            final float[] predicted = Reductions.argmax(model.forward(data[0]), 1, false).toArray();
            final float[] labels = data[1].toArray();
            int correct = 0;
            for (int i = 0; i < labels.length; i++) if (predicted[i] == labels[i]) correct++;
            accuracy = (float) correct / labels.length;
        }
        System.out.printf("spirals: final loss %.4f, accuracy %.3f%n", loss.item(), accuracy);
        assertTrue(loss.item() < 0.1f, "final loss " + loss.item());
        assertTrue(accuracy > 0.95f, "accuracy " + accuracy);
    }
}
