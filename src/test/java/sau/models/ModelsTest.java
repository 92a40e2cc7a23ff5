package sau.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sau.autograd.NoGrad;
import sau.nn.Module;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/** The models' sizes against torchvision 0.14, their state-dict names, and a forward pass each. */
class ModelsTest {

    private static Module build(String name, String activation, Map<String, Object> options, int[] input, int classes) {
        return Models.create(name, activation, options, input, classes, new Generator(0));
    }

    @Test
    void vgg16BnParameterCountsMatchTorchvision() {
        assertEquals(14_728_266, build("vgg", "relu", Map.of("depth", 16), new int[] {3, 32, 32}, 10).numParameters());
        assertEquals(138_365_992, build("vgg", "relu", Map.of("depth", 16, "head", "imagenet"), new int[] {3, 224, 224}, 1000).numParameters());
    }

    @Test
    void shuffleNetV2ParameterCountsMatchTorchvision() {
        final int[] cifar = {3, 32, 32};
        assertEquals(444_292, build("shufflenet_v2", "relu", Map.of("width", 0.5), cifar, 100).numParameters());
        assertEquals(1_356_104, build("shufflenet_v2", "relu", Map.of("width", 1.0), cifar, 100).numParameters());
        assertEquals(2_581_124, build("shufflenet_v2", "relu", Map.of("width", 1.5), cifar, 100).numParameters());
        assertEquals(5_549_896, build("shufflenet_v2", "relu", Map.of("width", 2.0), cifar, 100).numParameters());
    }

    @Test
    void stateDictNamesAreTorchvisions() {
        final Map<String, Tensor> vgg = build("vgg", "relu", Map.of("depth", 16, "head", "imagenet"), new int[] {3, 224, 224}, 1000).stateDict();
        for (String key : List.of("features.0.weight", "features.0.bias", "features.1.weight", "features.1.running_mean",
                "features.1.running_var", "features.1.num_batches_tracked", "features.41.weight", "classifier.0.weight", "classifier.3.bias", "classifier.6.weight")) {
            assertTrue(vgg.containsKey(key), key);
        }
        final Map<String, Tensor> shuffle = build("shufflenet_v2", "relu", Map.of("width", 1.0, "stem", "imagenet"), new int[] {3, 224, 224}, 1000).stateDict();
        for (String key : List.of("conv1.0.weight", "conv1.1.running_var", "stage2.0.branch1.0.weight", "stage2.0.branch1.2.weight",
                "stage2.0.branch2.0.weight", "stage2.1.branch2.3.weight", "stage4.3.branch2.6.running_mean", "conv5.0.weight", "fc.weight", "fc.bias")) {
            assertTrue(shuffle.containsKey(key), key);
        }
        assertArrayEquals(new int[] {58, 1, 3, 3}, shuffle.get("stage2.1.branch2.3.weight").shape()); // depthwise over half of 116
    }

    @Test
    void everyActivationInAModelIsTheConfiguredOne() {
        final Module m = build("vgg", "sau", Map.of("depth", 11, "width", 0.125), new int[] {1, 32, 32}, 10);
        final long saus = m.namedModules().values().stream().filter(x -> x instanceof sau.nn.activation.SAU).count();
        assertEquals(8, saus); // one per convolution of VGG-11
        assertTrue(m.stateDict().containsKey("features.2.alpha"));
    }

    @Test
    void forwardAndBackwardOnSmallInputs() {
        final Generator g = new Generator(1);
        final Module vgg = build("vgg", "relu", Map.of("depth", 11, "width", 0.125), new int[] {1, 32, 32}, 10);
        final Tensor out = vgg.forward(Tensor.randn(g, 2, 1, 32, 32));
        assertArrayEquals(new int[] {2, 10}, out.shape());
        sau.ops.Reductions.sum(out).backward();
        assertTrue(vgg.parameters().stream().allMatch(p -> p.grad() != null));
        final Module shuffle = build("shufflenet_v2", "swish", Map.of("width", 0.5), new int[] {3, 32, 32}, 100);
        try (NoGrad scope = NoGrad.enter()) {
            assertArrayEquals(new int[] {2, 100}, shuffle.forward(Tensor.randn(g, 2, 3, 32, 32)).shape());
        }
    }

    @Test
    void badOptionsNameTheField() {
        final BadModelSpec depth = assertThrows(BadModelSpec.class, () -> build("vgg", "relu", Map.of("depth", 15), new int[] {3, 32, 32}, 10));
        assertEquals("options.depth", depth.field());
        final BadModelSpec width = assertThrows(BadModelSpec.class, () -> build("shufflenet_v2", "relu", Map.of("width", 0.7), new int[] {3, 32, 32}, 10));
        assertTrue(width.getMessage().contains("0.5, 1.0, 1.5, 2.0"), width.getMessage());
        final BadModelSpec unknown = assertThrows(BadModelSpec.class, () -> build("vgg", "relu", Map.of("deep", 16), new int[] {3, 32, 32}, 10));
        assertEquals("options.deep", unknown.field());
        final BadModelSpec act = assertThrows(BadModelSpec.class, () -> build("mlp", "relu7", Map.of(), new int[] {784}, 10));
        assertEquals("activation", act.field());
    }
}
