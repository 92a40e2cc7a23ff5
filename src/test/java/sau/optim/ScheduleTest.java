package sau.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import sau.optim.schedule.ConstantLr;
import sau.optim.schedule.CosineAnnealing;
import sau.optim.schedule.InverseSqrtWarmup;
import sau.optim.schedule.LrSchedule;
import sau.optim.schedule.StepDecay;
import sau.tensor.Tensor;

class ScheduleTest {

    @Test
    void constant() {
        assertEquals(0.1, new ConstantLr(0.1).lr(0));
        assertEquals(0.1, new ConstantLr(0.1).lr(10_000));
    }

    @Test
    void stepDecayAsStepLR() {
        final LrSchedule s = new StepDecay(0.1, 30, 0.1);
        assertEquals(0.1, s.lr(0), 1e-15);
        assertEquals(0.1, s.lr(29), 1e-15);
        assertEquals(0.01, s.lr(30), 1e-15);
        assertEquals(0.001, s.lr(60), 1e-15);
        assertEquals(0.001, s.lr(89), 1e-15);
    }

    @Test
    void cosineWithoutWarmupAsCosineAnnealingLR() {
        final LrSchedule s = new CosineAnnealing(0.1, 100, 0.001);
        assertEquals(0.1, s.lr(0), 1e-15);
        assertEquals(0.001 + 0.099 * (1 + Math.cos(Math.PI / 4)) / 2, s.lr(25), 1e-15);
        assertEquals(0.0505, s.lr(50), 1e-15);
        assertEquals(0.001, s.lr(100), 1e-15);
        assertEquals(0.001, s.lr(150), 1e-15);
    }

    @Test
    void cosineWithWarmup() {
        final LrSchedule fromZero = new CosineAnnealing(1.0, 110, 0, 10);
        assertEquals(0.0, fromZero.lr(0));
        assertEquals(0.5, fromZero.lr(5), 1e-15);
        assertEquals(1.0, fromZero.lr(10), 1e-15);
        assertEquals(0.5, fromZero.lr(60), 1e-15);
        assertEquals(0.0, fromZero.lr(110), 1e-15);

        final LrSchedule fromFactor = new CosineAnnealing(1.0, 110, 0, 10, 0.1);
        assertEquals(0.1, fromFactor.lr(0), 1e-15);
        assertEquals(0.55, fromFactor.lr(5), 1e-15);
        assertEquals(1.0, fromFactor.lr(10), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new CosineAnnealing(1, 10, 0, 10));
    }

    @Test
    void inverseSqrtAsInTheTransformerPaper() {
        final LrSchedule s = new InverseSqrtWarmup(512, 4000, 1.0);
        assertEquals(0.0, s.lr(0));
        assertEquals(Math.pow(512, -0.5) * Math.pow(4000, -1.5), s.lr(1), 1e-18);
        final double peak = 1 / Math.sqrt(512.0 * 4000);
        assertEquals(peak, s.lr(4000), 1e-15);
        assertEquals(peak / 2, s.lr(16_000), 1e-15);
        assertEquals(2 * Math.pow(512, -0.5) * 2000 * Math.pow(4000, -1.5), new InverseSqrtWarmup(512, 4000, 2).lr(2000), 1e-15);
    }

    @Test
    void applySetsTheOptimizersRate() {
        final SGD opt = new SGD(List.of(Tensor.zeros(1).requiresGrad(true)), 1.0, 0);
        new StepDecay(0.5, 10, 0.5).apply(opt, 25);
        assertEquals(0.125, opt.lr(), 1e-15);
    }
}
