package sau.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sau.models.MLP;
import sau.models.Models;
import sau.models.Transformer;
import sau.models.TransformerOptions;
import sau.nn.Module;
import sau.nn.activation.ActivationFactory;
import sau.nn.activation.ReLU;
import sau.ops.Activations;
import sau.ops.Arithmetic;
import sau.ops.Losses;
import sau.ops.Reductions;

class ArenaTest {

    private static final int BIG = Arena.MIN_POOLED;

    @Test
    void theNextArenaReusesTheArraysZeroed() {
        final float[] first;
        try (Arena a = Arena.open()) {
            first = Arena.floats(BIG);
            first[7] = 3f;
        }
        try (Arena a = Arena.open()) {
            final float[] again = Arena.floats(BIG);
            assertSame(first, again);
            assertArrayEquals(new float[BIG], again, 0f);
            assertNotSame(first, Arena.floats(BIG), "a second array of the same length in one step is a different one");
        }
    }

    @Test
    void uninitializedArraysAreReusedAsTheyWereLeft() {
        final float[] first;
        try (Arena a = Arena.open()) {
            first = Arena.uninitialized(BIG + 3);
            first[5] = 2f;
        }
        try (Arena a = Arena.open()) {
            final float[] again = Arena.uninitialized(BIG + 3);
            assertSame(first, again);
            assertArrayEquals(new float[] {2f}, new float[] {again[5]}, 0f, "not zeroed: the caller writes every element");
        }
        assertArrayEquals(new float[BIG], Arena.uninitialized(BIG), 0f, "outside an arena it is a new, zeroed array");
    }

    @Test
    void outsideAnArenaAndForSmallArraysEveryCallIsNew() {
        assertNotSame(Arena.floats(BIG), Arena.floats(BIG));
        final float[] small;
        try (Arena a = Arena.open()) {
            small = Arena.floats(BIG - 1);
        }
        try (Arena a = Arena.open()) {
            assertNotSame(small, Arena.floats(BIG - 1));
        }
    }

    @Test
    void lengthsAStepDidNotUseAreDropped() {
        final float[] old;
        try (Arena a = Arena.open()) {
            old = Arena.floats(BIG + 1);
        }
        try (Arena a = Arena.open()) {
            Arena.floats(BIG + 2); // a step with other shapes
        }
        try (Arena a = Arena.open()) {
            assertNotSame(old, Arena.floats(BIG + 1));
        }
    }

    @Test
    void anArrayGivenBackIsLentAgainInTheSameStep() {
        try (Arena a = Arena.open()) {
            final float[] early = Arena.floats(BIG);
            final long since = Arena.lentSoFar();
            final float[] late = Arena.floats(BIG);
            late[3] = 5f;
            Arena.giveBack(early, since); // lent before `since`: kept
            Arena.giveBack(new float[BIG], since); // not the arena's: ignored
            Arena.giveBack(late, since);
            final float[] again = Arena.uninitialized(BIG);
            assertSame(late, again);
            assertArrayEquals(new float[] {5f}, new float[] {again[3]}, 0f);
            assertNotSame(early, Arena.uninitialized(BIG), "an array lent before the reading is never given back");
        }
    }

    @Test
    void backwardGivesBackTheGradientsItNoLongerNeeds() {
        // A chain of ReLUs: the gradient of each link is dead once the link before it has run.
        // After backward, an uninitialized array of that length is one of them, not a new one.
        final Tensor x = Tensor.randn(new Generator(9), BIG).requiresGrad(true);
        try (Arena a = Arena.open()) {
            Tensor y = x;
            for (int i = 0; i < 4; i++) y = Activations.relu(Arithmetic.mul(y, 1.5f));
            Reductions.sum(y).backward();
            final float[] recycled = Arena.uninitialized(BIG);
            float largest = 0f;
            for (float v : recycled) largest = Math.max(largest, Math.abs(v));
            assertTrue(largest > 0f, "a given-back gradient still holds its values; a new array would be all zeros");
        }
    }

    @Test
    void arenasDoNotNest() {
        try (Arena a = Arena.open()) {
            assertThrows(IllegalStateException.class, Arena::open);
        }
    }

    @Test
    void convolutionalNetworksComputeTheSameBitsInAnArena() {
        // Convolutions, batch norm, pooling, SAU, channel shuffles: every op whose output comes
        // from the arena, some of them uninitialized. Reused arrays hold the previous step's
        // values, so an op that did not write all of its output would change the results.
        final Map<String, Object> vgg = Map.of("depth", 11, "width", 0.0625);
        final Map<String, Object> shufflenet = Map.of("width", 0.5);
        for (Map.Entry<String, Map<String, Object>> model : List.of(Map.entry("vgg", vgg), Map.entry("shufflenet_v2", shufflenet))) {
            final Module plain = Models.create(model.getKey(), "sau", model.getValue(), new int[] {3, 32, 32}, 10, new Generator(5));
            final Module pooled = Models.create(model.getKey(), "sau", model.getValue(), new int[] {3, 32, 32}, 10, new Generator(5));
            final Generator data = new Generator(6);
            for (int step = 0; step < 2; step++) {
                final Tensor x = Tensor.randn(data, 4, 3, 32, 32);
                final Tensor y = Tensor.of(new float[] {1, 7, 3, step});
                for (Tensor p : plain.parameters()) p.zeroGrad();
                for (Tensor p : pooled.parameters()) p.zeroGrad();
                Losses.crossEntropy(plain.forward(x), y).backward();
                try (Arena a = Arena.open()) {
                    Losses.crossEntropy(pooled.forward(x), y).backward();
                }
                for (int i = 0; i < plain.parameters().size(); i++) {
                    assertArrayEquals(plain.parameters().get(i).grad().toArray(), pooled.parameters().get(i).grad().toArray(), 0f,
                            model.getKey() + " gradient " + i + " at step " + step);
                }
            }
        }
    }

    @Test
    void theDetectorComputesTheSameBitsInAnArena() {
        // SSD300's own ops as well: dilated and ceil-mode layers, L2 normalisation, the heads' concatenation.
        final Map<String, Object> small = Map.of("backbone", "vgg16_bn", "width", 0.125);
        final Module plain = Models.create("ssd300", "relu", small, new int[] {3, 64, 64}, 6, new Generator(7));
        final Module pooled = Models.create("ssd300", "relu", small, new int[] {3, 64, 64}, 6, new Generator(7));
        final Generator data = new Generator(8);
        for (int step = 0; step < 2; step++) {
            final Tensor x = Tensor.randn(data, 2, 3, 64, 64);
            for (Tensor p : plain.parameters()) p.zeroGrad();
            for (Tensor p : pooled.parameters()) p.zeroGrad();
            Reductions.sum(Arithmetic.mul(plain.forward(x), plain.forward(x))).backward();
            try (Arena a = Arena.open()) {
                Reductions.sum(Arithmetic.mul(pooled.forward(x), pooled.forward(x))).backward();
            }
            for (int i = 0; i < plain.parameters().size(); i++) {
                assertArrayEquals(plain.parameters().get(i).grad().toArray(), pooled.parameters().get(i).grad().toArray(), 0f, "ssd300 gradient " + i + " at step " + step);
            }
        }
    }

    @Test
    void theTransformerComputesTheSameBitsInAnArena() {
        // Attention, layer norm, embeddings and softmax, with activations past the pooling threshold.
        final TransformerOptions o = new TransformerOptions(64, 4, 1, 1, 256, 0f, true, true, true, 64);
        final Transformer plain = new Transformer(o, 50, 50, 0, () -> ActivationFactory.create("sau"), new Generator(10));
        final Transformer pooled = new Transformer(o, 50, 50, 0, () -> ActivationFactory.create("sau"), new Generator(10));
        final Generator data = new Generator(11);
        for (int step = 0; step < 2; step++) {
            final float[] src = new float[4 * 24], tgt = new float[4 * 20];
            for (int i = 0; i < src.length; i++) src[i] = 1 + data.nextInt(49);
            for (int i = 0; i < tgt.length; i++) tgt[i] = 1 + data.nextInt(49);
            final Tensor s = Tensor.of(src, 4, 24), t = Tensor.of(tgt, 4, 20);
            for (Tensor p : plain.parameters()) p.zeroGrad();
            for (Tensor p : pooled.parameters()) p.zeroGrad();
            final Tensor out = plain.forward(s, t);
            Reductions.sum(Arithmetic.mul(out, out)).backward();
            try (Arena a = Arena.open()) {
                final Tensor pooledOut = pooled.forward(s, t);
                Reductions.sum(Arithmetic.mul(pooledOut, pooledOut)).backward();
            }
            for (int i = 0; i < plain.parameters().size(); i++) {
                assertArrayEquals(plain.parameters().get(i).grad().toArray(), pooled.parameters().get(i).grad().toArray(), 0f, "transformer gradient " + i + " at step " + step);
            }
        }
    }

    @Test
    void trainingStepsInAnArenaComputeTheSameBits() {
        // Two identical models, one stepped with an arena and one without: the losses and every
        // parameter gradient must be identical, step after step, while the arena recycles arrays.
        final Module plain = new MLP(300, List.of(64, 64), 10, ReLU::new, 0f, new Generator(3));
        final Module pooled = new MLP(300, List.of(64, 64), 10, ReLU::new, 0f, new Generator(3));
        final Generator data = new Generator(4);
        for (int step = 0; step < 3; step++) {
            final Tensor x = Tensor.randn(data, 32, 300);
            final Tensor y = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2});
            for (Tensor p : plain.parameters()) p.zeroGrad();
            for (Tensor p : pooled.parameters()) p.zeroGrad();
            final Tensor loss = Losses.crossEntropy(plain.forward(x), y);
            loss.backward();
            final float expected = loss.item();
            try (Arena a = Arena.open()) {
                final Tensor l = Losses.crossEntropy(pooled.forward(x), y);
                l.backward();
                assertArrayEquals(new float[] {expected}, new float[] {l.item()}, 0f, "loss at step " + step);
            }
            try (Arena next = Arena.open()) {
                // The next step scribbles over every recycled array: a gradient that still
                // pointed into the arena would be spoiled.
                for (Tensor p : pooled.parameters()) java.util.Arrays.fill(Arena.floats(p.numel()), Float.NaN);
                java.util.Arrays.fill(Arena.floats(32 * 64), Float.NaN);
            }
            for (int i = 0; i < plain.parameters().size(); i++) {
                assertArrayEquals(plain.parameters().get(i).grad().toArray(), pooled.parameters().get(i).grad().toArray(), 0f, "gradient " + i + " at step " + step);
            }
        }
    }
}
