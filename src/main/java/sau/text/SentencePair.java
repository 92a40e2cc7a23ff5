package sau.text;

/** A source sentence and its translation, as token ids without begin/end markers. */
public record SentencePair(int[] source, int[] target) {}
