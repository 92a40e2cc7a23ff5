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

    /** Builds the model twice from one seed, runs {@code loss} on each device, compares loss and gradients. */
    private static void sameStep(String name, Function<Generator, Module> build, Function<Module, Tensor> loss, double tolerance) {
        assumeGpu();
        final Module cpu = build.apply(new Generator(5)), gpu = build.apply(new Generator(5)).to(GPU);
        final Tensor lossCpu = loss.apply(cpu), lossGpu = loss.apply(gpu);
        assertEquals(GPU, lossGpu.device());
        assertClose(name + " loss", lossCpu.toArray(), lossGpu.toArray(), tolerance);
        lossCpu.backward();
        lossGpu.backward();
        final Map<String, Tensor> pc = cpu.namedParameters(), pg = gpu.namedParameters();
        for (String p : pc.keySet()) {
            if (pc.get(p).grad() == null) continue;
            assertEquals(GPU, pg.get(p).grad().device(), p);
            assertClose(name + " gradient of " + p, pc.get(p).grad().toArray(), pg.get(p).grad().toArray(), tolerance);
        }
        for (Map.Entry<String, Tensor> b : cpu.namedBuffers().entrySet()) {
            assertClose(name + " buffer " + b.getKey(), b.getValue().toArray(), gpu.namedBuffers().get(b.getKey()).toArray(), tolerance);
        }
    }

    private static Function<Module, Tensor> classification(int batch, int classes) {
        final Generator g = new Generator(11);
        final Tensor x = Tensor.randn(g, batch, 3, 32, 32);
        final float[] labels = new float[batch];
        for (int i = 0; i < batch; i++) labels[i] = g.nextInt(classes);
        final Tensor y = Tensor.of(labels);
        return m -> Losses.crossEntropy(m.forward(x.to(m.device())), y);
    }

    // Deep sums in a different order (GEMM tiles, batch-norm reductions) drift more than one op's.
    private static final double TOL = 2e-4;

    @Test
    void vggTrainingStep() {
        sameStep("vgg", g -> Models.create("vgg", "sau", Map.of("depth", 11, "width", 0.25), new int[] {3, 32, 32}, 10, g), classification(4, 10), TOL);
    }

    @Test
    void shuffleNetTrainingStep() {
        sameStep("shufflenet", g -> Models.create("shufflenet_v2", "relu", Map.of("width", 0.5), new int[] {3, 32, 32}, 10, g), classification(4, 10), TOL);
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
        }, TOL);
    }
}
