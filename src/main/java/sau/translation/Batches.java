package sau.translation;

import java.util.List;
import sau.tensor.Tensor;
import sau.text.Vocabulary;

/** Token-id sequences as one padded {@code [B, longest]} tensor. */
final class Batches {

    private Batches() {}

    static Tensor padded(List<int[]> sequences) {
        int longest = 1;
        for (int[] s : sequences) longest = Math.max(longest, s.length);
        final float[] d = new float[sequences.size() * longest];
        java.util.Arrays.fill(d, Vocabulary.PAD);
        for (int i = 0; i < sequences.size(); i++) {
            final int[] s = sequences.get(i);
            for (int j = 0; j < s.length; j++) d[i * longest + j] = s[j];
        }
        return new Tensor(d, sequences.size(), longest);
    }
}
