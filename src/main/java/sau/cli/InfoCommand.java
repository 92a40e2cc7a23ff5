package sau.cli;

import java.util.List;
import jdk.incubator.vector.FloatVector;
import sau.backend.cpu.Parallel;

/** {@code bin/sau info}: what this build of sau offers and what machine it runs on. */
final class InfoCommand implements Main.Command {

    @Override
    public String summary() {
        return "list the models, activations, datasets, optimizers and devices";
    }

    @Override
    public String help() {
        return "usage: bin/sau info\n\nLists the models, activations, datasets, optimizers and devices this build offers.\n";
    }

    @Override
    public int run(List<String> args) {
        System.out.println("devices:");
        System.out.printf("  cpu     %d threads, Java %s, vectors of %d floats (%d-bit)%n", Parallel.threads(),
                Runtime.version().feature(), FloatVector.SPECIES_PREFERRED.length(), FloatVector.SPECIES_PREFERRED.vectorBitSize());
        return 0;
    }
}
