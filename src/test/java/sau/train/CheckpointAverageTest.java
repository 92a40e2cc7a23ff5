package sau.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sau.tensor.Tensor;

class CheckpointAverageTest {

    @Test
    void averagesElementwiseAndRefusesMismatchedCheckpoints() {
        final Map<String, Tensor> avg = CheckpointAverage.average(List.of(Map.of("w", Tensor.of(1f, 2f)), Map.of("w", Tensor.of(3f, 6f)), Map.of("w", Tensor.of(2f, 1f))));
        assertArrayEquals(new float[] {2f, 3f}, avg.get("w").toArray());
        assertThrows(IllegalArgumentException.class, () -> CheckpointAverage.average(List.of(Map.of("w", Tensor.of(1f)), Map.of("v", Tensor.of(1f)))));
    }
}
