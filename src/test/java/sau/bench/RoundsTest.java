package sau.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundsTest {

    private static Map<String, Object> gemm(int size, double gflops, double spread) {
        return Table.row("bench", "gemm", "size", size, "GFLOP/s", gflops, "spread_pct", spread);
    }

    private static Map<String, Object> conv(double ms) {
        return Table.row("bench", "conv", "ms", ms);
    }

    @Test
    void eachWorkloadKeepsTheWholeRowOfItsMedianRound() {
        final List<Map<String, Object>> rows = Rounds.median(List.of(
                List.of(gemm(512, 400, 1), gemm(1024, 470, 2), conv(9)),
                List.of(gemm(512, 430, 3), gemm(1024, 440, 4), conv(11)),
                List.of(gemm(512, 410, 5), gemm(1024, 450, 6), conv(10))));
        assertEquals(List.of(410.0, 450.0), List.of(rows.get(0).get("GFLOP/s"), rows.get(1).get("GFLOP/s")));
        assertEquals(List.of(5.0, 6.0), List.of(rows.get(0).get("spread_pct"), rows.get(1).get("spread_pct")), "the spread of the round chosen");
        assertEquals(10.0, rows.get(2).get("ms"));
        assertTrue(rows.stream().allMatch(row -> Integer.valueOf(3).equals(row.get("rounds"))), rows.toString());
    }

    @Test
    void ofAnEvenNumberOfRoundsTheWorseMiddleOneIsKept() {
        final List<Map<String, Object>> rows = Rounds.median(List.of(
                List.of(gemm(512, 400, 0), conv(8)), List.of(gemm(512, 430, 0), conv(11)),
                List.of(gemm(512, 410, 0), conv(10)), List.of(gemm(512, 420, 0), conv(9))));
        assertEquals(410.0, rows.get(0).get("GFLOP/s"), "higher is better: the lower middle");
        assertEquals(10.0, rows.get(1).get("ms"), "time: the longer middle");
    }

    @Test
    void oneRoundIsLeftAsItIsAndMismatchedRoundsAreRefused() {
        final List<Map<String, Object>> one = List.of(gemm(512, 400, 1));
        assertSame(one, Rounds.median(List.of(one)));
        assertEquals(List.of(), Rounds.median(List.of()));
        final Map<String, Object> device = Table.row("bench", "device", "name", "H200");
        assertEquals("H200", Rounds.median(List.of(List.of(device), List.of(Table.row("bench", "device", "name", "H100")))).get(0).get("name"),
                "no known result column: the first round's row");
        final IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Rounds.median(List.of(one, List.of(gemm(512, 400, 1), gemm(1024, 1, 1)))));
        assertTrue(e.getMessage().contains("gave 1 and 2 rows"), e.getMessage());
    }
}
