package dev.openenv.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a record component optional on the wire: when the field is absent, the JSON literal given
 * here is used instead ({@code @Default("0")}, {@code @Default("\"\"")}, {@code @Default("null")}).
 * The value also appears as {@code "default"} in the generated JSON Schema.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface Default {
    /** The default as JSON text. */
    String value();
}
