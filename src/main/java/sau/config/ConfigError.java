package sau.config;

/**
 * A config the user must fix. The message names the file, the field's dotted path and what is
 * allowed, e.g. {@code configs/x.json: optimizer.name: "sdg" is not one of sgd, adam, adamw}.
 */
public final class ConfigError extends RuntimeException {

    public ConfigError(String message) {
        super(message);
    }
}
