package sau.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sau.models.MLP;
import sau.models.Models;
import sau.nn.Module;
import sau.nn.activation.ReLU;
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
