package sau.models;

import java.util.List;
import java.util.function.Supplier;
import sau.nn.BatchNorm2d;
import sau.nn.Conv2d;
import sau.nn.Linear;
import sau.nn.MaxPool2d;
import sau.nn.Module;
import sau.nn.Sequential;
import sau.ops.ChannelShuffleOp;
import sau.ops.Joins;
import sau.ops.Reductions;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * ShuffleNet V2 (Ma et al., 2018), laid out exactly as torchvision's {@code shufflenet_v2_x*}.
 *
 * <p>Each unit splits its channels in two: one half passes through untouched, the other goes
 * through 1×1 conv → 3×3 depthwise conv → 1×1 conv; the halves are concatenated and the channels
 * shuffled so that information crosses between the halves in the next unit. A down-sampling unit
 * (stride 2) sends the whole input through two branches instead. The {@code cifar} stem keeps
 * the first convolution at stride 1 and drops the max pool, for 32×32 images.
 */
public final class ShuffleNetV2 extends Module {

    /** Output channels of conv1, stage2, stage3, stage4 and conv5 for each width. */
    public static int[] stageChannels(double widthMult) {
        if (widthMult == 0.5) return new int[] {24, 48, 96, 192, 1024};
        if (widthMult == 1.0) return new int[] {24, 116, 232, 464, 1024};
        if (widthMult == 1.5) return new int[] {24, 176, 352, 704, 1024};
        if (widthMult == 2.0) return new int[] {24, 244, 488, 976, 2048};
        throw new BadModelSpec("options.width", widthMult + " is not one of 0.5, 1.0, 1.5, 2.0");
    }

    private static final int[] REPEATS = {4, 8, 4};

    private final Sequential conv1;
    private final Module maxpool;
    private final Sequential[] stages = new Sequential[3];
    private final Sequential conv5;
    private final Linear fc;

    public ShuffleNetV2(double widthMult, int inChannels, int classes, boolean cifarStem, Supplier<Module> activation, Generator g) {
        final int[] ch = stageChannels(widthMult);
        conv1 = registerModule("conv1", new Sequential(new Conv2d(inChannels, ch[0], 3, cifarStem ? 1 : 2, 1, false, g), new BatchNorm2d(ch[0]), activation.get()));
        maxpool = cifarStem ? null : registerModule("maxpool", new MaxPool2d(3, 2, 1));
        int in = ch[0];
        for (int s = 0; s < 3; s++) {
            final Sequential stage = registerModule("stage" + (s + 2), new Sequential(new Unit(in, ch[s + 1], 2, activation, g)));
            for (int i = 1; i < REPEATS[s]; i++) stage.add(new Unit(ch[s + 1], ch[s + 1], 1, activation, g));
            stages[s] = stage;
            in = ch[s + 1];
        }
        conv5 = registerModule("conv5", new Sequential(new Conv2d(in, ch[4], 1, 1, 0, false, g), new BatchNorm2d(ch[4]), activation.get()));
        fc = registerModule("fc", new Linear(ch[4], classes, g));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = conv1.forward(x);
        if (maxpool != null) h = maxpool.forward(h);
        for (Sequential stage : stages) h = stage.forward(h);
        h = conv5.forward(h);
        return fc.forward(Reductions.mean(h, new int[] {2, 3}, false));
    }

    /** torchvision's {@code InvertedResidual}. */
    static final class Unit extends Module {

        private final int stride;
        private final Sequential branch1;
        private final Sequential branch2;

        Unit(int in, int out, int stride, Supplier<Module> activation, Generator g) {
            if (stride == 1 && in != out) throw new IllegalArgumentException("a stride-1 unit keeps its channels: " + in + " vs " + out);
            this.stride = stride;
            final int half = out / 2;
            // torchvision registers branch1 even when empty, but an empty Sequential has no state
            branch1 = registerModule("branch1", stride > 1
                    ? new Sequential(depthwise(in, stride, g), new BatchNorm2d(in), new Conv2d(in, half, 1, 1, 0, false, g), new BatchNorm2d(half), activation.get())
                    : new Sequential());
            branch2 = registerModule("branch2", new Sequential(
                    new Conv2d(stride > 1 ? in : half, half, 1, 1, 0, false, g), new BatchNorm2d(half), activation.get(),
                    depthwise(half, stride, g), new BatchNorm2d(half),
                    new Conv2d(half, half, 1, 1, 0, false, g), new BatchNorm2d(half), activation.get()));
        }

        private static Conv2d depthwise(int channels, int stride, Generator g) {
            return new Conv2d(channels, channels, new int[] {3, 3}, new int[] {stride, stride}, new int[] {1, 1}, new int[] {1, 1}, channels, false, g);
        }

        @Override
        public Tensor forward(Tensor x) {
            // cat(halves, 1) then a channel shuffle in 2 groups, as torchvision, in one op
            if (stride == 1) {
                final List<Tensor> halves = Joins.split(x, x.size(1) / 2, 1);
                return ChannelShuffleOp.concatAndShuffle(List.of(halves.get(0), branch2.forward(halves.get(1))));
            }
            return ChannelShuffleOp.concatAndShuffle(List.of(branch1.forward(x), branch2.forward(x)));
        }
    }
}
