package sau.nn;

import java.math.BigDecimal;

/**
 * Numbers as Python's {@code repr} writes them ({@code 1e-05}, {@code 0.1}, {@code 2.0}), so that
 * a module prints exactly as its PyTorch counterpart and the two printouts can be compared.
 */
final class PythonRepr {

    private PythonRepr() {}

    /**
     * The shortest digits that read back as {@code v} (Java's {@link Float#toString} picks
     * those), laid out as Python does: positional for exponents −4 to 15, scientific otherwise.
     */
    static String of(float v) {
        if (Float.isNaN(v)) return "nan";
        if (Float.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return (1 / v < 0) ? "-0.0" : "0.0";
        final BigDecimal d = new BigDecimal(Float.toString(v)).stripTrailingZeros();
        final int exponent = d.precision() - d.scale() - 1; // of the leading digit
        if (exponent >= -4 && exponent < 16) {
            final String plain = d.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        final String digits = d.unscaledValue().abs().toString();
        final String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (v < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }

    static String of(boolean b) {
        return b ? "True" : "False";
    }
}
