package sau.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's tables from the hand-written logs of {@link FabricatedStudy}, row by row. */
class ReportTest {

    @TempDir
    Path tmp;

    private Path study() throws IOException {
        final Path dir = FabricatedStudy.write(tmp.resolve("fab-study"));
        Report.write(StudyResults.read(dir));
        return dir;
    }

    @Test
    void resultsTable() throws IOException {
        final Path dir = study();
        // relu: acc 90, 92, 91 → 91 ± 1; loss 0.30, 0.28, 0.26 → 0.28 ± 0.02; best epochs 91, 92, 93 → 92 ± 1
        // sau: 93, 94, 95 → 94 ± 1; loss 0.24 ± 0.01; the final epoch is the best
        // elu: seed 2 is incomplete; 89, 93 → 91 ± √8 = 2.83; loss 0.31, 0.27 → 0.29 ± 0.0283
        assertEquals(List.of(
                "activation,runs,test_acc_mean,test_acc_std,test_acc_min,test_acc_max,test_loss_mean,test_loss_std,best_test_acc_mean,best_test_acc_std",
                "relu,3,91.0000,1.0000,90.0000,92.0000,0.280000,0.020000,92.0000,1.0000",
                "sau,3,94.0000,1.0000,93.0000,95.0000,0.240000,0.010000,94.0000,1.0000",
                "elu,2,91.0000,2.8284,89.0000,93.0000,0.290000,0.028284,91.0000,2.8284"),
                Files.readAllLines(dir.resolve("results.csv")));
        final String report = Files.readString(dir.resolve("report.md"));
        assertTrue(report.contains("""
                | activation | runs | final test acc (%) | min | max | final test loss | best-epoch test acc (%) |
                | --- | ---: | ---: | ---: | ---: | ---: | ---: |
                | relu | 3 | 91.00 ± 1.00 | 90.00 | 92.00 | 0.2800 ± 0.0200 | 92.00 ± 1.00 |
                | sau | 3 | 94.00 ± 1.00 | 93.00 | 95.00 | 0.2400 ± 0.0100 | 94.00 ± 1.00 |
                | elu | 2 | 91.00 ± 2.83 | 89.00 | 93.00 | 0.2900 ± 0.0283 | 91.00 ± 2.83 |
                """), report);
        assertTrue(report.contains("complete runs: 8 of 9"), report);
        assertTrue(report.contains("incomplete runs, left out of the tables: `elu/seed-2`"), report);
    }

    @Test
    void winLossTable() throws IOException {
        final Path dir = study();
        // sau − relu per seed: 0.03, 0.02, 0.04 → mean 0.03, sd 0.01, t = 0.03 / (0.01/√3) = 5.196, df 2,
        // p = 1 − t/√(2 + t²) = 1 − √(27/29) = 0.035099; intervals [93, 95] and [90, 92] do not overlap: a win.
        // sau − elu on seeds 0, 1: 0.04, 0.01 → mean 0.025, sd 0.0212, t = 1.667, df 1, p = 1 − (2/π) atan t = 0.3440;
        // [93, 95] and [88.17, 93.83] overlap: a tie.
        final String md = Files.readString(dir.resolve("winloss.md"));
        assertTrue(md.contains("""
                | SAU | baseline | SAU acc (%) | baseline acc (%) | difference | result | t (df) | p |
                | --- | --- | ---: | ---: | ---: | --- | ---: | ---: |
                | sau | relu | 94.00 ± 1.00 | 91.00 ± 1.00 | +3.00 | win | 5.20 (2) | 0.0351 * |
                | sau | elu | 94.00 ± 1.00 | 91.00 ± 2.83 | +3.00 | tie | 1.67 (1) | 0.3440 |

                sau: 1 win, 1 tie, 0 loss; 1 of 2 differences significant at p < 0.05.
                """), md);
        assertEquals(List.of(
                "sau,baseline,sau_acc_mean,sau_acc_std,baseline_acc_mean,baseline_acc_std,difference,result,pairs,t,df,p,significant",
                "sau,relu,94.0000,1.0000,91.0000,1.0000,3.0000,win,3,5.1962,2,0.035099,true",
                "sau,elu,94.0000,1.0000,91.0000,2.8284,3.0000,tie,2,1.6667,1,0.344042,false"),
                Files.readAllLines(dir.resolve("winloss.csv")));
        assertTrue(Files.readString(dir.resolve("report.md")).contains(md.substring(md.indexOf("| SAU |"))));
    }

    @Test
    void learnedParameters() throws IOException {
        final String report = Files.readString(study().resolve("report.md"));
        assertTrue(report.contains("""
                | activation | parameter | runs | final value |
                | --- | --- | ---: | ---: |
                | sau | act.alpha | 3 | 0.2200 ± 0.0200 |
                | sau | layer2.alpha (mean of 2 channels) | 3 | 0.2000 ± 0.0000 |
                """), report);
    }

    @Test
    void specsWithCommasAreQuotedInCsv() throws IOException {
        final Path dir = tmp.resolve("commas");
        new Study("c.json", List.of(), List.of("sau(n=1, alpha=0.2)", "relu"), List.of(0L)).write(dir);
        Files.writeString(dir.resolve(Study.BASE_CONFIG), "{\"epochs\": 1}");
        for (String a : List.of("sau(n=1, alpha=0.2)", "relu")) {
            Files.createDirectories(Study.runDir(dir, a, 0));
            Files.writeString(Study.runDir(dir, a, 0).resolve("metrics.jsonl"),
                    "{\"epoch\":1,\"train_loss\":1,\"train_acc\":0.5,\"test_loss\":1,\"test_acc\":0.5,\"lr\":0.1}\n");
        }
        Report.write(StudyResults.read(dir));
        assertEquals("\"sau(n=1, alpha=0.2)\",1,50.0000,,50.0000,50.0000,1.000000,,50.0000,", Files.readAllLines(dir.resolve("results.csv")).get(1));
        // one seed: no std, no paired test, and equal means tie
        assertTrue(Files.readString(dir.resolve("winloss.md")).contains("| sau(n=1, alpha=0.2) | relu | 50.00 | 50.00 | +0.00 | tie | n/a | n/a |"));
    }
}
