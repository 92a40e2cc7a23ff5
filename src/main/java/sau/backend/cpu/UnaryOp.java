package sau.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The elementwise operations of one operand. Some take parameters: {@code POW} its exponent
 * {@code p}, {@code CLAMP} the bounds {@code [p, q]}.
 */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, RSQRT, ABS, TANH, SIGMOID, ERF, POW, CLAMP;

    float apply(float x, float p, float q) {
        return switch (this) {
            case NEG -> -x;
            case EXP -> Exp.exp(x);
            case LOG -> (float) Math.log(x);
            case SQRT -> (float) Math.sqrt(x);
            case RSQRT -> (float) (1.0 / Math.sqrt(x));
            case ABS -> Math.abs(x);
            case TANH -> (float) Math.tanh(x);
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
            case ERF -> Erf.erf(x);
            case POW -> (float) Math.pow(x, p);
            case CLAMP -> Float.isNaN(x) ? x : Math.min(Math.max(x, p), q);
        };
    }

    FloatVector apply(FloatVector x, float p, float q) {
        return switch (this) {
            case NEG -> x.neg();
            case EXP -> Exp.exp(x);
            case LOG -> x.lanewise(VectorOperators.LOG);
            case SQRT -> x.sqrt();
            case RSQRT -> x.broadcast(1f).div(x.sqrt());
            case ABS -> x.abs();
            case TANH -> x.lanewise(VectorOperators.TANH);
            // 1 / (1 + e^-x): e^-x overflows to +inf for x < -88, and 1/inf = 0 is the right limit.
            case SIGMOID -> x.broadcast(1f).div(Exp.exp(x.neg()).add(1f));
            case ERF -> Erf.erf(x);
            case POW -> x.lanewise(VectorOperators.POW, p);
            case CLAMP -> x.max(p).min(q);
        };
    }
}
