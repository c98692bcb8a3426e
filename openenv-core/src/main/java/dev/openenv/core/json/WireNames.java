package dev.openenv.core.json;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.AnnotatedElement;
import tools.jackson.databind.PropertyNamingStrategies;

/** How Java names become wire names: snake_case, unless {@code @JsonProperty} says otherwise. */
public final class WireNames {
    private static final PropertyNamingStrategies.NamingBase SNAKE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    private WireNames() {}

    /** {@code echoedMessage} → {@code echoed_message}, the same translation the codec applies. */
    public static String snake(String javaName) {
        return SNAKE.nameForField(null, null, javaName);
    }

    /** The wire name of a record component, field or accessor. */
    public static String of(String javaName, AnnotatedElement... annotated) {
        for (AnnotatedElement e : annotated) {
            JsonProperty p = e == null ? null : e.getAnnotation(JsonProperty.class);
            if (p != null && !p.value().isEmpty()) {
                return p.value();
            }
        }
        return snake(javaName);
    }
}
