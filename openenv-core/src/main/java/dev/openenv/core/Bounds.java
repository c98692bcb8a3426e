package dev.openenv.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Numeric limits of a record component, checked when an action is decoded and published in the JSON
 * Schema ({@code minimum}, {@code maximum}, {@code exclusiveMinimum}, {@code exclusiveMaximum}), like
 * pydantic's {@code Field(ge=, gt=, le=, lt=)}: {@code @Bounds(ge = 0, le = 60) double waitSeconds}.
 * A value out of range is a validation error ({@code greater_than_equal}, {@code less_than} …). Leave a
 * limit unset (NaN) to not have it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface Bounds {
    /** Greater than or equal to. */
    double ge() default Double.NaN;

    /** Greater than. */
    double gt() default Double.NaN;

    /** Less than or equal to. */
    double le() default Double.NaN;

    /** Less than. */
    double lt() default Double.NaN;
}
