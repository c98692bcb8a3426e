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

    /**
     * Walks the class hierarchy from {@code type} to {@link Environment}, substituting type variables on
     * the way, so {@code class Calc extends McpEnvironment<BasicState>} (where the base fixes two of the
     * arguments and passes its own {@code S} on) resolves to three classes.
     */
    private static Type[] resolve(Class<?> type) {
        return resolve(type, java.util.Map.of());
    }

    private static Type[] resolve(Class<?> raw, java.util.Map<TypeVariable<?>, Type> bindings) {
        if (raw == Environment.class) {
            TypeVariable<?>[] vars = raw.getTypeParameters();
            Type[] out = new Type[vars.length];
            for (int i = 0; i < vars.length; i++) {
                Type t = bindings.get(vars[i]);
                if (!(t instanceof Class<?>)) {
                    return null;
                }
                out[i] = t;
            }
            return out;
        }
        var supertypes = new java.util.ArrayList<Type>(java.util.Arrays.asList(raw.getGenericInterfaces()));
        if (raw.getGenericSuperclass() != null) {
            supertypes.add(raw.getGenericSuperclass());
        }
        for (Type sup : supertypes) {
            Class<?> supRaw;
            var supBindings = new java.util.HashMap<TypeVariable<?>, Type>();
            if (sup instanceof ParameterizedType p && p.getRawType() instanceof Class<?> r) {
                supRaw = r;
                Type[] args = p.getActualTypeArguments();
                TypeVariable<?>[] vars = r.getTypeParameters();
                for (int i = 0; i < vars.length; i++) {
                    Type a = args[i];
                    supBindings.put(vars[i], a instanceof TypeVariable<?> v && bindings.containsKey(v) ? bindings.get(v) : a);
                }
            } else if (sup instanceof Class<?> r) {
                supRaw = r;
            } else {
                continue;
            }
            if (!Environment.class.isAssignableFrom(supRaw)) {
                continue;
            }
            Type[] found = resolve(supRaw, supBindings);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
