package sau.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import sau.autograd.GradCheck;
import sau.tensor.Generator;
import sau.tensor.Tensor;

class Conv2dTest {

    private static int[] p(int a, int b) {
        return new int[] {a, b};
    }

    @Test
    void parameterCountsAndNames() {
        final Conv2d conv = new Conv2d(3, 64, 3, new Generator(0));
        assertEquals(1792, conv.numParameters()); // 64·3·3·3 + 64
        assertEquals(List.of("weight", "bias"), List.copyOf(conv.namedParameters().keySet()));
        assertArrayEquals(new int[] {64, 3, 3, 3}, conv.weight().shape());
        assertEquals(1728, new Conv2d(3, 64, 3, 1, 1, false, new Generator(0)).numParameters());
        final Conv2d grouped = new Conv2d(8, 16, p(3, 3), p(1, 1), p(1, 1), p(1, 1), 4, true, new Generator(0));
        assertArrayEquals(new int[] {16, 2, 3, 3}, grouped.weight().shape());
        assertEquals(16 * 2 * 9 + 16, grouped.numParameters());
        final ConvTranspose2d up = new ConvTranspose2d(16, 8, 2, 2, new Generator(0));
        assertArrayEquals(new int[] {16, 8, 2, 2}, up.weight().shape());
        assertEquals(16 * 8 * 4 + 8, up.numParameters());
    }

    @Test
    void defaultInitialisationIsPyTorchs() {
        // kaiming_uniform(a=√5) gives U(−1/√fan_in, 1/√fan_in); the bias has the same range.
        final Conv2d conv = new Conv2d(16, 32, 3, new Generator(1));
        checkUniform(conv.weight(), 1 / Math.sqrt(16 * 9));
        checkUniform(conv.bias(), 1 / Math.sqrt(16 * 9));
        // A transposed convolution's fan_in comes from its weight [in, out/groups, kh, kw]: out/groups·kh·kw.
        final ConvTranspose2d up = new ConvTranspose2d(32, 16, 3, 2, new Generator(2));
        checkUniform(up.weight(), 1 / Math.sqrt(16 * 9));
        checkUniform(up.bias(), 1 / Math.sqrt(16 * 9));
    }

    private static void checkUniform(Tensor t, double bound) {
        double max = 0;
        for (float v : t.toArray()) max = Math.max(max, Math.abs(v));
        assertTrue(max <= bound && max > 0.8 * bound, "largest |value| " + max + " for bound " + bound);
    }

    @Test
    void sameSeedSameWeights() {
        assertArrayEquals(new Conv2d(3, 8, 3, new Generator(5)).weight().toArray(), new Conv2d(3, 8, 3, new Generator(5)).weight().toArray());
    }

    @Test
    void reprLikePyTorch() {
        final Generator g = new Generator(0);
        assertEquals("Conv2d(3, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))", new Conv2d(3, 64, 3, 1, 1, true, g).toString());
        assertEquals("Conv2d(3, 64, kernel_size=(3, 3), stride=(1, 1))", new Conv2d(3, 64, 3, g).toString());
        assertEquals("Conv2d(32, 32, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2), dilation=(2, 2), groups=32, bias=False)",
                new Conv2d(32, 32, p(3, 5), p(2, 1), p(1, 2), p(2, 2), 32, false, g).toString());
        assertEquals("ConvTranspose2d(16, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))",
                new ConvTranspose2d(16, 8, 3, 2, 1, 1, true, g).toString());
    }

    @Test
    void outputShapes() {
        final Generator g = new Generator(3);
        final Tensor x = Tensor.randn(g, 2, 3, 9, 8);
        assertArrayEquals(new int[] {2, 6, 9, 8}, new Conv2d(3, 6, 3, 1, 1, true, g).forward(x).shape());
        assertArrayEquals(new int[] {2, 6, 5, 4}, new Conv2d(3, 6, 3, 2, 1, true, g).forward(x).shape());
        // stride 2, padding 1, output padding 1 exactly doubles the size: the inverse of the strided conv's shape
        assertArrayEquals(new int[] {2, 4, 18, 16}, new ConvTranspose2d(3, 4, 3, 2, 1, 1, true, g).forward(x).shape());
        assertArrayEquals(new int[] {2, 4, 18, 16}, new ConvTranspose2d(3, 4, 2, 2, g).forward(x).shape());
    }

    @Test
    void gradientsFlowToEveryParameter() {
        final Generator g = new Generator(4);
        final Tensor x = Tensor.randn(g, 2, 4, 5, 6).requiresGrad(true);
        final Conv2d conv = new Conv2d(4, 6, p(3, 3), p(2, 1), p(1, 1), p(1, 1), 2, true, g);
        GradCheck.create().check(ts -> conv.forward(ts[0]), x, conv.weight(), conv.bias());
        final Conv2d depthwise = new Conv2d(4, 4, p(3, 3), p(1, 1), p(1, 1), p(1, 1), 4, false, g);
        assertNull(depthwise.bias());
        GradCheck.create().check(ts -> depthwise.forward(ts[0]), x, depthwise.weight());
        final ConvTranspose2d up = new ConvTranspose2d(4, 3, 3, 2, 1, 1, true, g);
        GradCheck.create().check(ts -> up.forward(ts[0]), x, up.weight(), up.bias());
    }

    @Test
    void badArgumentsAreRefused() {
        final Generator g = new Generator(0);
        final IllegalArgumentException groups = assertThrows(IllegalArgumentException.class,
                () -> new Conv2d(6, 4, p(3, 3), p(1, 1), p(0, 0), p(1, 1), 3, true, g));
        assertTrue(groups.getMessage().contains("groups=3"), groups.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 0, g));
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 1, -1, true, g));
        assertThrows(IllegalArgumentException.class, () -> new ConvTranspose2d(3, 4, 3, 2, 1, 2, true, g));
    }
}
