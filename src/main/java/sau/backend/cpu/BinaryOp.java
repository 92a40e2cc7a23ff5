package sau.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The elementwise operations of two operands, each as a scalar and as a vector function.
 * The comparisons give 1 where they hold and 0 elsewhere, for masks.
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN, POW, GT, GE, LT, LE, EQ;

    float apply(float a, float b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.max(a, b);
            case MIN -> Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.min(a, b);
            case POW -> (float) Math.pow(a, b);
            case GT -> a > b ? 1f : 0f;
            case GE -> a >= b ? 1f : 0f;
            case LT -> a < b ? 1f : 0f;
            case LE -> a <= b ? 1f : 0f;
            case EQ -> a == b ? 1f : 0f;
        };
    }

    FloatVector apply(FloatVector a, FloatVector b) {
        return switch (this) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case MAX -> a.max(b);
            case MIN -> a.min(b);
            case POW -> a.lanewise(VectorOperators.POW, b);
            case GT -> ones(a, a.compare(VectorOperators.GT, b));
            case GE -> ones(a, a.compare(VectorOperators.GE, b));
            case LT -> ones(a, a.compare(VectorOperators.LT, b));
            case LE -> ones(a, a.compare(VectorOperators.LE, b));
            case EQ -> ones(a, a.compare(VectorOperators.EQ, b));
        };
    }

    /** 1 in the lanes where {@code mask} is set, 0 elsewhere. */
    private static FloatVector ones(FloatVector like, VectorMask<Float> mask) {
        return like.broadcast(0f).blend(1f, mask);
    }
}
