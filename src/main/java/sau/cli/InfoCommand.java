package sau.cli;

import java.util.List;
import jdk.incubator.vector.FloatVector;
import sau.backend.cpu.Parallel;
import sau.backend.cuda.CudaDevice;
import sau.config.Experiment;
import sau.models.Models;
import sau.nn.activation.ActivationFactory;

/** {@code bin/sau info}: what this build of sau offers and what machine it runs on. */
final class InfoCommand implements Main.Command {

    @Override
    public String summary() {
        return "list the models, activations, datasets, optimizers and devices";
    }

    @Override
    public String help() {
        return "usage: bin/sau info\n\nLists the models, activations (with their parameters and defaults), datasets,\noptimizers, schedules and devices this build offers.\n";
    }

    @Override
    public int run(List<String> args) {
        System.out.println("models:");
        Models.descriptions().forEach((name, text) -> System.out.printf("  %-14s %s%n", name, text));
        System.out.println("activations (model.activation):");
        ActivationFactory.describe().forEach(line -> System.out.println("  " + line));
        System.out.println("datasets (dataset.name):");
        Experiment.DATASETS.forEach(d -> System.out.println("  " + d));
        System.out.println("optimizers (optimizer.name): sgd, adam, adamw");
        System.out.println("schedules (schedule.name): constant, cosine, step, inverse_sqrt");
        System.out.println("devices:");
        System.out.printf("  cpu     %d threads, Java %s, vectors of %d floats (%d-bit)%n", Parallel.threads(),
                Runtime.version().feature(), FloatVector.SPECIES_PREFERRED.length(), FloatVector.SPECIES_PREFERRED.vectorBitSize());
        final String why = CudaDevice.unavailableReason();
        if (why != null) {
            System.out.println("  cuda    not available: " + why);
        } else {
            for (int i = 0; i < CudaDevice.count(); i++) System.out.println("  " + CudaDevice.get(i));
        }
        return 0;
    }
}
