package sau.models;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import sau.detection.DefaultBoxes;
import sau.nn.BatchNorm2d;
import sau.nn.Conv2d;
import sau.nn.Init;
import sau.nn.MaxPool2d;
import sau.nn.Module;
import sau.nn.Sequential;
import sau.ops.Arithmetic;
import sau.ops.Joins;
import sau.ops.L2Normalize;
import sau.ops.Views;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * SSD300, the Single Shot MultiBox Detector of Liu et al. (2016), with a VGG-16 backbone, laid
 * out as torchvision's {@code ssd300_vgg16} so that the parameter names and count match it
 * (26,285,486 parameters with 21 classes).
 *
 * <p>The backbone is VGG-16's convolutions with the third max pool in ceil mode (75 → 38 at
 * 300×300), the fifth pool replaced by a 3×3 stride-1 pool, and VGG's first two fully connected
 * layers turned into convolutions: fc6, 3×3 with 1024 channels and dilation 6 (a wide field of
 * view at no extra cost), and fc7, 1×1. Four extra blocks (1×1 then 3×3 convolutions) shrink the
 * map further. Six maps are predicted from: conv4_3 (38×38, first L2-normalised over channels and
 * multiplied by a learned per-channel scale initialised at 20, because its values are much
 * larger than the others'), fc7 (19×19) and the four extras (10, 5, 3, 1). On each, two 3×3
 * convolutions predict, for each of the 4 or 6 default boxes per cell, 4 box offsets and a score
 * per class (class 0 is the background).
 *
 * <p>{@code forward} returns {@code [N, P, 4 + classes]}: for every default box
 * ({@link #defaultBoxes()}, P = 8732 at 300×300), its offsets then its class logits.
 *
 * <p>Options beyond the paper: {@code batchNorm} puts a batch norm after every backbone and extra
 * convolution (the paper's VGG-16-BN variant, trained from scratch); {@code width} scales every
 * backbone and extra channel count; smaller inputs give smaller maps (a 3×3 extra whose input is
 * below 3×3 is padded so the map stays at least 1×1).
 */
public final class SSD300 extends Module {

    public static final int[] BOXES_PER_CELL = {4, 6, 6, 6, 4, 4};

    private final Backbone backbone;
    private final Head head;
    private final int classes;
    private final DefaultBoxes defaultBoxes;

    /**
     * @param imageSize the side of the square input (300 for the paper)
     * @param classes the number of classes including the background (21 for Pascal VOC)
     */
    public SSD300(int imageSize, int classes, boolean batchNorm, double width, Supplier<Module> activation, Generator g) {
        if (classes < 2) throw new BadModelSpec("classes", "SSD needs the background and at least one class, got " + classes);
        if (imageSize < 32) throw new BadModelSpec("image_size", "SSD needs inputs of at least 32×32, got " + imageSize);
        this.classes = classes;
        backbone = registerModule("backbone", new Backbone(imageSize, batchNorm, width, activation, g));
        head = registerModule("head", new Head(backbone.outChannels, classes, g));
        defaultBoxes = DefaultBoxes.ssd300(backbone.mapSizes);
    }

    public DefaultBoxes defaultBoxes() {
        return defaultBoxes;
    }

    public int classes() {
        return classes;
    }

    @Override
    public Tensor forward(Tensor x) {
        return head.predict(backbone.maps(x));
    }

    private static int channels(int c, double width) {
        return Math.max(1, (int) Math.round(c * width));
    }

    /** Adds a convolution (bias 0), its batch norm if asked for, and the activation; returns the output channels. */
    private static int addConv(Sequential into, int in, int out, int kernel, int stride, int padding, int dilation,
                               boolean batchNorm, Supplier<Module> activation, boolean kaiming, Generator g) {
        final Conv2d conv = new Conv2d(in, out, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding},
                new int[] {dilation, dilation}, 1, true, g);
        // torchvision: VGG's own layers He-initialised for ReLU, everything SSD adds Xavier-initialised
        if (kaiming) Init.kaimingNormal(conv.weight(), 0, Init.FanMode.FAN_OUT, Init.Nonlinearity.RELU, g);
        else Init.xavierUniform(conv.weight(), 1, g);
        Init.zeros(conv.bias());
        into.add(conv);
        if (batchNorm) into.add(new BatchNorm2d(out));
        into.add(activation.get());
        return out;
    }

    /**
     * VGG-16 up to conv4_3 ({@code features}), the learned scale of the normalised conv4_3
     * ({@code scale_weight}), and the blocks that make the other five maps ({@code extra}).
     */
    private static final class Backbone extends Module {

        private static final int[][] VGG_STAGES = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}};
        /** The extra blocks after fc7: 1×1 channels, 3×3 channels, stride. */
        private static final int[][] EXTRAS = {{256, 512, 2}, {128, 256, 2}, {128, 256, 1}, {128, 256, 1}};

        final Sequential features;
        final Tensor scaleWeight;
        final Sequential extra;
        final int[] outChannels = new int[6];
        final int[] mapSizes = new int[6];

        Backbone(int size, boolean batchNorm, double width, Supplier<Module> activation, Generator g) {
            features = registerModule("features", new Sequential());
            int in = 3, h = size;
            for (int s = 0; s < VGG_STAGES.length; s++) {
                if (s > 0) {
                    final boolean ceil = s == 3; // 75 → 38 at 300×300
                    features.add(new MaxPool2d(2, 2, 0, 1, ceil));
                    h = ceil ? (h + 1) / 2 : h / 2;
                }
                for (int c : VGG_STAGES[s]) in = addConv(features, in, channels(c, width), 3, 1, 1, 1, batchNorm, activation, true, g);
            }
            record(0, in, h);
            scaleWeight = registerParameter("scale_weight", Tensor.full(20f, in));
            extra = registerModule("extra", new Sequential());

            final Sequential block5 = new Sequential(new MaxPool2d(2, 2));
            h /= 2;
            for (int i = 0; i < 3; i++) in = addConv(block5, in, channels(512, width), 3, 1, 1, 1, batchNorm, activation, false, g);
            final Sequential fc = new Sequential(new MaxPool2d(3, 1, 1));
            in = addConv(fc, in, channels(1024, width), 3, 1, 6, 6, batchNorm, activation, false, g); // fc6, dilated
            in = addConv(fc, in, channels(1024, width), 1, 1, 0, 1, batchNorm, activation, false, g); // fc7
            block5.add(fc);
            extra.add(block5);
            record(1, in, h);

            for (int k = 0; k < EXTRAS.length; k++) {
                final int stride = EXTRAS[k][2];
                final int pad = stride == 2 || h < 3 ? 1 : 0;
                final Sequential block = new Sequential();
                in = addConv(block, in, channels(EXTRAS[k][0], width), 1, 1, 0, 1, batchNorm, activation, false, g);
                in = addConv(block, in, channels(EXTRAS[k][1], width), 3, stride, pad, 1, batchNorm, activation, false, g);
                extra.add(block);
                h = (h + 2 * pad - 3) / stride + 1;
                record(k + 2, in, h);
            }
        }

        private void record(int map, int channels, int size) {
            outChannels[map] = channels;
            mapSizes[map] = size;
        }

        /** The six feature maps, finest first. */
        List<Tensor> maps(Tensor x) {
            final List<Tensor> out = new ArrayList<>();
            Tensor y = features.forward(x);
            final Tensor scale = Views.reshape(scaleWeight, 1, scaleWeight.numel(), 1, 1);
            out.add(Arithmetic.mul(L2Normalize.channels(y), scale));
            for (int k = 0; k < extra.size(); k++) {
                y = extra.get(k).forward(y);
                out.add(y);
            }
            return out;
        }

        @Override
        public Tensor forward(Tensor x) {
            throw new UnsupportedOperationException("the SSD backbone makes six feature maps; call SSD300.forward");
        }
    }

    /** The 3×3 convolutions that predict class scores and box offsets on each map. */
    private static final class Head extends Module {

        final PerMap classification;
        final PerMap regression;

        Head(int[] channels, int classes, Generator g) {
            classification = registerModule("classification_head", new PerMap(channels, classes, g));
            regression = registerModule("regression_head", new PerMap(channels, 4, g));
        }

        Tensor predict(List<Tensor> maps) {
            return Joins.cat(List.of(regression.predict(maps), classification.predict(maps)), 2);
        }

        @Override
        public Tensor forward(Tensor x) {
            throw new UnsupportedOperationException("the SSD head takes the six feature maps; call SSD300.forward");
        }
    }

    /** One 3×3 convolution per map ({@code module_list.i}), each predicting {@code values} numbers per default box. */
    private static final class PerMap extends Module {

        final Sequential moduleList;
        final int values;

        PerMap(int[] channels, int values, Generator g) {
            this.values = values;
            moduleList = registerModule("module_list", new Sequential());
            for (int k = 0; k < channels.length; k++) {
                final Conv2d conv = new Conv2d(channels[k], BOXES_PER_CELL[k] * values, 3, 1, 1, true, g);
                Init.xavierUniform(conv.weight(), 1, g);
                Init.zeros(conv.bias());
                moduleList.add(conv);
            }
        }

        /**
         * {@code [N, P, values]}: each map's {@code [N, A·values, H, W]} output read cell by
         * cell, then box by box, the order of {@link DefaultBoxes}.
         */
        Tensor predict(List<Tensor> maps) {
            final List<Tensor> parts = new ArrayList<>();
            for (int k = 0; k < maps.size(); k++) {
                final Tensor y = moduleList.get(k).forward(maps.get(k));
                parts.add(Views.reshape(Views.permute(y, 0, 2, 3, 1), y.size(0), -1, values));
            }
            return Joins.cat(parts, 1);
        }

        @Override
        public Tensor forward(Tensor x) {
            throw new UnsupportedOperationException("a per-map head takes a list of maps; call predict");
        }
    }
}
