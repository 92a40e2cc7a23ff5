package sau.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CoreLatencyTest {

    @Test
    void aRoundTripBetweenTwoThreadsTakesNanosecondsToMicroseconds() {
        final double ns = CoreLatency.roundTripNanos();
        if (Runtime.getRuntime().availableProcessors() < 2) {
            assertTrue(Double.isNaN(ns), "one core: no round trip, got " + ns);
            return;
        }
        // A cache line crosses between cores in tens to hundreds of nanoseconds; a round trip
        // through the scheduler (one thread waiting for the other's core) would take microseconds.
        assertTrue(ns > 5 && ns < 50_000, "round trip " + ns + " ns");
    }
}
