package sau.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import sau.autograd.NoGrad;
import sau.nn.Module;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/** SSD300 against torchvision 0.14's {@code ssd300_vgg16}: parameter count, names, output layout. */
class SSD300Test {

    private static SSD300 build(Map<String, Object> options, int size, int classes) {
        return (SSD300) Models.create("ssd300", "relu", options, new int[] {3, size, size}, classes, new Generator(0));
    }

    @Test
    void parameterCountAndNamesMatchTorchvision() {
        final SSD300 m = build(Map.of(), 300, 21);
        assertEquals(26_285_486, m.numParameters());
        final var names = m.stateDict().keySet();
        for (String n : new String[] {"backbone.scale_weight", "backbone.features.21.weight", "backbone.extra.0.1.weight",
            "backbone.extra.0.7.1.weight", "backbone.extra.0.7.3.bias", "backbone.extra.4.2.weight",
            "head.classification_head.module_list.0.weight", "head.regression_head.module_list.5.bias"}) {
            assertTrue(names.contains(n), n);
        }
        assertArrayEquals(new int[] {1024, 512, 3, 3}, m.stateDict().get("backbone.extra.0.7.1.weight").shape());
        assertArrayEquals(new int[] {84, 512, 3, 3}, m.stateDict().get("head.classification_head.module_list.0.weight").shape());
        assertEquals(20f, m.stateDict().get("backbone.scale_weight").get(7));
        assertEquals(8732, m.defaultBoxes().count());
        assertArrayEquals(new int[] {38, 19, 10, 5, 3, 1}, m.defaultBoxes().featureSizes());
    }

    @Test
    void batchNormBackboneAddsOneNormPerConvolution() {
        final SSD300 plain = build(Map.of(), 300, 21), bn = build(Map.of("backbone", "vgg16_bn"), 300, 21);
        // 13 VGG convolutions + fc6 + fc7 + 8 extra convolutions, each with a weight and a bias of its channels
        final long normParameters = 2L * (2 * 64 + 2 * 128 + 3 * 256 + 6 * 512 + 2 * 1024 + 256 + 512 + 3 * (128 + 256));
        assertEquals(plain.numParameters() + normParameters, bn.numParameters());
        assertTrue(bn.stateDict().containsKey("backbone.features.1.running_mean"));
    }

    @Test
    void forwardGivesOffsetsAndLogitsForEveryDefaultBoxAtASmallSize() {
        final SSD300 m = build(Map.of("width", 0.125, "backbone", "vgg16_bn"), 96, 4);
        // 96 → 48 → 24 → 12 (conv4_3) → 6 (fc7) → 3 → 2 → 2 (padded) → 2 (padded)
        assertArrayEquals(new int[] {12, 6, 3, 2, 2, 2}, m.defaultBoxes().featureSizes());
        final Tensor y;
        try (NoGrad scope = NoGrad.enter()) {
            m.eval();
            y = m.forward(Tensor.randn(new Generator(1), 2, 3, 96, 96));
        }
        assertArrayEquals(new int[] {2, m.defaultBoxes().count(), 8}, y.shape());
        assertEquals(12 * 12 * 4 + 36 * 6 + 9 * 6 + 4 * 6 + 4 * 4 + 4 * 4, m.defaultBoxes().count());
        for (float v : y.toArray()) assertTrue(Float.isFinite(v));
    }

    @Test
    void badOptionsAreNamed() {
        final BadModelSpec e = assertThrows(BadModelSpec.class, () -> build(Map.of("backbone", "resnet"), 300, 21));
        assertEquals("options.backbone", e.field());
        assertThrows(BadModelSpec.class, () -> Models.create("ssd300", "relu", Map.of(), new int[] {1, 300, 300}, 21, new Generator(0)));
    }
}
