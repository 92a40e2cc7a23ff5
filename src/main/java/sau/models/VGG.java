package sau.models;

import java.util.function.Supplier;
import sau.nn.AdaptiveAvgPool2d;
import sau.nn.BatchNorm2d;
import sau.nn.Conv2d;
import sau.nn.Dropout;
import sau.nn.Linear;
import sau.nn.MaxPool2d;
import sau.nn.Module;
import sau.nn.Sequential;
import sau.ops.Reductions;
import sau.ops.Views;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * VGG with batch normalisation (Simonyan and Zisserman, 2014; torchvision's {@code vgg*_bn}):
 * stacks of 3×3 convolutions, each followed by batch norm and the activation, with 2×2 max
 * pooling between stacks. Parameter names are torchvision's: {@code features.0.weight},
 * {@code features.1.running_mean}, {@code classifier.0.weight}, ...
 *
 * <p>Two heads: {@code imagenet}, torchvision's exactly (adaptive average pooling to 7×7, then
 * Linear(512·7·7, 4096), activation, dropout, Linear(4096, 4096), activation, dropout,
 * Linear(4096, classes)); and {@code cifar}, the usual head for 32×32 images, where the features
 * end at 1×1×512 and a single {@code Linear(512, classes)} follows. {@code width} scales every
 * channel count, for small configs.
 */
public final class VGG extends Module {

    /** Channel counts of the convolutions; 0 marks a max pool. */
    static final int[] VGG11 = {64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0};
    static final int[] VGG13 = {64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0};
    static final int[] VGG16 = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};
    static final int[] VGG19 = {64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0};

    public static int[] layout(int depth) {
        return switch (depth) {
            case 11 -> VGG11;
            case 13 -> VGG13;
            case 16 -> VGG16;
            case 19 -> VGG19;
            default -> throw new BadModelSpec("options.depth", depth + " is not one of 11, 13, 16, 19");
        };
    }

    private final Sequential features;
    /** Only in the ImageNet head. */
    private final Module avgpool;
    private final Module classifier;

    /**
     * @param layout       channel counts with 0 for max pools, e.g. {@link #VGG16}
     * @param inChannels   3 for colour images, 1 for (Fashion-)MNIST
     * @param classes      the number of outputs
     * @param imagenetHead torchvision's head (true) or the single-Linear CIFAR head (false)
     * @param width        multiplies every channel count (1 for the standard network)
     * @param dropout      the classifier's dropout (torchvision: 0.5; ImageNet head only)
     */
    public VGG(int[] layout, int inChannels, int classes, boolean imagenetHead, double width, float dropout, Supplier<Module> activation, Generator g) {
        features = registerModule("features", new Sequential());
        int channels = inChannels;
        for (int c : layout) {
            if (c == 0) {
                features.add(new MaxPool2d(2, 2));
            } else {
                final int out = Math.max(1, (int) Math.round(c * width));
                features.add(new Conv2d(channels, out, 3, 1, 1, true, g));
                features.add(new BatchNorm2d(out));
                features.add(activation.get());
                channels = out;
            }
        }
        if (imagenetHead) {
            avgpool = registerModule("avgpool", new AdaptiveAvgPool2d(7, 7));
            final int hidden = Math.max(1, (int) Math.round(4096 * width));
            classifier = registerModule("classifier", new Sequential(
                    new Linear(channels * 7 * 7, hidden, g), activation.get(), new Dropout(dropout, g),
                    new Linear(hidden, hidden, g), activation.get(), new Dropout(dropout, g),
                    new Linear(hidden, classes, g)));
        } else {
            avgpool = null;
            classifier = registerModule("classifier", new Linear(channels, classes, g));
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        final Tensor f = features.forward(x);
        if (avgpool != null) return classifier.forward(Views.flatten(avgpool.forward(f), 1, -1));
        // the CIFAR head expects 1×1 feature maps (32×32 inputs); larger inputs are averaged down
        final Tensor pooled = f.size(2) == 1 && f.size(3) == 1 ? f : Reductions.mean(f, new int[] {2, 3}, true);
        return classifier.forward(Views.flatten(pooled, 1, -1));
    }
}
