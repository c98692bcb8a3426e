package dev.openenv.server.session;

import dev.openenv.core.OpenEnvException;

/** The environment factory threw while building an instance for a new session. */
public final class FactoryException extends OpenEnvException {
    private final String factoryName;

    public FactoryException(String factoryName, Throwable cause) {
        super("Environment factory '" + factoryName + "' failed to create instance.", cause);
        this.factoryName = factoryName;
    }

    public String factoryName() {
        return factoryName;
    }
}
