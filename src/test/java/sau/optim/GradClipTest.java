package sau.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import sau.tensor.Tensor;

class GradClipTest {

    @Test
    void clipsTheGlobalNormAndLeavesSmallGradientsAlone() {
        final Tensor a = Tensor.zeros(2), b = Tensor.zeros(1);
        a.setGrad(Tensor.of(3f, 0f));
        b.setGrad(Tensor.of(4f));
        assertEquals(5.0, GradClip.clipGradNorm(List.of(a, b), 1.0), 1e-9); // ‖(3, 0, 4)‖ = 5
        assertArrayEquals(new float[] {0.6f, 0f}, a.grad().toArray(), 1e-6f);
        assertArrayEquals(new float[] {0.8f}, b.grad().toArray(), 1e-6f);
        assertEquals(1.0, GradClip.clipGradNorm(List.of(a, b), 2.0), 1e-6);
        assertArrayEquals(new float[] {0.8f}, b.grad().toArray(), 1e-6f);
    }
}
