package dev.openenv.core;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.Objects;

/**
 * The wire types of an environment: what its actions, observations and states are. The server
 * needs them to decode actions and publish JSON Schemas without building an instance.
 */
public record EnvironmentType<A extends Action, O, S extends State>(
        String name, Class<A> actionType, Class<O> observationType, Class<S> stateType) {

    public EnvironmentType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(actionType, "actionType");
        Objects.requireNonNull(observationType, "observationType");
        Objects.requireNonNull(stateType, "stateType");
    }

    public static <A extends Action, O, S extends State> EnvironmentType<A, O, S> of(
            String name, Class<A> actionType, Class<O> observationType, Class<S> stateType) {
        return new EnvironmentType<>(name, actionType, observationType, stateType);
    }

    /**
     * Reads the type arguments an environment class gives {@link Environment}
     * ({@code class Echo implements Environment<EchoAction, EchoObservation, BasicState>}).
     *
     * @throws OpenEnvException when the class leaves them generic
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static EnvironmentType<?, ?, ?> fromClass(Class<?> environmentClass) {
        Type[] args = resolve(environmentClass);
        if (args == null) {
            throw new OpenEnvException(environmentClass.getName()
                    + " does not bind Environment's type arguments to classes; pass an EnvironmentType explicitly");
        }
        return new EnvironmentType(environmentClass.getSimpleName(), (Class) args[0], (Class) args[1], (Class) args[2]);
    }

    private static Type[] resolve(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Type t : c.getGenericInterfaces()) {
                if (t instanceof ParameterizedType p && p.getRawType() == Environment.class) {
                    Type[] args = p.getActualTypeArguments();
                    for (Type a : args) {
                        if (!(a instanceof Class<?>)) {
                            return null;
                        }
                    }
                    return args;
                }
                if (t instanceof Class<?> i && Environment.class.isAssignableFrom(i)) {
                    Type[] found = resolve(i);
                    if (found != null) {
                        return found;
                    }
                }
            }
            Type sup = c.getGenericSuperclass();
            if (sup instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
                TypeVariable<?>[] vars = raw.getTypeParameters();
                // An abstract base such as McpEnvironment<S> may fix some arguments itself.
                Type[] found = resolve(raw);
                if (found != null) {
                    return found;
                }
                if (vars.length == 3 && Environment.class.isAssignableFrom(raw)) {
                    Type[] args = p.getActualTypeArguments();
                    boolean concrete = true;
                    for (Type a : args) {
                        concrete &= a instanceof Class<?>;
                    }
                    if (concrete) {
                        return args;
                    }
                }
            }
        }
        return null;
    }
}
