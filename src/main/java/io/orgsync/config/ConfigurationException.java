package io.orgsync.config;

/** A setting the user must fix. The message is one line and starts with the key to change. */
public class ConfigurationException extends RuntimeException {

    private final String key;

    public ConfigurationException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
