package sau.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static sau.backend.cuda.CudaParity.GPU;
import static sau.backend.cuda.CudaParity.assertClose;
import static sau.backend.cuda.CudaParity.assumeGpu;

import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import sau.models.Models;
import sau.models.Transformer;
import sau.models.TransformerOptions;
import sau.nn.Module;
import sau.nn.activation.ReLU;
import sau.ops.Losses;
import sau.ops.Views;
import sau.tensor.Generator;
import sau.tensor.Tensor;
import sau.text.Vocabulary;

/**
 * Whole models on the GPU against the same models on the CPU: one training step's loss and every
 * parameter's gradient, so that the ops work together (views between kernels, batch norm's
 * running statistics, attention masks) and not only one by one.
 */
@Tag("cuda")
class CudaModelsTest {

    /**
     * Builds the model twice from one seed, runs {@code loss} on each device (in training or in
     * evaluation mode), and compares the loss, the buffers and every parameter's gradient, each
     * by ‖gpu − cpu‖ / ‖cpu‖. A gradient that is only rounding noise on the CPU too (the bias of a
     * convolution that batch norm follows, whose true gradient is 0) is compared with the scale of
     * the largest gradient instead: ‖gpu − cpu‖ ≤ tolerance · max ‖gradient‖.
     */
    private static void sameStep(String name, Function<Generator, Module> build, Function<Module, Tensor> loss, boolean training, double tolerance) {
        assumeGpu();
        final Module cpu = build.apply(new Generator(5)), gpu = build.apply(new Generator(5)).to(GPU);
        if (!training) {
            cpu.eval();
            gpu.eval();
        }
        final Tensor lossCpu = loss.apply(cpu), lossGpu = loss.apply(gpu);
        assertEquals(GPU, lossGpu.device());
        assertClose(name + " loss", lossCpu.toArray(), lossGpu.toArray(), tolerance);
        lossCpu.backward();
        lossGpu.backward();
        final Map<String, Tensor> pc = cpu.namedParameters(), pg = gpu.namedParameters();
        double largest = 0;
        for (Tensor p : pc.values()) if (p.grad() != null) largest = Math.max(largest, norm(p.grad().toArray(), null));
        final StringBuilder worst = new StringBuilder();
        for (String p : pc.keySet()) {
            if (pc.get(p).grad() == null) continue;
            assertEquals(GPU, pg.get(p).grad().device(), p);
            final float[] ref = pc.get(p).grad().toArray(), got = pg.get(p).grad().toArray();
            final double refNorm = norm(ref, null), diff = norm(got, ref);
            final double error = diff / Math.max(refNorm, tolerance * largest);
            if (!(error <= tolerance)) worst.append(String.format("%n  %s: ‖Δ‖ %.3g, ‖cpu‖ %.3g, error %.3g", p, diff, refNorm, error));
        }
        assertEquals("", worst.toString(), name + ": gradients off by more than " + tolerance + " (the largest gradient's norm is " + largest + ")");
        // the same rule for the running statistics: a running mean of outputs that batch norm
        // has already centred is rounding noise too
        final Map<String, Tensor> bc = cpu.namedBuffers(), bg = gpu.namedBuffers();
        double largestBuffer = 0;
        for (Tensor b : bc.values()) largestBuffer = Math.max(largestBuffer, norm(b.toArray(), null));
        for (String b : bc.keySet()) {
            final float[] ref = bc.get(b).toArray();
            final double error = norm(bg.get(b).toArray(), ref) / Math.max(norm(ref, null), tolerance * largestBuffer);
            if (!(error <= tolerance)) worst.append(String.format("%n  buffer %s: error %.3g", b, error));
        }
        assertEquals("", worst.toString(), name + ": running statistics off by more than " + tolerance);
    }

    /** ‖a − b‖ (‖a‖ when b is null), in double. */
    private static double norm(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            final double d = a[i] - (b == null ? 0 : b[i]);
            s += d * d;
        }
        return Math.sqrt(s);
    }

    private static Function<Module, Tensor> classification(int batch, int classes) {
        final Generator g = new Generator(11);
        final Tensor x = Tensor.randn(g, batch, 3, 32, 32);
        final float[] labels = new float[batch];
        for (int i = 0; i < batch; i++) labels[i] = g.nextInt(classes);
        final Tensor y = Tensor.of(labels);
        return m -> Losses.crossEntropy(m.forward(x.to(m.device())), y);
    }

    // In evaluation mode batch norm is an affine map, and the two devices differ by the order of
    // their sums alone. In training mode its backward pass, γ·r·(g − mean(g) − x̂·mean(g·x̂)),
    // subtracts nearly equal numbers at every layer, and those rounding differences grow with
    // depth: a first layer 20 convolutions down differs by up to about 1%.
    private static final double EVAL_TOL = 2e-4, TRAIN_TOL = 2e-2;

    private static Module vgg(Generator g) {
        return Models.create("vgg", "sau", Map.of("depth", 11, "width", 0.25), new int[] {3, 32, 32}, 10, g);
    }

    private static Module shuffleNet(Generator g) {
        return Models.create("shufflenet_v2", "relu", Map.of("width", 0.5), new int[] {3, 32, 32}, 10, g);
    }

    @Test
    void vggStepInEvaluationAndTraining() {
        sameStep("vgg eval", CudaModelsTest::vgg, classification(4, 10), false, EVAL_TOL);
        sameStep("vgg train", CudaModelsTest::vgg, classification(4, 10), true, TRAIN_TOL);
    }

    @Test
    void shuffleNetStepInEvaluationAndTraining() {
        sameStep("shufflenet eval", CudaModelsTest::shuffleNet, classification(4, 10), false, EVAL_TOL);
        sameStep("shufflenet train", CudaModelsTest::shuffleNet, classification(4, 10), true, TRAIN_TOL);
    }

    @Test
    void transformerTrainingStep() {
        final int vocab = 50;
        final Generator g = new Generator(3);
        final float[] src = new float[2 * 7], tgt = new float[2 * 6], out = new float[2 * 6];
        for (int i = 0; i < src.length; i++) src[i] = 4 + g.nextInt(vocab - 4);
        for (int i = 0; i < tgt.length; i++) {
            tgt[i] = 4 + g.nextInt(vocab - 4);
            out[i] = 4 + g.nextInt(vocab - 4);
        }
        src[6] = Vocabulary.PAD; // a padded source position: the key-padding mask
        final Tensor s = Tensor.of(src, 2, 7), t = Tensor.of(tgt, 2, 6), o = Tensor.of(out, 12);
        sameStep("transformer", r -> {
            final Transformer m = new Transformer(new TransformerOptions(32, 4, 2, 2, 64, 0f, false, true, true, 16), vocab, vocab, Vocabulary.PAD, ReLU::new, r);
            return m;
        }, m -> {
            final Tensor logits = ((Transformer) m).forward(s, t);
            return Losses.crossEntropy(Views.reshape(logits, -1, vocab), o, 0.1f, Vocabulary.PAD, Losses.Reduction.MEAN);
        }, true, EVAL_TOL); // layer norm has no batch statistics: training mode is as exact as evaluation
    }
}
