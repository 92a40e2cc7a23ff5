package sau.study;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sau.config.ConfigLoader;
import sau.config.TrainConfig;

/**
 * The logs of a study's runs, read back from its folder: what the report and the plots are made
 * of. A run counts once its log has every epoch of the config; the others are listed as
 * incomplete and left out of the statistics, so that a half-trained run never drags a mean down.
 *
 * @param complete   by activation (in the study's order), the complete runs by seed (in the study's order)
 * @param incomplete the runs with fewer epochs logged, or none
 */
public record StudyResults(Path dir, Study study, TrainConfig base, Map<String, Map<Long, RunLog>> complete, List<Path> incomplete) {

    public static StudyResults read(Path studyDir) throws IOException {
        final Study study = Study.read(studyDir);
        final TrainConfig base = ConfigLoader.load(studyDir.resolve(Study.BASE_CONFIG), List.of());
        final Map<String, Map<Long, RunLog>> complete = new LinkedHashMap<>();
        final List<Path> incomplete = new ArrayList<>();
        for (String activation : study.activations()) {
            final Map<Long, RunLog> bySeed = new LinkedHashMap<>();
            for (long seed : study.seeds()) {
                final RunLog log = RunLog.read(Study.runDir(studyDir, activation, seed));
                if (log.epochs().size() >= base.epochs()) bySeed.put(seed, log);
                else incomplete.add(log.dir());
            }
            complete.put(activation, bySeed);
        }
        return new StudyResults(studyDir, study, base, complete, incomplete);
    }

    public int plannedRuns() {
        return study.activations().size() * study.seeds().size();
    }

    public int completeRuns() {
        return complete.values().stream().mapToInt(Map::size).sum();
    }

    /** The final-epoch test accuracy of each complete run of {@code activation}, by seed. */
    public Map<Long, Double> finalTestAcc(String activation) {
        final Map<Long, Double> out = new LinkedHashMap<>();
        complete.get(activation).forEach((seed, log) -> out.put(seed, log.last().testAcc()));
        return out;
    }
}
